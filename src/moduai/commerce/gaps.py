"""Gaps and 업종 추천: 업종 that are under-supplied here compared with comparable areas.

Method (where the issue was silent, chosen for being explainable in one sentence):

1. Comparable areas are census 읍면동 covered by the same snapshot (see
   :func:`moduai.commerce.saturation.dong_store_profile`) whose **resident density** and **store
   density** (per km² of land) are closest to the trade area's, in log space (k nearest, default 30).
   Log space because densities span four orders of magnitude between 해남 읍 and 강남 동.
2. For each 소분류 c, the expected count here is the trade area's store total times the comparables'
   mean share of c: ``E_c = N_here · mean_k(n_kc / N_k)``.  Shares, not per-resident rates, so a
   commuter or student district is compared on its store mix and not penalised for few residents.
3. A gap is ``E_c − O_c``; candidates need ``E_c ≥ 1``, presence in at least half of the comparables
   and ``O_c < E_c``; they are ranked by the Poisson z-score ``(E_c − O_c) / √E_c`` so a shortfall of 3
   against 4 expected outranks 3 against 30.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from moduai.commerce.demand import DEMAND_SOURCES, load_dong_demand
from moduai.commerce.saturation import (
    AREA_COVERAGE_WARN,
    _area_coverage,
    area_major_scope,
    dong_store_profile,
)
from moduai.commerce.taxonomy import taxonomy_frame
from moduai.commerce.trade_area import StoreSetLike, TradeArea, snapshot_id, store_columns
from moduai.korean import josa
from moduai.params import validate_params

DEFAULT_COMPARABLES = 30
MIN_EXPECTED = 1.0
MIN_PRESENCE = 0.5


@dataclass
class GapItem:
    code: str
    name: str
    mid_name: str
    observed: int
    expected: float
    gap: float
    z_score: float
    presence: float  # share of comparable areas having at least one
    reason: str


@dataclass
class GapAnalysis:
    """업종 that comparable areas have more of, ranked; each with a one-sentence Korean reason."""

    items: list[GapItem]
    comparables: list[dict[str, Any]]  # name, residents, residents_per_km2, stores_per_km2, stores
    comparable_count: int
    area_store_count: int
    area_residents_per_km2: float | None
    area_stores_per_km2: float | None
    note: str | None
    area_coverage: float | None = None  # share of the area's residents in 읍면동 the snapshot covers
    compared_majors: list[str] = field(default_factory=list)  # 대분류 names compared (see saturation.MajorScope)
    scope_note: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(
        default_factory=lambda: {"expected": "점포 수 (비슷한 지역의 업종 비중 × 이곳 점포 수)", "z_score": "(E−O)/√E"}
    )
    sources: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _minor_names() -> dict[str, tuple[str, str]]:
    """{소분류 code: (소분류 name, 중분류 name)} from the 2023 taxonomy."""
    t = taxonomy_frame()
    return {str(c): (str(n), str(m)) for c, n, m in zip(t["minor_code"], t["minor_name"], t["mid_name"], strict=True)}


def rank_gaps(
    local_counts: dict[str, int],
    comparable_counts: np.ndarray,
    codes: np.ndarray,
    names: dict[str, tuple[str, str]],
    *,
    top: int = 10,
) -> list[GapItem]:
    """Rank 소분류 by shortfall against comparables (pure function; see module docstring).

    Parameters
    ----------
    local_counts : {minor_code: count} of the trade area.
    comparable_counts : (k, n_codes) counts of the comparable areas, columns in ``codes`` order.
    names : {minor_code: (minor_name, mid_name)}.
    """
    k = comparable_counts.shape[0]
    n_local = int(sum(local_counts.values()))
    if k == 0 or n_local == 0:
        return []
    totals = comparable_counts.sum(axis=1, keepdims=True).astype(float)
    shares = np.divide(comparable_counts, totals, out=np.zeros(comparable_counts.shape), where=totals > 0)
    mean_share = shares.mean(axis=0)
    presence = (comparable_counts > 0).mean(axis=0)
    expected = n_local * mean_share
    observed = np.array([local_counts.get(str(c), 0) for c in codes], dtype=float)
    gap = expected - observed
    ok = (expected >= MIN_EXPECTED) & (presence >= MIN_PRESENCE) & (gap > 0)
    z = np.divide(gap, np.sqrt(expected), out=np.zeros_like(gap), where=expected > 0)
    order = [i for i in np.argsort(-z, kind="stable") if ok[i]][:top]
    out = []
    for i in order:
        code = str(codes[i])
        nm, mid = names.get(code, (code, ""))
        obs = int(observed[i])
        reason = (
            f"비슷한 지역 {k}곳의 업종 구성으로 보면 점포 {n_local:,}곳 규모의 이 상권에는 "
            f"{josa(nm, '이/가')} 약 {expected[i]:.1f}곳 있을 만한데, 실제로는 {obs}곳입니다."
        )
        out.append(
            GapItem(code=code, name=nm, mid_name=mid, observed=obs, expected=float(expected[i]),
                    gap=float(gap[i]), z_score=float(z[i]), presence=float(presence[i]), reason=reason)
        )
    return out


@validate_params(comparables="comparables", top="top")
def find_gaps(
    area: TradeArea,
    stores: StoreSetLike,
    *,
    comparables: int = DEFAULT_COMPARABLES,
    top: int = 10,
) -> GapAnalysis:
    """Under-supplied 업종 in ``area`` compared with the ``comparables`` most similar 읍면동.

    Examples
    --------
    >>> gaps = find_gaps(build_trade_area(37.5912, 127.0563, 500, "카페"), get_store_set())  # doctest: +SKIP
    >>> gaps.items[0].reason  # doctest: +SKIP
    """
    d = load_dong_demand()
    prof = dong_store_profile(stores)
    pos = area._positions if area._positions is not None else np.zeros(0, dtype=np.int64)
    uniq, cnt = np.unique(store_columns(stores).at("minor_code", pos).astype(str), return_counts=True)
    scope = area_major_scope(area, stores, prof)
    # only the 대분류 present around the area are compared (a 숙소-only file must not make 여관 a gap elsewhere)
    local_counts = {str(c): int(n) for c, n in zip(uniq, cnt, strict=True) if str(c)[:2] in scope.majors}
    names = _minor_names()
    land = area.land_area_km2
    res_den = area.residents / land if land > 0 else None
    st_den = area.store_count / land if land > 0 else None
    cand = np.flatnonzero(scope.comparable & (d.residents > 0) & (d.area_km2 > 0))
    # the 읍면동 that make up the area itself are not its own comparables
    if area._shape_5179 is not None:
        own = d.tree.query(area._shape_5179.centroid, predicate="intersects")
        cand = np.setdiff1d(cand, own)
    note = None
    if res_den is None or st_den is None or area.store_count == 0 or len(cand) < 3:
        note = (
            "이 자료에는 비교할 만한 지역(점포 자료가 있는 읍면동)이 3곳 미만이라 부족 업종을 계산하지 않았습니다."
            if len(cand) < 3 else "상권 안에 점포나 거주 인구가 없어 부족 업종을 계산하지 않았습니다."
        )
        return GapAnalysis([], [], 0, area.store_count, res_den, st_den, note,
                           compared_majors=scope.major_names, scope_note=scope.note,
                           inputs={"comparables": comparables, "snapshot": snapshot_id(stores)},
                           sources=list(dict.fromkeys(area.sources + DEMAND_SOURCES)))
    c_res = np.log(d.residents[cand] / d.area_km2[cand])
    c_st = np.log(np.maximum(prof.totals[cand], 1) / d.area_km2[cand])
    dist = np.hypot(c_res - np.log(max(res_den, 1e-6)), c_st - np.log(max(st_den, 1e-6)))
    pick = cand[np.argsort(dist, kind="stable")[:comparables]]
    items = rank_gaps(local_counts, prof.counts[pick][:, scope.minor_mask], prof.minor_codes[scope.minor_mask], names,
                      top=top)
    comp_rows = [
        {
            "name": str(d.name[i]), "residents": float(d.residents[i]),
            "residents_per_km2": float(d.residents[i] / d.area_km2[i]),
            "stores": int(prof.totals[i]), "stores_per_km2": float(prof.totals[i] / d.area_km2[i]),
        }
        for i in pick
    ]
    if len(pick) < comparables:
        note = f"자료가 있는 비교 지역이 {len(pick)}곳뿐이라 추천의 근거가 약합니다."

    area_cov = _area_coverage(area, prof)
    if area_cov is not None and area_cov < AREA_COVERAGE_WARN:
        note = (
            f"반경 안 주민의 {1 - area_cov:.0%}가 이 스냅샷에 점포 자료가 없는 읍면동에 살아, 이 상권의 점포 수가 "
            "실제보다 적습니다. 아래 부족 업종은 그만큼 부풀려져 있을 수 있습니다."
        )
    if area.synthetic_share >= 0.5:
        # generated stores follow a calibrated 업종 mix: a 'gap' there is sampling noise, not a market signal
        note = (
            "이 상권의 점포 자료는 대부분 합성 자료라, 아래 부족 업종은 실제 시장 신호가 아니라 생성 과정의 "
            "우연한 차이입니다. 실제 상가정보를 가져오면 의미 있는 추천이 됩니다."
        )
    return GapAnalysis(
        items=items, comparables=comp_rows, comparable_count=len(pick), area_store_count=area.store_count,
        area_residents_per_km2=res_den, area_stores_per_km2=st_den, note=note, area_coverage=area_cov,
        compared_majors=scope.major_names, scope_note=scope.note,
        inputs={"comparables": comparables, "top": top, "min_expected": MIN_EXPECTED,
                "min_presence": MIN_PRESENCE, "snapshot": snapshot_id(stores)},
        sources=list(dict.fromkeys(area.sources + DEMAND_SOURCES)),
    )
