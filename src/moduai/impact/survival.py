"""Firm survival of supported vs comparison firms: Kaplan–Meier curves and the log-rank test (lifelines).

Input: one row per firm — group (e.g. 지원/비교), duration (months or years from start to closure or to the
last observation) and event (1 closed, 0 still open = censored). Optional exact matching: keep only
strata (업종 × region × age band, given as a ``stratum`` column) that hold both groups, weighting each
comparison firm so every stratum has its treated share. Selection into support is not random: a
difference in survival is not the effect of support without more assumptions, and the result says so.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.errors import InputError


@dataclass
class Curve:
    group: str
    n: int
    events: int
    times: list[float]
    survival: list[float]
    ci_low: list[float]
    ci_high: list[float]
    at: dict[str, float | None]


@dataclass
class SurvivalResult:
    curves: list[Curve]
    logrank_p: float | None
    matched: bool
    strata_kept: int | None
    caveat: str = ("지원 대상은 무작위로 고르지 않았습니다. 생존율 차이는 선정 기준(더 준비된 기업)과 섞여 있어 지원의 "
                   "효과로 바로 읽을 수 없습니다.")
    notes: list[str] = field(default_factory=list)


def survival(frame: pd.DataFrame, *, group: str = "group", duration: str = "duration", event: str = "event",
             stratum: str | None = None, horizons: tuple[float, ...] = (1, 3, 5)) -> SurvivalResult:
    # deferred: lifelines pulls autograd and matplotlib
    from lifelines import KaplanMeierFitter

    # deferred: lifelines pulls autograd and matplotlib
    from lifelines.statistics import logrank_test

    for c in [group, duration, event] + ([stratum] if stratum else []):
        if c not in frame.columns:
            raise InputError(f"생존 자료에 '{c}' 열이 없습니다.", field=c)
    df = frame.dropna(subset=[group, duration, event]).copy()
    df[duration] = pd.to_numeric(df[duration], errors="coerce")
    df[event] = pd.to_numeric(df[event], errors="coerce")
    if df[duration].isna().any() or (df[duration] < 0).any():
        raise InputError("기간(duration)은 0 이상의 숫자여야 합니다.", field=duration)
    if not df[event].isin([0, 1]).all():
        raise InputError("사건(event)은 1(폐업) 또는 0(관측 끝까지 영업)이어야 합니다.", field=event)
    groups = sorted(df[group].astype(str).unique())
    if len(groups) < 2:
        raise InputError("비교하려면 집단(group)이 둘 이상 있어야 합니다.", field=group)
    df["_w"] = 1.0
    kept = None
    if stratum:
        both = df.groupby(stratum)[group].nunique()
        keep = both[both >= 2].index
        kept = len(keep)
        df = df[df[stratum].isin(keep)]
        ref = groups[0]
        share = df[df[group].astype(str) == ref].groupby(stratum).size() / (df[group].astype(str) == ref).sum()
        other = df[df[group].astype(str) != ref]
        other_share = other.groupby(stratum).size() / len(other)
        w = (share / other_share).reindex(other[stratum]).to_numpy()
        df.loc[other.index, "_w"] = w
    curves = []
    for g in groups:
        d = df[df[group].astype(str) == g]
        kmf = KaplanMeierFitter().fit(d[duration], d[event], weights=d["_w"], label=g)
        sf = kmf.survival_function_[g]
        ci = kmf.confidence_interval_survival_function_
        at = {}
        for h in horizons:
            at[str(h)] = float(kmf.predict(h)) if h <= d[duration].max() else None
        curves.append(Curve(g, len(d), int(d[event].sum()), sf.index.tolist(), sf.tolist(),
                            ci.iloc[:, 0].tolist(), ci.iloc[:, 1].tolist(), at))
    p = None
    if len(groups) == 2:
        a, b = (df[df[group].astype(str) == g] for g in groups)
        p = float(logrank_test(a[duration], b[duration], a[event], b[event], weights_A=a["_w"], weights_B=b["_w"]).p_value)
    return SurvivalResult(curves, p, bool(stratum), kept)


def product_limit(duration: np.ndarray, event: np.ndarray) -> dict[float, float]:
    """S(t) by the product-limit formula Π (1 − d_i / n_i), for checking the library (unweighted)."""
    out, s = {}, 1.0
    for t in np.unique(duration):
        at_risk = int((duration >= t).sum())
        d = int(((duration == t) & (event == 1)).sum())
        if d:
            s *= 1 - d / at_risk
        out[float(t)] = s
    return out


def survival_of_file(source, *, match: bool = False) -> SurvivalResult:
    """Read a CSV (group, duration, event[, stratum]) and compare the groups' survival."""

    if isinstance(source, bytes):
        df = pd.read_csv(io.BytesIO(source), encoding="utf-8-sig")
    elif isinstance(source, pd.DataFrame):
        df = source
    else:
        df = pd.read_csv(Path(source), encoding="utf-8-sig")
    return survival(df, stratum="stratum" if match else None)
