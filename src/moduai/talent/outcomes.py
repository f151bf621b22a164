"""Where K-Digital Training leads to jobs: funnel, concentration of supply, institutions with uncertainty.

Definitions (every figure is a pooled ratio of sums, never an average of run rates):

* 정원 (seats), 신청 (수강신청 인원) and 충원율 = 신청 ÷ 정원, over every run of the group;
* 수료 and 수료율 = 수료인원 ÷ 신청 over runs that had **ended** by the data cut-off;
* 3/6-month 취업률 = Σ 취업인원 ÷ Σ 수료인원 over runs whose 3/6-month follow-up was **measured**
  (end + 3/6 months ≤ cut-off, see :mod:`moduai.talent.kdt`); runs not yet measured are left out, not
  counted as 0 %.  The 6-month interval is Wilson's score interval (Wilson 1927) on the pooled counts.
* 집중도: share of runs (and of seats) and the Herfindahl–Hirschman index HHI = Σ sᵢ² × 10,000
  (10,000 = everything in one place; the US DOJ calls > 2,500 highly concentrated).
* Runs per 10,000 residents aged 20–34: runs started 2021–2025 ÷ residents aged 20–34 at the end of
  2024 (행정안전부 주민등록, :mod:`moduai.data.population`) × 10,000.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from moduai.data.population import age_sex_table
from moduai.errors import InputError
from moduai.korean import josa
from moduai.regions import list_regions, megaregions
from moduai.talent.kdt import CUTOFF_RULE, SOURCE_ID, load_runs

GROUPINGS = {
    "sido": ("sido_code", "sido", "시도"),
    "megaregion": ("mega_id", "mega", "5극3특 권역"),
    "capital": ("capital_label", "capital_label", "수도권·비수도권"),
    "ncs": ("ncs_name", "ncs_name", "NCS 분야"),
    "institution": ("institution", "institution", "훈련기관"),
    "year": ("year", "year", "개강 연도"),
}
POPULATION_YEAR = 2024
POPULATION_SOURCE = "population-mois-age"
Z95 = 1.959963984540054


def check_by(by: str) -> str:
    aliases = {"시도": "sido", "5극3특": "megaregion", "권역": "megaregion", "mega": "megaregion", "수도권": "capital",
               "분야": "ncs", "기관": "institution", "연도": "year"}
    by = aliases.get(by, by)
    if by not in GROUPINGS:
        raise InputError(f"묶음(by)은 {', '.join(GROUPINGS)} 중 하나여야 합니다. 받은 값: '{by}'.", field="by")
    return by


def wilson_interval(successes: float, n: float, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval for a proportion (successes capped at n); (None, None) when n = 0.

    >>> [round(v, 3) for v in wilson_interval(12, 12)]
    [0.758, 1.0]
    >>> [round(v, 3) for v in wilson_interval(280, 400)]
    [0.653, 0.743]
    """
    if n <= 0:
        return None, None
    k = min(successes, n)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


@dataclass
class FunnelRow:
    key: str
    label: str
    runs: int
    capacity: int
    applicants: int
    fill_rate: float | None
    runs_ended: int
    applicants_ended: int
    graduates: int
    completion_rate: float | None
    runs_measured3: int
    graduates3: int
    employed3: int
    rate3: float | None
    runs_measured6: int
    graduates6: int
    employed6: int
    rate6: float | None
    rate6_low: float | None
    rate6_high: float | None


@dataclass
class FunnelResult:
    by: str
    by_label: str
    rows: list[FunnelRow]
    total: FunnelRow
    cutoff: str
    notes: list[str]
    sources: list[str] = field(default_factory=lambda: [SOURCE_ID])


def _ratio(a: float, b: float) -> float | None:
    return float(a) / float(b) if b else None


def _funnel_table(runs: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    d = runs.assign(
        _app_ended=runs.applicants.where(runs.ended, 0),
        _grad=runs.graduates.fillna(0),
        _g3=runs.graduates.where(runs.measured3, 0).fillna(0), _e3=runs.emp3.fillna(0),
        _g6=runs.graduates.where(runs.measured6, 0).fillna(0), _e6=runs.emp6.fillna(0),
    )
    return d.groupby(key, sort=False).agg(
        label=(label, "first"), runs=("run_id", "size"), capacity=("capacity", "sum"), applicants=("applicants", "sum"),
        runs_ended=("ended", "sum"), applicants_ended=("_app_ended", "sum"), graduates=("_grad", "sum"),
        runs_measured3=("measured3", "sum"), graduates3=("_g3", "sum"), employed3=("_e3", "sum"),
        runs_measured6=("measured6", "sum"), graduates6=("_g6", "sum"), employed6=("_e6", "sum"),
    )


def _row(key, r) -> FunnelRow:
    lo, hi = wilson_interval(r.employed6, r.graduates6)
    return FunnelRow(
        key=str(key), label=str(r.label), runs=int(r.runs), capacity=int(r.capacity), applicants=int(r.applicants),
        fill_rate=_ratio(r.applicants, r.capacity), runs_ended=int(r.runs_ended), applicants_ended=int(r.applicants_ended),
        graduates=int(r.graduates), completion_rate=_ratio(r.graduates, r.applicants_ended),
        runs_measured3=int(r.runs_measured3), graduates3=int(r.graduates3), employed3=int(r.employed3),
        rate3=_ratio(r.employed3, r.graduates3), runs_measured6=int(r.runs_measured6), graduates6=int(r.graduates6),
        employed6=int(r.employed6), rate6=_ratio(r.employed6, r.graduates6), rate6_low=lo, rate6_high=hi,
    )


def outcome_funnel(by: str = "sido", runs: pd.DataFrame | None = None) -> FunnelResult:
    """정원 → 신청 → 수료 → 취업(3/6개월) by 시도, 5극3특, 수도권, NCS 분야, 훈련기관 or 개강 연도.

    Examples
    --------
    >>> f = outcome_funnel("capital")
    >>> [r.label for r in f.rows]
    ['수도권', '비수도권']
    """
    by = check_by(by)
    runs = load_runs() if runs is None else runs
    key, label, by_label = GROUPINGS[by]
    table = _funnel_table(runs, key, label)
    table = table.sort_values("runs", ascending=False) if by in ("ncs", "institution") else table.sort_index()
    if by == "capital":
        table = table.loc[[k for k in ("수도권", "비수도권") if k in table.index]]
    if by == "megaregion":

        table = table.loc[[g.id for g in megaregions() if g.id in table.index]]
    rows = [_row(k, r) for k, r in table.iterrows()]
    total = _row("all", _funnel_table(runs.assign(_all="전체"), "_all", "_all").iloc[0])
    cutoff = runs.attrs.get("cutoff")
    notes = [CUTOFF_RULE,
             f"3개월 취업률은 {total.runs_measured3:,}회차, 6개월 취업률은 {total.runs_measured6:,}회차(측정된 회차)로 계산했습니다.",
             "비율은 회차 비율의 평균이 아니라 인원 합의 비율입니다."]
    return FunnelResult(by, by_label, rows, total, str(cutoff), notes)


# --------------------------------------------------------------------------------- concentration
@lru_cache(maxsize=1)
def young_residents(year: int = POPULATION_YEAR) -> dict[str, float]:
    """Residents aged 20–34 (bands 20–24, 25–29, 30–34, both sexes) per 시도 at the end of ``year``."""

    t = age_sex_table("mois")
    t = t[(t.level == "sido") & (t.year == year) & t.age.isin([20, 25, 30])]
    return {str(k): float(v) for k, v in t.groupby("code")["value"].sum().items()}


def hhi(shares) -> float:
    """Herfindahl–Hirschman index on shares that sum to 1, scaled 0–10,000.

    >>> hhi([0.5, 0.5]), hhi([1.0])
    (5000.0, 10000.0)
    """
    s = np.asarray(list(shares), dtype=float)
    return float((s ** 2).sum() * 10_000)


@dataclass
class SupplyRow:
    code: str
    name: str
    runs: int
    seats: int
    share_runs: float
    share_seats: float
    residents_20_34: float | None
    runs_per_10k: float | None
    seats_per_10k: float | None


@dataclass
class InstitutionShare:
    institution: str
    runs: int
    share_runs: float


@dataclass
class ConcentrationResult:
    regions: list[SupplyRow]
    megaregions: list[SupplyRow]
    hhi_runs_sido: float
    hhi_seats_sido: float
    hhi_runs_megaregion: float
    hhi_runs_institution: float
    hhi_seats_institution: float
    institutions: int
    top_institutions: list[InstitutionShare]
    capital_share_runs: float
    capital_share_young: float
    population_year: int
    notes: list[str]
    sources: list[str] = field(default_factory=lambda: [SOURCE_ID, POPULATION_SOURCE])


def supply_concentration(runs: pd.DataFrame | None = None, top: int = 10) -> ConcentrationResult:
    """Share and HHI of runs and seats by 시도, 5극3특 and institution; runs per 10,000 residents aged 20–34."""

    runs = load_runs() if runs is None else runs
    young = young_residents()
    n_runs, n_seats = len(runs), int(runs.capacity.sum())
    by_sido = runs.groupby("sido_code").agg(runs=("run_id", "size"), seats=("capacity", "sum"))
    regions = []
    for r in list_regions("sido"):
        k = int(by_sido.runs.get(r.code, 0))
        s = int(by_sido.seats.get(r.code, 0))
        y = young.get(r.code)
        regions.append(SupplyRow(r.code, r.name, k, s, k / n_runs, s / n_seats, y,
                                 k / y * 10_000 if y else None, s / y * 10_000 if y else None))
    megas = []
    for g in megaregions():
        rows = [x for x in regions if x.code in g.sido_codes]
        k, s = sum(x.runs for x in rows), sum(x.seats for x in rows)
        y = sum(x.residents_20_34 or 0 for x in rows)
        megas.append(SupplyRow(g.id, g.name, k, s, k / n_runs, s / n_seats, y or None,
                               k / y * 10_000 if y else None, s / y * 10_000 if y else None))
    inst = runs.groupby("institution").agg(runs=("run_id", "size"), seats=("capacity", "sum"))
    inst = inst.sort_values("runs", ascending=False)
    capital = next(m for m in megas if m.code == "capital")
    total_young = sum(young.get(r.code, 0) for r in list_regions("sido"))
    notes = [f"주민 수는 {POPULATION_YEAR}년 말 주민등록 20–34세(행정안전부)입니다. 회차는 2021–2025년 개강 전체입니다.",
             "허핀달·허시먼 집중도 지수 = 점유율 제곱의 합 × 10,000 (10,000이면 한곳에 모두 몰림; 2,500 넘으면 고집중)."]
    return ConcentrationResult(
        regions=regions, megaregions=megas,
        hhi_runs_sido=hhi(x.share_runs for x in regions), hhi_seats_sido=hhi(x.share_seats for x in regions),
        hhi_runs_megaregion=hhi(x.share_runs for x in megas),
        hhi_runs_institution=hhi(inst.runs / n_runs), hhi_seats_institution=hhi(inst.seats / n_seats),
        institutions=len(inst),
        top_institutions=[InstitutionShare(str(i), int(r.runs), r.runs / n_runs) for i, r in inst.head(top).iterrows()],
        capital_share_runs=capital.share_runs, capital_share_young=(capital.residents_20_34 or 0) / total_young,
        population_year=POPULATION_YEAR, notes=notes,
    )


# ------------------------------------------------------------------------------ institutions
@dataclass
class InstitutionRank:
    rank: int
    institution: str
    sido: str
    runs: int
    runs_measured6: int
    graduates6: int
    employed6: int
    rate6: float | None
    low: float | None
    high: float | None
    shrunk: float | None


@dataclass
class InstitutionRanking:
    rows: list[InstitutionRank]
    order: str
    method: str
    prior_mean: float
    prior_strength: float
    min_graduates: int
    excluded: int
    sources: list[str] = field(default_factory=lambda: [SOURCE_ID])


ORDERS = {
    "wilson": "6개월 취업률 95% 윌슨 구간 하한 순 (수료인원이 적으면 구간이 넓어 아래로 갑니다)",
    "bayes": "6개월 취업률을 전국 평균 쪽으로 당긴 경험적 베이즈 추정치 순 (수료인원이 적을수록 많이 당김)",
}


def beta_prior(successes: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Empirical-Bayes Beta prior (mean m, strength κ = a + b) by the method of moments across units.

    m = pooled rate; between-unit variance = var(pᵢ) − mean(pᵢ(1−pᵢ)/nᵢ); κ = m(1−m)/var_between − 1,
    kept within [2, 1000].  The posterior mean of a unit is (kᵢ + κm) / (nᵢ + κ).
    """
    k, n = np.minimum(successes, n).astype(float), n.astype(float)
    m = float(k.sum() / n.sum())
    p = k / n
    var_between = float(np.var(p) - np.mean(p * (1 - p) / n))
    kappa = m * (1 - m) / var_between - 1 if var_between > 0 else 1000.0
    return m, float(min(max(kappa, 2.0), 1000.0))


def rank_institutions(min_graduates: int = 1, limit: int | None = None, runs: pd.DataFrame | None = None,
                      order: str = "wilson") -> InstitutionRanking:
    """Institutions ranked on their pooled 6-month employment rate, with uncertainty.

    Every row carries the 95 % Wilson interval; the default order is its lower bound, so a small course
    needs a higher observed rate to rank high: 5 graduates at 100 % (lower bound 0.566) rank below 400 at
    70 % (0.653).  Measured honestly, 12 graduates at 100 % (0.758) still rank *above* 400 at 70 %: the two
    intervals (0.758–1.0 and 0.653–0.743) do not overlap, so the data do say the small course did better.
    ``order="bayes"`` ranks by the empirical-Bayes posterior mean instead (:func:`beta_prior`; on this file
    m ≈ 0.50, κ ≈ 9.5, so 12/12 → 0.78 and 280/400 → 0.70 — the same order).
    """
    if min_graduates < 1:
        raise InputError(f"최소 수료인원(min_graduates)은 1 이상이어야 합니다. 받은 값: {min_graduates}.", field="min_graduates")
    if order not in ORDERS:
        raise InputError(f"순서(order)는 {', '.join(ORDERS)} 중 하나여야 합니다. 받은 값: '{order}'.", field="order")
    runs = load_runs() if runs is None else runs
    t = _funnel_table(runs, "institution", "institution")
    home = runs.groupby("institution")["sido"].agg(lambda s: s.value_counts().index[0])
    keep = t[t.graduates6 >= min_graduates]
    measured = t[t.graduates6 > 0]
    m, kappa = beta_prior(measured.employed6.to_numpy(), measured.graduates6.to_numpy())
    rows = []
    for inst, r in keep.iterrows():
        lo, hi = wilson_interval(r.employed6, r.graduates6)
        shrunk = (min(r.employed6, r.graduates6) + kappa * m) / (r.graduates6 + kappa)
        rows.append(InstitutionRank(0, str(inst), str(home[inst]), int(r.runs), int(r.runs_measured6),
                                    int(r.graduates6), int(r.employed6), _ratio(r.employed6, r.graduates6), lo, hi,
                                    float(shrunk)))
    score = (lambda x: x.shrunk) if order == "bayes" else (lambda x: x.low or 0)
    rows.sort(key=lambda x: (-score(x), -x.graduates6, x.institution))
    for i, x in enumerate(rows, 1):
        x.rank = i
    return InstitutionRanking(rows[:limit] if limit else rows, order, ORDERS[order], m, kappa, min_graduates,
                              int(len(t) - len(keep)))


# ------------------------------------------------------------------------------ the plain answer
@dataclass
class RegionalStatement:
    sentences: list[str]
    scarce: list[dict]
    leading: list[dict]
    sources: list[str] = field(default_factory=lambda: [SOURCE_ID, POPULATION_SOURCE])


def regional_statement(min_graduates: int = 100, runs: pd.DataFrame | None = None) -> RegionalStatement:
    """Where courses are scarce relative to young residents, and where they lead to jobs — in plain Korean."""

    runs = load_runs() if runs is None else runs
    conc = supply_concentration(runs)
    funnel = outcome_funnel("sido", runs)
    nat = len(runs) / sum(x.residents_20_34 or 0 for x in conc.regions) * 10_000
    ordered = sorted((x for x in conc.regions if x.runs_per_10k is not None), key=lambda x: x.runs_per_10k)
    scarce = [{"code": x.code, "name": x.name, "runs": x.runs, "runs_per_10k": x.runs_per_10k,
               "residents_20_34": x.residents_20_34} for x in ordered[:6]]
    rated = [r for r in funnel.rows if r.graduates6 >= min_graduates]
    rated.sort(key=lambda r: -(r.rate6_low or 0))
    leading = [{"code": r.key, "name": r.label, "rate6": r.rate6, "low": r.rate6_low, "high": r.rate6_high,
                "graduates6": r.graduates6} for r in rated]
    total = funnel.total
    cap = next(r for r in outcome_funnel("capital", runs).rows if r.key == "수도권")
    non = next(r for r in outcome_funnel("capital", runs).rows if r.key == "비수도권")

    def pct(v):
        return "—" if v is None else f"{v * 100:.1f}%"

    s = [
        f"2021–2025년 K-디지털 트레이닝 {len(runs):,}회차 중 {conc.capital_share_runs * 100:.0f}%가 수도권에서 열렸습니다. "
        f"20–34세 주민의 수도권 비중은 {conc.capital_share_young * 100:.0f}%입니다.",
        f"청년 1만 명당 회차는 전국 {nat:.1f}회인데, "
        + ", ".join(f"{x['name']} {x['runs_per_10k']:.2f}회({x['runs']}회차)" for x in scarce[:4])
        + "로 가장 적습니다. 이곳 청년은 과정을 들으려면 다른 지역으로 가야 합니다.",
        f"수료 후 6개월 취업률(측정된 회차)은 전국 {pct(total.rate6)}, 수도권 {pct(cap.rate6)}, 비수도권 {pct(non.rate6)}입니다.",
    ]
    if leading:
        top = leading[:3]
        s.append("수료생이 " + f"{min_graduates}명 이상인 시도 중 6개월 취업률이 확실히 높은 곳(95% 구간 하한 순)은 "
                 + ", ".join(f"{x['name']} {pct(x['rate6'])}({pct(x['low'])}–{pct(x['high'])}, 수료 {x['graduates6']:,}명)"
                             for x in top) + "입니다.")
        low = leading[-1]
        s.append(f"가장 낮은 곳은 {josa(low['name'], '으로/로')} {pct(low['rate6'])}입니다.")
    small = [r.label for r in funnel.rows if 0 < r.graduates6 < min_graduates]
    if small:
        s.append(f"{', '.join(small)}{josa(small[-1], '은/는')[len(small[-1]):]} 측정된 수료생이 {min_graduates}명 미만이라 "
                 "취업률을 비교하지 않았습니다(구간이 너무 넓습니다).")
    return RegionalStatement(s, scarce, leading)


@dataclass
class FunnelStages:
    """One consistent cohort for a funnel chart: only runs whose 6-month follow-up was measured."""

    label: str
    runs: int
    stages: list[str]
    values: list[int]
    note: str = "6개월 취업이 측정된 회차만 (같은 회차 집합의 정원 → 신청 → 수료 → 취업)"


def funnel_stages(runs: pd.DataFrame | None = None) -> list[FunnelStages]:
    """정원 → 신청 → 수료 → 3개월 취업 → 6개월 취업 for 전체, 수도권 and 비수도권, on the runs measured at 6 months."""
    runs = load_runs() if runs is None else runs
    m = runs[runs.measured6]
    out = []
    for label, part in (("전체", m), ("수도권", m[m.capital]), ("비수도권", m[~m.capital])):
        out.append(FunnelStages(label, len(part), ["정원", "수강신청", "수료", "취업(3개월)", "취업(6개월)"],
                                [int(part.capacity.sum()), int(part.applicants.sum()), int(part.graduates.sum()),
                                 int(part.emp3.fillna(0).sum()), int(part.emp6.sum())]))
    return out


@dataclass
class OutcomesReport:
    """The dashboard document: funnel by one grouping, supply concentration, ranked institutions, statement."""

    by: str
    funnel: FunnelResult
    capital: FunnelResult
    concentration: ConcentrationResult
    institutions: InstitutionRanking
    statement: RegionalStatement
    stages: list[FunnelStages]
    cutoff: str
    sources: list[str] = field(default_factory=lambda: [SOURCE_ID, POPULATION_SOURCE])


def outcomes_report(by: str = "sido", top_institutions: int = 20, min_graduates: int = 30) -> OutcomesReport:
    """Everything the outcomes dashboard shows, for one grouping of the funnel.

    Kept per arguments for the process: it reads only the bundled course-run file, itself read once per
    process (``kdt._load``).  Callers get a shallow copy and treat the parts as read-only.
    """
    return copy.copy(_outcomes_report(by, top_institutions, min_graduates))


@lru_cache(maxsize=32)
def _outcomes_report(by: str, top_institutions: int, min_graduates: int) -> OutcomesReport:
    runs = load_runs()
    funnel = outcome_funnel(by, runs)
    return OutcomesReport(
        by=funnel.by, funnel=funnel, capital=outcome_funnel("capital", runs), concentration=supply_concentration(runs),
        institutions=rank_institutions(min_graduates, top_institutions, runs), statement=regional_statement(runs=runs),
        stages=funnel_stages(runs), cutoff=funnel.cutoff,
    )
