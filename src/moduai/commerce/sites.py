"""Site ranking (입지 추천): for an 업종 in a 시군구, the best H3 cells with an explainable score.

Every candidate H3 cell (v4 API, resolution 8 by default) inside the 시군구 gets four parts, each
turned into a 0..1 percentile rank over all candidate cells, and a weighted mean of them:

- **demand** — residents in the cell's catchment (the cell and its ring-1 neighbours), from the 2020
  census spread evenly over each 읍면동 (areal interpolation);
- **competition** — stores of the 업종 in the catchment; fewer is better (rank inverted);
- **gap** — expected minus observed stores of the 업종 in the catchment, where expected = all stores
  there × the 업종's share of stores in the whole 시군구 (a location-quotient shortfall);
- **churn** — survival rate of the 업종 in the catchment's stores between a previous snapshot and this
  one (only when ``previous_snapshot`` is given; otherwise the part is left out and the weights of the
  other parts are re-normalised).

Weights are data (``sites_weights.yaml``) and every result lists them with each part's contribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml

from moduai.commerce.demand import DEMAND_SOURCES, load_dong_demand
from moduai.commerce.trade_area import (
    StoreSetLike,
    category_dict,
    category_mask,
    get_stores,
    resolve_category_param,
    snapshot_id,
    store_columns,
    store_sources,
    subframe,
    to_lonlat,
    to_xy,
)
from moduai.errors import InputError
from moduai.params import check, validate_params
from moduai.regions import children, get_region, resolve_region

WEIGHTS_FILE = Path(__file__).with_name("sites_weights.yaml")
PARTS = ("demand", "competition", "gap", "churn")
PART_KO = {"demand": "수요(주민)", "competition": "경쟁(적을수록 좋음)", "gap": "부족분", "churn": "생존율"}


@lru_cache(maxsize=1)
def default_site_settings() -> dict[str, Any]:
    """The shipped weights file, validated (weights ≥ 0, at least one > 0, known parts only)."""
    data = yaml.safe_load(WEIGHTS_FILE.read_text(encoding="utf-8"))
    validate_weights(data["weights"])
    return data


def validate_weights(weights: dict[str, Any]) -> dict[str, float]:
    unknown = sorted(set(weights) - set(PARTS))
    if unknown:
        raise InputError(
            f"알 수 없는 가중치 항목: {', '.join(unknown)}. 쓸 수 있는 항목: {', '.join(PARTS)}.", field="weights"
        )
    out = {}
    for k, v in weights.items():
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            raise InputError(f"가중치 '{k}'는 숫자여야 합니다. 받은 값: {v!r}.", field=f"weights.{k}") from None
        if not np.isfinite(out[k]) or out[k] < 0:
            raise InputError(f"가중치 '{k}'는 0 이상이어야 합니다. 받은 값: {v!r}.", field=f"weights.{k}")
    if sum(out.values()) <= 0:
        raise InputError("가중치가 모두 0입니다. 하나 이상을 0보다 크게 주세요.", field="weights")
    return out


@dataclass
class SiteCell:
    rank: int
    h3_cell: str
    lat: float
    lon: float
    emd_name: str | None
    score: float
    parts: dict[str, float]  # percentile rank 0..1 per part
    contributions: dict[str, float]  # weight share × part
    residents: float
    competitors: int
    stores: int
    expected: float
    survival_rate: float | None
    reason: str
    at_border: bool = False  # part of the catchment lies outside the 시군구 and is not counted


@dataclass
class SiteRanking:
    """Top H3 cells of a 시군구 for opening an 업종, with each part of the score and its weight."""

    region_code: str
    region_name: str
    category: dict[str, str]
    resolution: int
    ring: int
    weights: dict[str, float]  # as used (re-normalised to sum 1 over the available parts)
    parts_available: list[str]
    candidates: int
    category_share_in_region: float
    cells: list[SiteCell]
    note: str | None = None
    synthetic: bool = False  # some of the region's stores are generated (합성), not real 상가정보
    synthetic_share: float = 0.0
    data_note: str | None = None  # the 합성 warning, in Korean, for every adapter
    excluded_no_stores: int = 0  # cells with residents but no store at all in their catchment
    border_note: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(
        default_factory=lambda: {
            "score": "0~1 (가중 평균 백분위)", "residents": "명 (셀+이웃 셀)", "competitors": "점포 수 (셀+이웃 셀)",
        }
    )
    sources: list[str] = field(default_factory=list)


def _region_codes(region: Any) -> tuple[str, str, list[str]]:
    if hasattr(region, "code"):
        reg = region
    elif str(region).strip().isdigit():
        reg = get_region(str(region).strip())  # a 행안부 code: 47110, 47111
    else:
        reg = resolve_region(str(region))
    if reg.level not in ("sigungu", "gu"):
        raise InputError(
            f"'{getattr(reg, 'full_name', region)}'은(는) 시군구가 아닙니다. 시군구 이름을 주세요 (예: 포항시, 강릉시, 해남군).",
            field="region",
        )
    codes = [reg.code] + [c.code for c in children(reg.code) if c.level == "gu"]  # 일반구 of a split city
    return reg.code, reg.full_name, codes


def _average_ranks(v: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing the mean of their ranks (SciPy's ``rankdata(v, method="average")``, the
    same arithmetic, without importing ``scipy.stats``: ≈ 0.6–1 CPU s on a page's first hit)."""
    v = np.asarray(v)
    if v.dtype.kind == "f" and np.isnan(v).any():  # SciPy's nan_policy="propagate"
        return np.full(v.size, np.nan)
    order = np.argsort(v, kind="mergesort")
    inverse = np.empty(order.size, dtype=np.intp)
    inverse[order] = np.arange(order.size, dtype=np.intp)
    s = v[order]
    starts = np.r_[True, s[1:] != s[:-1]]  # first of each run of equal values
    dense = np.cumsum(starts)[inverse]
    bounds = np.r_[np.nonzero(starts)[0], len(starts)]
    return 0.5 * (bounds[dense] + bounds[dense - 1] + 1)


def _percentile(v: np.ndarray) -> np.ndarray:
    """Average-rank percentile in 0..1 (ties share a rank); constant input → 0.5 everywhere."""
    if len(v) <= 1 or np.all(v == v[0]):
        return np.full(len(v), 0.5)
    return (_average_ranks(v) - 1) / (len(v) - 1)


def _cells_of_region(dong_idx: np.ndarray, res: int) -> list[str]:
    # deferred: h3 is needed only for hexagon grids
    import h3


    d = load_dong_demand()
    cells: set[str] = set()
    for i in dong_idx:
        g = d.geoms[i]
        lon, lat = to_lonlat(d.cx[i], d.cy[i])
        cells.add(h3.latlng_to_cell(float(lat), float(lon), res))
        simple = g.simplify(20)
        for poly in getattr(simple, "geoms", [simple]):
            ext = np.asarray(poly.exterior.coords)
            elon, elat = to_lonlat(ext[:, 0], ext[:, 1])
            holes = []
            for ring in poly.interiors:
                r = np.asarray(ring.coords)
                hlon, hlat = to_lonlat(r[:, 0], r[:, 1])
                holes.append(list(zip(hlat, hlon, strict=True)))
            cells.update(h3.polygon_to_cells(h3.LatLngPoly(list(zip(elat, elon, strict=True)), *holes), res))
    return sorted(cells)


@validate_params(top="top", resolution="resolution", ring="ring")
def rank_sites(
    region: Any,
    category: Any,
    *,
    stores: StoreSetLike | None = None,
    snapshot: str | None = None,
    previous_snapshot: str | None = None,
    previous_stores: StoreSetLike | None = None,
    top: int = 10,
    weights: dict[str, float] | None = None,
    resolution: int | None = None,
    ring: int | None = None,
) -> SiteRanking:
    """Rank the H3 cells of a 시군구 for opening a store of ``category`` (see module docstring).

    Examples
    --------
    >>> r = rank_sites("포항시", "카페", top=5)  # doctest: +SKIP
    >>> r.cells[0].reason  # doctest: +SKIP
    """
    # deferred: h3 is needed only for hexagon grids
    import h3


    settings = default_site_settings()
    w = validate_weights(weights if weights is not None else settings["weights"])
    res = resolution if resolution is not None else settings["resolution"]
    k_ring = ring if ring is not None else settings["ring"]
    res, k_ring = check("resolution", res), check("ring", k_ring)  # the settings file's values too
    cat = resolve_category_param(category)
    code, name, codes = _region_codes(region)
    st = get_stores(stores, snapshot)
    d = load_dong_demand()
    dong_idx = np.flatnonzero(np.isin(d.sigungu_code.astype(str), codes))
    if len(dong_idx) == 0:
        raise InputError(f"'{name}'의 읍면동 경계를 찾지 못했습니다.", field="region")
    union_bounds = shapely.total_bounds(d.geoms[dong_idx])
    if hasattr(st, "ensure_bounds"):
        st.ensure_bounds(*union_bounds)
    cells = _cells_of_region(dong_idx, res)
    # cell polygons in EPSG:5179, residents by areal interpolation over the region's 읍면동 only
    polys = []
    for c in cells:
        b = np.asarray(h3.cell_to_boundary(c))  # (lat, lng) pairs
        x, y = to_xy(b[:, 1], b[:, 0])
        polys.append(shapely.Polygon(np.c_[x, y]))
    polys = np.asarray(polys, dtype=object)
    cell_res = np.zeros(len(cells))
    ci, di = d.tree.query(polys, predicate="intersects")
    keep = np.isin(di, dong_idx)
    ci, di = ci[keep], di[keep]
    if len(ci):
        inter = shapely.area(shapely.intersection(polys[ci], d.geoms[di]))
        full = shapely.area(d.geoms[di])
        np.add.at(cell_res, ci, d.residents[di] * np.divide(inter, full, out=np.zeros_like(inter), where=full > 0))
    # stores per cell
    cols = store_columns(st)
    in_region = np.flatnonzero(np.isin(cols["sigungu_code"].astype(str), codes))
    fr = subframe(st, in_region, ("store_id", "major_code", "mid_code", "minor_code", "lat", "lon", "synthetic"))
    synth_share = float(np.mean(fr["synthetic"])) if len(fr) and "synthetic" in fr else 0.0
    store_cells = np.array([h3.latlng_to_cell(la, lo, res) for la, lo in zip(fr["lat"], fr["lon"], strict=True)])
    is_cat = category_mask(fr, cat)
    index = {c: i for i, c in enumerate(cells)}
    n_all = np.zeros(len(cells))
    n_cat = np.zeros(len(cells))
    for sc, ic in zip(store_cells, is_cat, strict=True):
        j = index.get(sc)
        if j is not None:
            n_all[j] += 1
            n_cat[j] += ic
    share = float(is_cat.sum() / len(fr)) if len(fr) else 0.0
    # survival per cell (optional)
    surv_cell = None
    if previous_snapshot is not None or previous_stores is not None:
        prev = get_stores(previous_stores, previous_snapshot)
        pf = prev.frame
        pf = pf[np.isin(pf["sigungu_code"].astype(str).to_numpy(), codes)]
        pf = pf[category_mask(pf, cat)]
        alive = np.isin(pf["store_id"].astype(str).to_numpy(), fr["store_id"].astype(str).to_numpy())
        s_all = np.zeros(len(cells))
        s_alive = np.zeros(len(cells))
        for la, lo, a in zip(pf["lat"], pf["lon"], alive, strict=True):
            j = index.get(h3.latlng_to_cell(la, lo, res))
            if j is not None:
                s_all[j] += 1
                s_alive[j] += a
        surv_cell = (s_all, s_alive)
    # catchment sums over the ring
    neigh = [[index[n] for n in h3.grid_disk(c, k_ring) if n in index] for c in cells]

    def catchment(v: np.ndarray) -> np.ndarray:
        return np.array([v[nb].sum() for nb in neigh])

    demand = catchment(cell_res)
    comp = catchment(n_cat)
    stores_c = catchment(n_all)
    expected = stores_c * share
    gap = expected - comp
    # a cell whose catchment holds no store at all is no 상권 (fields, hills, new estates): its 'no competitor'
    # and 'gap 0' would rank it high on nothing, so it is left out and counted
    no_stores = (demand > 0) & (stores_c == 0)
    cand = (demand > 0) & (stores_c > 0)
    if not cand.any():
        cand = demand > 0
        no_stores[:] = False
    full_disk = 1 + 3 * k_ring * (k_ring + 1)
    at_border = np.array([len(nb) < full_disk for nb in neigh])
    parts_avail = [p for p in PARTS if w.get(p, 0) > 0 and (p != "churn" or surv_cell is not None)]
    note = None
    if w.get("churn", 0) > 0 and surv_cell is None:
        note = "이전 스냅샷을 주지 않아 생존율은 빼고 나머지 가중치를 다시 맞췄습니다."
    survival = None
    if surv_cell is not None:
        s_all, s_alive = catchment(surv_cell[0]), catchment(surv_cell[1])
        survival = np.divide(s_alive, s_all, out=np.full(len(cells), np.nan), where=s_all > 0)
    idx = np.flatnonzero(cand)
    if len(idx) == 0:
        raise InputError(f"'{name}'에서 주민이 사는 셀을 찾지 못했습니다.", field="region")
    scored = {
        "demand": _percentile(demand[idx]),
        "competition": 1 - _percentile(comp[idx]),
        "gap": _percentile(gap[idx]),
    }
    if survival is not None:
        sv = survival[idx]
        med = np.nanmedian(sv) if np.isfinite(sv).any() else 0.5
        scored["churn"] = _percentile(np.where(np.isfinite(sv), sv, med))
    wsum = sum(w[p] for p in parts_avail)
    used = {p: w[p] / wsum for p in parts_avail}
    score = sum(used[p] * scored[p] for p in parts_avail)
    order = np.argsort(-score, kind="stable")[:top]
    out = []
    for rank, o in enumerate(order, start=1):
        j = idx[o]
        lat, lon = h3.cell_to_latlng(cells[j])
        x, y = to_xy(lon, lat)
        hit = d.tree.query(shapely.Point(float(x), float(y)), predicate="intersects")
        emd = str(d.name[hit[0]]).rsplit(" ", 1)[-1] if len(hit) else None
        parts = {p: float(scored[p][o]) for p in parts_avail}
        contrib = {p: used[p] * parts[p] for p in parts_avail}
        best = max(contrib, key=contrib.get)
        reason = (
            f"{emd or '이 셀'} 일대: 주변 주민 약 {demand[j]:,.0f}명, 점포 {int(stores_c[j])}곳 가운데 {cat.name} "
            f"{int(comp[j])}곳(업종 비중으로 본 기대치 {expected[j]:.1f}곳). 점수에 가장 크게 기여한 항목은 {PART_KO[best]}입니다."
        )
        if at_border[j]:
            reason += f" {name} 경계에 닿은 셀이라 경계 너머의 주민·점포는 세지 않았습니다."
        if synth_share > 0:
            reason += " (합성 자료 포함)"
        out.append(
            SiteCell(
                rank=rank, h3_cell=cells[j], lat=float(lat), lon=float(lon), emd_name=emd, score=float(score[o]),
                parts=parts, contributions=contrib, residents=float(demand[j]), competitors=int(comp[j]),
                stores=int(stores_c[j]), expected=float(expected[j]),
                survival_rate=None if survival is None or not np.isfinite(survival[j]) else float(survival[j]),
                reason=reason, at_border=bool(at_border[j]),
            )
        )
    data_note = None
    if synth_share > 0:
        data_note = (f"합성 자료: {name} 점포 자료의 {synth_share:.0%}는 실제 상가정보가 아니라 인구 분포에 맞춰 생성한 "
                     "예시입니다. 순위는 분석 방법을 보여 줄 뿐 실제 입지 판단에 쓰면 안 됩니다. 실제 상가정보를 가져오면"
                     "(CSV 가져오기 또는 상가정보 API) 실제 값으로 바뀝니다.")
    n_border = int(at_border[idx].sum())
    border_note = (f"주변(셀과 이웃 {k_ring}칸)의 주민·점포는 {name} 안의 것만 셉니다: 후보 {len(idx):,}곳 가운데 "
                   f"{n_border:,}곳은 시군구 경계에 닿아 경계 너머가 빠지므로 수요·경쟁이 실제보다 적게 잡힐 수 있습니다."
                   ) if n_border else None
    return SiteRanking(
        region_code=code, region_name=name, category=category_dict(cat), resolution=res, ring=k_ring,
        weights=used, parts_available=parts_avail, candidates=int(len(idx)), category_share_in_region=share,
        cells=out, note=note, synthetic=synth_share > 0, synthetic_share=synth_share, data_note=data_note,
        excluded_no_stores=int(no_stores.sum()), border_note=border_note,
        inputs={"weights_file": WEIGHTS_FILE.name, "weights_given": w, "snapshot": snapshot_id(st),
                "previous_snapshot": previous_snapshot, "top": top},
        sources=list(dict.fromkeys(store_sources(st, in_region) + DEMAND_SOURCES)),
    )
