"""Difference-in-differences: two-way fixed effects, event studies with pre-trends, Callaway–Sant'Anna.

- ``twfe``: y_it = α_i + λ_t + β·D_it + ε_it by ``linearmodels.PanelOLS`` (entity and time effects),
  standard errors clustered by unit (or by ``cluster``). With fewer than 30 clusters the interval comes from
  a wild cluster bootstrap-t (Rademacher weights; Webb's six-point weights below 12 clusters), computed
  on the two-way-demeaned data (Frisch–Waugh–Lovell gives the same β).
- ``event_study``: leads and lags of the first treatment year (the year before is the reference), with
  a joint Wald test that every lead is 0; a Korean warning when it is rejected at 5 %.
- ``callaway_santanna``: group-time effects ATT(g, t) against never-treated units (long differences from
  g − 1), aggregated to one ATT (weighted by group size) and by event time, with a unit bootstrap for
  intervals. Under staggered adoption with effects that change over time, TWFE compares treated units
  with already-treated ones and can be biased, even of the wrong sign; this estimator does not.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.errors import InputError

SMALL_CLUSTERS = 30


@dataclass
class DidEstimate:
    method: str
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    n_obs: int
    n_units: int
    n_clusters: int
    inference: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class EventTerm:
    event_time: int
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float


@dataclass
class EventStudy:
    method: str
    reference: int
    terms: list[EventTerm]
    pretrend_p_value: float | None
    pretrend_flat: bool | None
    n_obs: int
    warnings: list[str] = field(default_factory=list)


def _check(panel: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    missing = [c for c in cols if c not in panel.columns]
    if missing:
        raise InputError(f"패널 자료에 {', '.join(missing)} 열이 없습니다.", field=missing[0])
    df = panel[cols].dropna()
    if df.empty:
        raise InputError("패널 자료에 쓸 수 있는 행이 없습니다 (빈 값 제외 후).", field="panel")
    return df


def _demean(x: np.ndarray, unit: np.ndarray, time: np.ndarray, tol: float = 1e-12, max_iter: int = 1000) -> np.ndarray:
    """Remove unit and time means by alternating projections (exact for balanced panels in one pass)."""
    flat = x.ndim == 1
    out = x.astype(float).reshape(len(x), -1).copy()
    for _ in range(max_iter):
        prev = out.copy()
        for g in (unit, time):
            means = pd.DataFrame(out).groupby(g).transform("mean").to_numpy()
            out = out - means
        if np.max(np.abs(out - prev)) < tol:
            break
    return out[:, 0] if flat else out


def _cluster_se(x: np.ndarray, e: np.ndarray, clusters: np.ndarray, k_absorbed: int) -> np.ndarray:
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    meat = np.zeros((k, k))
    for g in np.unique(clusters):
        s = x[clusters == g].T @ e[clusters == g]
        meat += np.outer(s, s)
    groups = len(np.unique(clusters))
    adj = groups / (groups - 1) * (n - 1) / max(n - k - k_absorbed, 1)
    return xtx_inv @ meat @ xtx_inv * adj


def _wild_bootstrap(xd: np.ndarray, yd: np.ndarray, clusters: np.ndarray, beta: np.ndarray, se: float,
                    k_absorbed: int, reps: int, seed: int, alpha: float = 0.05) -> tuple[float, float, float]:
    """Wild cluster bootstrap-t for the first coefficient: (ci_low, ci_high, p_value).

    All replications at once: with the cluster-membership matrix C (G × n), each replication's weights
    w (G) give y* = ŷ + e·(Cᵀw), β* = (XᵀX)⁻¹Xᵀy*, and the cluster score sums C·(x·e*)."""
    rng = np.random.default_rng(seed)
    ids, inv = np.unique(clusters, return_inverse=True)
    n_g = len(ids)
    n, k = xd.shape
    fitted = xd @ beta
    resid = yd - fitted
    t_obs = beta[0] / se
    webb = np.array([-np.sqrt(1.5), -1, -np.sqrt(0.5), np.sqrt(0.5), 1, np.sqrt(1.5)])
    w = rng.choice(webb, size=(reps, n_g)) if n_g < 12 else rng.choice([-1.0, 1.0], size=(reps, n_g))
    ystar = fitted[None, :] + resid[None, :] * w[:, inv]            # reps × n
    xtx_inv = np.linalg.inv(xd.T @ xd)
    bstar = ystar @ xd @ xtx_inv                                     # reps × k
    estar = ystar - bstar @ xd.T                                     # reps × n
    member = np.zeros((n_g, n))
    member[inv, np.arange(n)] = 1.0
    # cluster scores: for each replication and cluster, Σ_i∈g x_i e*_i  → reps × G × k
    scores = np.einsum("gn,rn,nk->rgk", member, estar, xd)
    meat = np.einsum("rgk,rgl->rkl", scores, scores)
    adj = n_g / (n_g - 1) * (n - 1) / max(n - k - k_absorbed, 1)
    var0 = np.einsum("kl,rlm,mk->r", xtx_inv[:1], meat, xtx_inv[:, :1]) * adj
    tstars = (bstar[:, 0] - beta[0]) / np.sqrt(var0)
    lo_q, hi_q = np.quantile(tstars, [alpha / 2, 1 - alpha / 2])
    p = float(np.mean(np.abs(tstars) >= abs(t_obs)))
    return float(beta[0] - hi_q * se), float(beta[0] - lo_q * se), p


def twfe(panel: pd.DataFrame, *, outcome: str, unit: str = "unit", time: str = "time", treated: str = "treated",
         cluster: str | None = None, bootstrap_reps: int = 999, seed: int = 0) -> DidEstimate:
    """The two-way fixed-effects DiD coefficient of ``treated`` (0/1 per unit and time)."""
    # deferred: linearmodels pulls statsmodels (about a second)
    from linearmodels.panel import PanelOLS

    cols = [unit, time, outcome, treated] + ([cluster] if cluster and cluster not in (unit, time) else [])
    df = _check(panel, cols)
    if df[treated].nunique() < 2:
        raise InputError("처리(treated) 값이 모두 같아 효과를 추정할 수 없습니다.", field=treated)
    idx = df.set_index([unit, time]).sort_index()
    mod = PanelOLS(idx[outcome], idx[[treated]].astype(float), entity_effects=True, time_effects=True)
    clus = idx[cluster] if cluster else None
    if clus is None:
        res = mod.fit(cov_type="clustered", cluster_entity=True)
        clusters = idx.index.get_level_values(0).to_numpy()
    else:
        res = mod.fit(cov_type="clustered", clusters=pd.DataFrame(clus.astype("category").cat.codes))
        clusters = clus.to_numpy()
    beta, se = float(res.params[treated]), float(res.std_errors[treated])
    g = len(np.unique(clusters))
    warnings: list[str] = []
    if g < SMALL_CLUSTERS:
        u = idx.index.get_level_values(0).to_numpy()
        t = idx.index.get_level_values(1).to_numpy()
        yd = _demean(idx[outcome].to_numpy(), u, t)
        xd = _demean(idx[[treated]].to_numpy(float), u, t)
        k_abs = len(np.unique(u)) + len(np.unique(t)) - 1
        b = np.linalg.lstsq(xd, yd, rcond=None)[0]
        se_fwl = float(np.sqrt(_cluster_se(xd, yd - xd @ b, clusters, k_abs)[0, 0]))
        lo, hi, p = _wild_bootstrap(xd, yd, clusters, b, se_fwl, k_abs, bootstrap_reps, seed)
        inference = f"군집 {g}개(30개 미만): 야생 군집 부트스트랩 {bootstrap_reps}회(검정통계량 기준)"
        warnings.append(f"군집이 {g}개뿐이라 군집 표준오차를 그대로 믿기 어렵습니다. 구간은 야생 군집 부트스트랩으로 구했습니다.")
    else:
        lo, hi = beta - 1.96 * se, beta + 1.96 * se
        from scipy import stats  # deferred: scipy.stats ≈ 1 s to import; the web app starts without it

        p = float(2 * (1 - stats.norm.cdf(abs(beta / se))))
        inference = f"{'단위' if cluster is None else cluster}별 군집 표준오차 ({g}개 군집)"
    return DidEstimate("이원 고정효과 이중차분", beta, se, lo, hi, p, int(res.nobs), int(idx.index.get_level_values(0).nunique()),
                       g, inference, warnings)


def _first_treated(df: pd.DataFrame, unit: str, time: str, treated: str) -> pd.Series:
    first = df[df[treated] == 1].groupby(unit)[time].min()
    return df[unit].map(first)


def event_study(panel: pd.DataFrame, *, outcome: str, unit: str = "unit", time: str = "time", treated: str = "treated",
                leads: int = 5, lags: int = 4, cluster: str | None = None) -> EventStudy:
    """Leads and lags around each unit's first treated period (reference: the period before)."""
    # deferred: linearmodels pulls statsmodels (about a second)
    from linearmodels.panel import PanelOLS

    df = _check(panel, [unit, time, outcome, treated] + ([cluster] if cluster else [])).copy()
    g = _first_treated(df, unit, time, treated)
    rel = (df[time] - g).clip(lower=-leads, upper=lags)
    names = []
    for e in range(-leads, lags + 1):
        if e == -1:
            continue
        name = f"e{e}".replace("-", "m")
        df[name] = ((rel == e) & g.notna()).astype(float)
        names.append((e, name))
    names = [(e, n) for e, n in names if df[n].sum() > 0]
    idx = df.set_index([unit, time]).sort_index()
    mod = PanelOLS(idx[outcome], idx[[n for _, n in names]], entity_effects=True, time_effects=True, drop_absorbed=True)
    if cluster:
        res = mod.fit(cov_type="clustered", clusters=pd.DataFrame(idx[cluster].astype("category").cat.codes))
    else:
        res = mod.fit(cov_type="clustered", cluster_entity=True)
    terms = []
    for e, n in names:
        if n in res.params.index:
            b, s = float(res.params[n]), float(res.std_errors[n])
            terms.append(EventTerm(e, b, s, b - 1.96 * s, b + 1.96 * s))
    terms.append(EventTerm(-1, 0.0, 0.0, 0.0, 0.0))
    terms.sort(key=lambda t: t.event_time)
    pre = [n for e, n in names if e < -1 and n in res.params.index]
    p = flat = None
    warnings: list[str] = []
    if pre:
        b = res.params[pre].to_numpy()
        v = res.cov.loc[pre, pre].to_numpy()
        w = float(b @ np.linalg.pinv(v) @ b)
        from scipy import stats  # deferred: scipy.stats ≈ 1 s to import; the web app starts without it

        p = float(1 - stats.chi2.cdf(w, len(pre)))
        flat = p >= 0.05
        if not flat:
            warnings.append(f"처리 전 계수가 0이라는 검정이 기각됩니다 (유의확률 {p:.3f}). 처리 전부터 추세가 달랐으므로 처리 후 "
                            "차이를 효과로 읽으면 안 됩니다.")
    return EventStudy("사건연구(이원 고정효과)", -1, terms, p, flat, int(res.nobs), warnings)


def _att_gt(wide: pd.DataFrame, groups: pd.Series, g: int, t: int, control: np.ndarray) -> float:
    base = g - 1
    tr = groups.index[groups == g]
    d_tr = wide.loc[tr, t] - wide.loc[tr, base]
    d_c = wide.loc[control, t] - wide.loc[control, base]
    return float(d_tr.mean() - d_c.mean())


def callaway_santanna(panel: pd.DataFrame, *, outcome: str, unit: str = "unit", time: str = "time",
                      treated: str = "treated", bootstrap_reps: int = 199, seed: int = 0) -> tuple[DidEstimate, list[EventTerm]]:
    """ATT with never-treated controls (balanced units only), overall and by event time."""
    df = _check(panel, [unit, time, outcome, treated]).copy()
    wide = df.pivot_table(index=unit, columns=time, values=outcome)
    complete = wide.dropna().index
    warnings = []
    if len(complete) < len(wide):
        warnings.append(f"모든 해의 값이 있는 단위만 씁니다 ({len(wide) - len(complete)}곳 제외).")
    wide = wide.loc[complete]
    first = df[df[treated] == 1].groupby(unit)[time].min().reindex(wide.index)
    times = sorted(wide.columns)
    never = wide.index[first.isna()].to_numpy()
    if len(never) < 2:
        raise InputError("한 번도 처리되지 않은 비교 단위가 2곳 이상 있어야 합니다.", field=treated)
    groups = first.dropna().astype(int)
    cohorts = sorted(g for g in groups.unique() if g - 1 in times)

    def estimate(w: pd.DataFrame, grp: pd.Series, nev: np.ndarray):
        cells, by_e = [], {}
        for g in cohorts:
            n_g = int((grp == g).sum())
            if n_g == 0:
                continue
            for t in times:
                if t == g - 1:
                    continue
                att = _att_gt(w, grp, g, t, nev)
                if t >= g:
                    cells.append((att, n_g))
                by_e.setdefault(t - g, []).append((att, n_g))
        overall = sum(a * n for a, n in cells) / sum(n for _, n in cells)
        dyn = {e: sum(a * n for a, n in v) / sum(n for _, n in v) for e, v in by_e.items()}
        return overall, dyn

    overall, dyn = estimate(wide, groups, never)
    rng = np.random.default_rng(seed)
    boots, dboots = [], {e: [] for e in dyn}
    units = wide.index.to_numpy()
    for _ in range(bootstrap_reps):
        pick = rng.choice(units, size=len(units), replace=True)
        w = wide.loc[pick].reset_index(drop=True)
        grp = first.loc[pick].reset_index(drop=True)
        nev = w.index[grp.isna().to_numpy()].to_numpy()
        grp = grp.dropna().astype(int)
        if len(nev) < 2 or not any((grp == g).any() for g in cohorts):
            continue
        o, d = estimate(w, grp, nev)
        boots.append(o)
        for e in dyn:
            if e in d:
                dboots[e].append(d[e])
    se = float(np.std(boots, ddof=1))
    lo, hi = np.quantile(boots, [0.025, 0.975])
    from scipy import stats  # deferred: scipy.stats ≈ 1 s to import; the web app starts without it

    p = float(2 * (1 - stats.norm.cdf(abs(overall / se)))) if se > 0 else float("nan")
    est = DidEstimate("칼러웨이–산탄나 이중차분 (비교: 한 번도 처리되지 않은 단위)", overall, se, float(lo), float(hi), p,
                      int(wide.size), len(wide), len(wide), f"단위 부트스트랩 {len(boots)}회", warnings)
    terms = []
    for e in sorted(dyn):
        s = float(np.std(dboots[e], ddof=1)) if len(dboots[e]) > 1 else float("nan")
        terms.append(EventTerm(int(e), float(dyn[e]), s, float(dyn[e] - 1.96 * s), float(dyn[e] + 1.96 * s)))
    return est, terms


@dataclass
class PanelAnalysis:
    twfe: DidEstimate
    event_study: EventStudy
    callaway_santanna: DidEstimate | None
    cs_event_terms: list[EventTerm]
    staggered: bool
    cohorts: list[int]
    notes: list[str] = field(default_factory=list)


# a panel file's columns: the API's names, and the Korean header a file may use instead
PANEL_LABELS = {"unit": "단위", "time": "연도", "outcome": "결과", "treated": "처리", "cluster": "군집"}
PANEL_ALIASES = {"단위": "unit", "연도": "time", "시점": "time", "결과": "outcome", "처리": "treated",
                 "처리 여부": "treated", "처리여부": "treated", "군집": "cluster"}


def _named(*columns: str) -> str:
    """'연도(time)·결과(outcome)': a page shows the Korean header names, the API and the CLI both."""
    return "·".join(f"{PANEL_LABELS[c]}({c})" for c in columns)


def read_panel(source) -> pd.DataFrame:
    """A user's panel CSV/XLSX with columns unit, time, outcome, treated (and optionally cluster), or their
    Korean headers 단위, 연도, 결과, 처리 (군집)."""

    if isinstance(source, list):  # rows from the API; an all-empty cluster column means none was given
        df = pd.DataFrame(source)
        if "cluster" in df.columns and df["cluster"].isna().all():
            df = df.drop(columns="cluster")
    elif isinstance(source, pd.DataFrame):
        df = source.copy()
    elif isinstance(source, bytes):
        df = pd.read_excel(io.BytesIO(source)) if source[:2] == b"PK" else pd.read_csv(io.BytesIO(source), encoding="utf-8-sig")
    else:
        p = Path(source)
        df = pd.read_excel(p) if p.suffix.lower() in (".xlsx", ".xlsm") else pd.read_csv(p, encoding="utf-8-sig")
    df = df.rename(columns={c: PANEL_ALIASES[str(c).strip()] for c in df.columns
                            if str(c).strip() in PANEL_ALIASES and PANEL_ALIASES[str(c).strip()] not in df.columns})
    need = ["unit", "time", "outcome", "treated"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError(f"패널 파일에 {_named(*missing)} 열이 없습니다. 열: {_named(*need)} "
                         f"(처리: 그 해 처리를 받았으면 1, 아니면 0), 선택: {_named('cluster')}.", field=missing[0])
    for c in ("time", "outcome", "treated"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    bad = df[df[["time", "outcome", "treated"]].isna().any(axis=1)]
    if len(bad):
        raise InputError(f"숫자가 아닌 값이 있는 행: {', '.join(str(i + 2) for i in bad.index[:10])}행"
                         f"{' 등' if len(bad) > 10 else ''}. {_named('time', 'outcome', 'treated')}는 숫자여야 합니다.",
                         field="outcome")
    if not df["treated"].isin([0, 1]).all():
        raise InputError(f"{_named('treated')}는 0 또는 1이어야 합니다.", field="treated")
    if df.duplicated(["unit", "time"]).any():
        raise InputError(f"같은 {_named('unit', 'time')} 행이 두 번 이상 있습니다. 단위마다 연도 하나에 한 행이어야 합니다.",
                         field="unit")
    return df


def analyse_panel(source, *, bootstrap_reps: int = 199) -> PanelAnalysis:
    """TWFE, event study and (with never-treated units) Callaway–Sant'Anna on a user's panel."""
    df = read_panel(source)
    cluster = "cluster" if "cluster" in df.columns else None
    first = df[df.treated == 1].groupby("unit")["time"].min()
    cohorts = sorted(int(x) for x in first.unique())
    notes = []
    est = twfe(df, outcome="outcome", cluster=cluster)
    es = event_study(df, outcome="outcome", cluster=cluster)
    cs, terms = None, []
    if df.groupby("unit")["treated"].max().eq(0).sum() >= 2:
        cs, terms = callaway_santanna(df, outcome="outcome", bootstrap_reps=bootstrap_reps)
    else:
        notes.append("한 번도 처리되지 않은 단위가 2곳 미만이라 칼러웨이–산탄나 추정을 하지 않았습니다.")
    if len(cohorts) > 1:
        notes.append(f"처리 시작 시점이 {len(cohorts)}개({', '.join(map(str, cohorts))})입니다. 효과가 시간에 따라 변하면 "
                     "이원 고정효과 추정은 치우칠 수 있으니 칼러웨이–산탄나 추정을 함께 보세요.")
    return PanelAnalysis(est, es, cs, terms, len(cohorts) > 1, cohorts, notes)
