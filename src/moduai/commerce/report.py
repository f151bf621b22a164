"""The full 상권 report: trade area + saturation + Huff + gaps, with a short plain-Korean summary.

:func:`build_commerce_report` is the one function the CLI (``moduai commerce report``), the API
(``/api/v1/commerce/report``), the page (``/commerce/report``) and the PDF/XLSX exports call.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moduai.commerce.demand import find_dong_by_name, load_dong_demand
from moduai.commerce.gaps import GapAnalysis, find_gaps
from moduai.commerce.grid_index import GridIndex
from moduai.commerce.huff import HuffResult, estimate_huff_capture
from moduai.commerce.saturation import Saturation, assess_saturation
from moduai.commerce.store import frame_cache
from moduai.commerce.trade_area import (
    PointPlace,
    StoreSetLike,
    TradeArea,
    build_trade_area,
    get_stores,
    resolve_category_param,
    store_columns,
    to_lonlat,
)
from moduai.data.kept_per_object import MISSING, KeptPerObject
from moduai.errors import Ambiguous, InputError, NotFound
from moduai.korean import josa
from moduai.params import validate_params
from moduai.regions import SERIES_BASE, find_places, get_region, place_by_code, suggest_places


@dataclass
class SnapshotSummary:
    id: str | None
    label: str | None
    synthetic: bool
    real_rows: int | None
    synthetic_rows: int | None
    note: str | None = None


@dataclass
class CommerceReport:
    """Everything a merchant sees for one place, radius and 업종; JSON-ready via moduai.results."""

    lat: float
    lon: float
    radius_m: float
    place: PointPlace | None
    place_query: str | None
    category: dict[str, str]
    category_input: str | None
    snapshot: SnapshotSummary
    synthetic: bool  # any generated store in the area
    synthetic_share: float
    trade_area: TradeArea
    saturation: Saturation
    huff: HuffResult
    gaps: GapAnalysis
    summary: list[str]
    sources: list[str]
    generated_at: str
    timings_ms: dict[str, float] = field(default_factory=dict)


#: a place name centres the report on the 동's busiest spot: the store with most stores within this radius
BUSIEST_SPOT_RADIUS_M = 200.0


def locate_place(text: str, stores: StoreSetLike | None = None) -> tuple[float, float, str]:
    """(lat, lon, label) of a place: a 행안부 code (from a search link), a census 읍면동 name ("회기동",
    "동대문구 회기동"), or anything the region spine finds (법정동, 리, 시군구, old names, addresses:
    :func:`moduai.regions.find_places`).

    With ``stores``, a census 읍면동 resolves to its busiest spot — the store with the most other stores
    within :data:`BUSIEST_SPOT_RADIUS_M` — because a 읍/면's geometric centre is often fields or hills while
    its 상권 is the town; otherwise to the representative point of the 읍면동 (or 리) polygon, a 시군구 to
    its centre.  Several candidates → :class:`Ambiguous` whose ``candidates`` carry codes (a link with
    ``place=<code>`` always resolves); none → :class:`NotFound` with close names, also with codes.
    """
    text = str(text).strip()
    if text.isdigit():
        cand = place_by_code(text)
        census_name = get_region(text[:8], on=SERIES_BASE).full_name if cand.level in ("emd", "ri") else None
        if cand.level == "emd" and census_name:
            try:
                return _census_dong_point(find_dong_by_name(census_name), stores)
            except (NotFound, Ambiguous):
                pass
        return cand.lat, cand.lon, cand.label
    try:
        return _census_dong_point(find_dong_by_name(text), stores)
    except (NotFound, Ambiguous) as first:
        found = find_places(text)
        if len(found.candidates) == 1:
            return locate_place(found.candidates[0].code, stores)
        if found.candidates:
            raise Ambiguous(
                f"'{text}'에 해당하는 곳이 {len(found.candidates)}곳입니다. 시군구 이름을 함께 적거나 "
                f"(예: '{found.candidates[0].label}') 후보 가운데 하나를 고르세요.", field="place",
                candidates=[{"code": c.code, "label": c.label, "level": c.level_label} for c in found.candidates],
            ) from None
        if isinstance(first, Ambiguous):
            raise
        near = suggest_places(text)
        raise NotFound(
            f"{josa(repr(text), '을/를')} 찾지 못했습니다. 읍면동·시군구 이름이나 주소로 적어 주세요 (예: '회기동', "
            "'포항시 남구 대잠동').",
            field="place", candidates=[{"code": c.code, "label": c.label, "level": c.level_label} for c in near],
        ) from None


def _census_dong_point(i: int, stores: StoreSetLike | None) -> tuple[float, float, str]:
    if stores is not None:
        # the busiest spot of a 읍면동 depends only on the store set's rows: kept per store frame (a grown
        # default set is a new frame, so it is looked up again there)
        spots = frame_cache(stores.frame, "busiest-spots", dict)
        if i not in spots:
            spots[i] = _census_dong_point_uncached(i, stores)
        return spots[i]
    return _census_dong_point_uncached(i, None)


def neighbour_counts(x: np.ndarray, y: np.ndarray, r: float) -> np.ndarray:
    """For each point, how many of the points (itself included) lie within ``r`` metres — the exact predicate
    ``dx² + dy² <= r²`` through the grid index (the same counts as ``cKDTree.query_ball_point(...,
    return_length=True)``, tested on real rows, without importing SciPy: ≈ 0.35 CPU s on a first report)."""
    grid = GridIndex.build(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.array([len(grid.within_sorted_positions(px, py, r)) for px, py in zip(x, y, strict=True)],
                    dtype=np.int64)


def _census_dong_point_uncached(i: int, stores: StoreSetLike | None) -> tuple[float, float, str]:
    d = load_dong_demand()
    if stores is not None:
        pos = np.asarray(stores.in_polygon(d.geoms[i]), dtype=np.int64)
        if len(pos):
            cols = store_columns(stores)
            near = neighbour_counts(cols["x"][pos], cols["y"][pos], BUSIEST_SPOT_RADIUS_M)
            best = pos[int(np.argmax(near))]
            return float(cols["lat"][best]), float(cols["lon"][best]), str(d.name[i])
    lon, lat = to_lonlat(d.cx[i], d.cy[i])
    return float(lat), float(lon), str(d.name[i])


def _snapshot_summary(st: StoreSetLike) -> SnapshotSummary:
    s = getattr(st, "snapshot", None)
    return SnapshotSummary(
        id=getattr(s, "id", None), label=getattr(s, "label", None), synthetic=bool(getattr(s, "synthetic", False)),
        real_rows=getattr(s, "real_rows", None), synthetic_rows=getattr(s, "synthetic_rows", None),
        note=getattr(s, "note", None),
    )


def write_summary(ta: TradeArea, sat: Saturation, huff: HuffResult, gaps: GapAnalysis) -> list[str]:
    """Four or five short Korean sentences a merchant can read in ten seconds."""
    name = ta.category["name"]
    where = ta.place.label if ta.place else "이곳"
    out = []
    near = f" 가장 가까운 곳은 {ta.nearest_competitor_m:,.0f} m 떨어져 있습니다." if ta.nearest_competitor_m is not None else ""
    out.append(
        f"{where} 반경 {ta.radius_m:,.0f} m 안에 점포 {ta.store_count:,}곳이 있고, 그중 {name} 점포는 "
        f"{ta.category_count:,}곳입니다.{near}"
    )
    out.append(f"과밀 판단: {sat.verdict}. {sat.verdict_reason}")
    lo, hi = huff.captured_range
    out.append(
        f"이 자리에 {josa(name, '을/를')} 새로 열면 반경 안 주민 약 {huff.residents:,.0f}명 가운데 "
        f"{huff.captured_residents:,.0f}명({huff.captured_share:.1%})이 이 가게를 고를 것으로 추정됩니다 "
        f"(허프 모형 α={huff.alpha:g}, β={huff.beta:g}; 가정에 따라 {lo:,.0f}~{hi:,.0f}명)."
    )
    if gaps.items and ta.synthetic_share < 0.5 and (gaps.area_coverage is None or gaps.area_coverage >= 0.9):
        names = ", ".join(i.name for i in gaps.items[:3])
        out.append(f"비슷한 지역과 비교해 부족한 업종: {names}.")
    elif gaps.note and not gaps.items:
        out.append(gaps.note)
    if ta.synthetic_share > 0:
        out.append(
            f"주의: 이 상권 점포 자료의 {ta.synthetic_share:.0%}는 실제 상가정보가 아니라 인구에 맞춰 생성한 "
            "합성 자료입니다. 실제 상가정보 파일을 가져오면 실제 값으로 바뀝니다."
        )
    return out


@validate_params(lat="lat", lon="lon", radius_m="radius")
def build_commerce_report(
    lat: float | None = None,
    lon: float | None = None,
    *,
    radius_m: float = 500.0,
    category: Any = "카페",
    place: str | None = None,
    snapshot: str | None = None,
    stores: StoreSetLike | None = None,
) -> CommerceReport:
    """The full report for a point (or a place name) + radius + 업종.

    Parameters
    ----------
    lat, lon : float, optional
        WGS84 degrees; give these or ``place``.
    radius_m : float
        Trade-area radius, ``0 < r ≤ 5000`` m.
    category : str or Category
        "카페", "I21201", "편의점" …
    place : str, optional
        A 읍면동 ("회기동", "동대문구 회기동") or 시군구 name, used when lat/lon are not given.

    Examples
    --------
    >>> r = build_commerce_report(37.5898, 127.0579, radius_m=500, category="카페")  # doctest: +SKIP
    >>> print("\\n".join(r.summary))  # doctest: +SKIP
    """
    cat = resolve_category_param(category)
    if lat is None or lon is None:
        if not place:
            raise InputError(
                "위도·경도나 장소 이름(예: '회기동')을 넣어 지점을 정해 주세요.", field="lat"
            )
        st = get_stores(stores, snapshot)
        lat, lon, _ = locate_place(place, st)
    else:
        st = get_stores(stores, snapshot)
    if stores is not None:  # a caller's own store set: no cache (it may not be a frame-backed set)
        return _compute_report(lat, lon, radius_m, cat, place, st)
    try:
        key = (float(lat), float(lon), float(radius_m), cat, place)
        hash(key)
    except TypeError:  # an unhashable category-like object
        return _compute_report(lat, lon, radius_m, cat, place, st)
    frame = st.frame
    hit = _REPORTS.get(frame, key)
    if hit is not MISSING:
        return hit
    report = _compute_report(lat, lon, radius_m, cat, place, st)
    # the default set grows around a query: a report computed while it grew is not kept (under the old frame it
    # could never be found again); the grown frame's next, growth-free computation is, so every kept report is a
    # computation on the very frame it is kept under
    if st.frame is frame:
        _REPORTS.put(frame, key, report)
    return report


#: reports kept in the process, all store frames together (least recently used dropped first); a report is
#: ≈ 120 KB in memory, so this bounds the cache near 15 MB however often the default set grows
REPORT_CACHE_SIZE = 128


#: The report is a pure function of the frame, the query and packaged data (census, catalog, taxonomy), so a kept
#: report is what a fresh computation returns — except ``generated_at``/``timings_ms``, which then say when and
#: how fast it was first computed.  Callers share the kept object and must not change it (the page, API, PDF and
#: XLSX only read it; tests check that).
_REPORTS: KeptPerObject[CommerceReport] = KeptPerObject(REPORT_CACHE_SIZE)


def _compute_report(lat: float, lon: float, radius_m: float, cat: Any, place: str | None,
                    st: StoreSetLike) -> CommerceReport:
    """The report, computed (no cache): :func:`build_commerce_report` after the place and store set are known."""
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    ta = build_trade_area(lat, lon, radius_m, cat, stores=st)
    timings["trade_area"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    sat = assess_saturation(ta, cat, st)
    timings["saturation"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    huff = estimate_huff_capture(lat, lon, cat, radius_m=radius_m, stores=st)
    timings["huff"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    gaps = find_gaps(ta, st)
    timings["gaps"] = (time.perf_counter() - t) * 1000
    summary = write_summary(ta, sat, huff, gaps)
    timings["total"] = (time.perf_counter() - t0) * 1000
    sources = list(dict.fromkeys(ta.sources + sat.sources + huff.sources + gaps.sources))
    return CommerceReport(
        lat=float(lat), lon=float(lon), radius_m=float(radius_m), place=ta.place, place_query=place,
        category=ta.category, category_input=getattr(cat, "input", None),
        snapshot=_snapshot_summary(st), synthetic=ta.synthetic_share > 0, synthetic_share=ta.synthetic_share,
        trade_area=ta, saturation=sat, huff=huff, gaps=gaps, summary=summary, sources=sources,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), timings_ms=timings,
    )
