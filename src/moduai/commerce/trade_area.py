"""Trade area (상권) by point + radius, by polygon or by 행정동: stores by 업종, densities, competitors.

The analyses' shared parameters (radius, lat/lon, category …) are declared once in :mod:`moduai.params`
and checked at each public analysis by :func:`moduai.params.validate_params`, so the same bad value gives
the same Korean message in the CLI, the API and the pages; :func:`validate_point` and
:func:`resolve_category_param` then turn valid values into a place and an 업종.

Distances and areas are measured in EPSG:5179 (Korea 2000 / Unified CS, metres).  Its scale error is
below 0.1 % over the peninsula, far under the positional error of the store coordinates themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
import shapely

from moduai.commerce.demand import CENSUS_YEAR, DEMAND_SOURCES, find_dong_by_name, load_dong_demand
from moduai.commerce.snapshots import get_store_set
from moduai.commerce.spatial import to_lonlat, to_xy
from moduai.commerce.store import (
    ANALYSIS_COLUMNS,
    MANY_VALUED_COLUMNS,
    NUMERIC_COLUMNS,
    ColumnParts,
    frame_cache,
)
from moduai.commerce.taxonomy import resolve_category
from moduai.errors import InputError
from moduai.params import RADIUS_M_MAX, check, validate_params
from moduai.regions import region_at
from moduai.regions.point import KOREA_BBOX as REGIONS_KOREA_BBOX

#: lon_min, lat_min, lon_max, lat_max (the spine's): 마라도 33.1 … 고성 38.6; 백령도 124.6 … 독도 131.9
KOREA_BBOX = REGIONS_KOREA_BBOX


@dataclass(frozen=True)
class PointPlace:
    """Where a point is: 행안부 codes and names of its 시도 / 시군구 / 읍면동."""

    lat: float
    lon: float
    sido_code: str | None
    sido_name: str | None
    sigungu_code: str | None
    sigungu_name: str | None
    emd_name: str | None
    emd_code: str | None = None

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.sido_name, self.sigungu_name, self.emd_name) if p)


def validate_point(lat: Any, lon: Any) -> PointPlace:
    """A point on South Korean land, with its region; at sea or abroad → :class:`InputError` in Korean.

    The region spine does the work (:func:`moduai.regions.region_at`: numbers, Korea's box, swapped
    lat/lon, shore snapping).  For cities split into 일반구 (포항시 → 남구/북구) the 구 is the 시군구 of the
    store files (47111), so ``sigungu_code`` is the 구's code and ``sigungu_name`` "포항시 남구".
    """
    r = region_at(lat, lon)
    sg = r.gu or r.sigungu
    return PointPlace(
        lat=r.lat, lon=r.lon, sido_code=r.sido.code, sido_name=r.sido.name,
        sigungu_code=sg.code, sigungu_name=sg.name, emd_name=r.emd.name, emd_code=r.emd.code,
    )


class CategoryLike(Protocol):
    level: str
    code: str
    name: str


def resolve_category_param(category: Any) -> CategoryLike:
    """The 업종 the user asked for; unknown text → InputError with suggestions (from the taxonomy)."""
    check("category", category)
    if all(hasattr(category, a) for a in ("level", "code", "name")):
        return category
    return resolve_category(str(category).strip())


def category_dict(cat: CategoryLike) -> dict[str, str]:
    return {"level": cat.level, "code": cat.code, "name": cat.name}


def category_mask(frame: pd.DataFrame | dict, cat: CategoryLike) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` (a DataFrame or a dict of arrays) in 업종 ``cat`` (대/중/소분류)."""
    return np.asarray(frame[f"{cat.level}_code"]) == cat.code


# --------------------------------------------------------------------------------------------------
# Store access: the data engineer's StoreSet (moduai.commerce.store) or anything shaped like it.
# --------------------------------------------------------------------------------------------------


class StoreSetLike(Protocol):
    frame: pd.DataFrame
    snapshot: Any

    def within(self, x: float, y: float, radius_m: float) -> np.ndarray: ...

    def in_polygon(self, poly_5179: Any) -> np.ndarray: ...


def get_stores(stores: StoreSetLike | None = None, snapshot: str | None = None) -> StoreSetLike:
    """The given store set, or the installed default snapshot."""
    if stores is not None:
        return stores

    return get_store_set(snapshot)


# Columns the analyses read, held once per store set in a form that is cheap to index by positions.
# Why: with pandas 3 the string columns are Arrow arrays split in hundreds of chunks, and
# ``frame.iloc[positions]`` on a 2.5-million-row frame costs ~15 ms *per column* (pyarrow take over
# chunked arrays).  Plain NumPy object arrays would fix the speed but cost 3.3 GB for 2.5 M rows (one
# Python str per cell).  So: numbers as NumPy; few-valued text (업종 codes/names, 시군구, 행정동, 층) as
# int32 codes + their distinct values (pandas.factorize); many-valued text (ID, 상호, 주소) as one
# contiguous Arrow array, taken per query (0.5 ms for 2,000 rows).  ≈ 0.5 GB for 2.5 M rows.
# (The column lists live in moduai.commerce.store, which also writes them per imported snapshot.)


class _Factorized:
    """A few-valued text column: ``values[codes]``, indexable like a NumPy array."""

    def __init__(self, series: pd.Series | None, parts: tuple[np.ndarray, np.ndarray] | None = None):
        if parts is not None:  # codes (−1 = missing) and distinct values, written once per snapshot file
            codes, uniques = parts
        else:
            codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
            codes = codes.astype(np.int32)
        self.codes = codes
        # code −1 (missing) maps to the extra None at the end
        self.values = np.append(np.asarray(uniques, dtype=object), None)
        self._full: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, pos):
        return self.values[self.codes[pos]]

    def full(self) -> np.ndarray:
        """The whole column as an object array of references to the few distinct strings (8 B a row)."""
        if self._full is None:
            self._full = self.values[self.codes]
        return self._full


class _ArrowTaker:
    """A many-valued text column kept as one contiguous Arrow array; ``[pos]`` → object array."""

    def __init__(self, series: pd.Series):
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow as pa

        arr = pa.array(series.astype(object)) if not hasattr(series.array, "_pa_array") else series.array._pa_array
        if isinstance(arr, pa.ChunkedArray):
            # one chunk (a memory-mapped snapshot) is used as it is: combine_chunks would copy it
            arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
        self.arr = arr

    def __len__(self) -> int:
        return len(self.arr)

    def __getitem__(self, pos):
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow as pa

        idx = np.atleast_1d(np.asarray(pos))
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        return self.arr.take(pa.array(idx.astype(np.int64))).to_numpy(zero_copy_only=False)


class StoreColumns:
    """Per-store-set column access for the hot paths: ``cols[name]`` supports ``[positions]``."""

    def __init__(self, frame: pd.DataFrame, parts: ColumnParts | None = None):
        """``parts``: arrays of this frame written once per snapshot file (memory-mapped), used as they are."""
        self._cols: dict[str, Any] = {}
        for c in ANALYSIS_COLUMNS:
            if c not in frame.columns:
                continue
            if parts is not None and c in parts.arrays:
                self._cols[c] = parts.arrays[c]
            elif parts is not None and c in parts.factorized:
                self._cols[c] = _Factorized(None, parts.factorized[c])
            elif c in NUMERIC_COLUMNS:
                self._cols[c] = frame[c].to_numpy(dtype=float)
            elif c == "synthetic":
                self._cols[c] = frame[c].fillna(False).to_numpy(dtype=bool)
            elif c in MANY_VALUED_COLUMNS:
                self._cols[c] = _ArrowTaker(frame[c])
            else:
                self._cols[c] = _Factorized(frame[c])

    def __contains__(self, name: str) -> bool:
        return name in self._cols

    def __getitem__(self, name: str):
        col = self._cols[name]
        return col.full() if isinstance(col, _Factorized) else col

    def at(self, name: str, positions) -> np.ndarray:
        """One column's values at ``positions``; a few-valued text column is not materialised whole for it
        (``cols[name][pos]`` would keep an 8-byte reference per store: ≈ 20 MB a column on 2.5 M stores)."""
        return self._cols[name][positions]

    def keys(self):
        return self._cols.keys()

    def factorized(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, values) of a few-valued text column, ``values[codes]`` = the column; −1 → last (None)."""
        col = self._cols[name]
        if isinstance(col, _Factorized):
            return col.codes, col.values
        codes, uniques = pd.factorize(pd.Series(col[np.arange(len(col))], dtype=object), use_na_sentinel=True)
        return codes.astype(np.int32), np.append(np.asarray(uniques, dtype=object), None)

    def take(self, positions: np.ndarray, columns=None) -> dict[str, np.ndarray]:
        """``{column: values at positions}`` as NumPy arrays."""
        pos = np.asarray(positions, dtype=np.int64)
        return {c: self._cols[c][pos] for c in (columns or self._cols) if c in self._cols}


def store_columns(stores: StoreSetLike) -> StoreColumns:
    """The analysis columns of ``stores.frame`` (in the store frame cache; see :class:`StoreColumns`)."""
    f = stores.frame
    return frame_cache(f, "analysis-columns", lambda: StoreColumns(f, getattr(stores, "column_parts", None)))


def subframe(stores: StoreSetLike, positions: np.ndarray, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Rows ``positions`` of the store set (analysis columns only), built from the cached arrays."""
    return pd.DataFrame(store_columns(stores).take(positions, columns))


def store_sources(stores: StoreSetLike, positions: np.ndarray | None = None) -> list[str]:
    """Dataset ids behind ``stores``; with ``positions``, only those of the rows actually used.

    A snapshot can mix datasets (the default: 회기동's real file plus generated rows); a 포항 result must not
    cite 회기동's file, so analyses pass the positions they counted and get the ``dataset`` values of those
    rows (in the snapshot's order). With no rows, or a frame without a ``dataset`` column, the snapshot's list.
    """
    snap = getattr(stores, "snapshot", None)
    src = list(getattr(snap, "sources", None) or [])
    if positions is None or len(positions) == 0:
        return src
    cols = store_columns(stores)
    if "dataset" not in cols:
        return src
    codes, values = cols.factorized("dataset")
    used = {str(values[c]) for c in np.unique(codes[np.asarray(positions, dtype=np.int64)]) if values[c] is not None}
    if not used:
        return src
    return [s for s in src if s in used] + sorted(used - set(src))


def snapshot_id(stores: StoreSetLike) -> str | None:
    snap = getattr(stores, "snapshot", None)
    return getattr(snap, "id", None) if snap is not None else None


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


@dataclass
class CategoryCount:
    level: str
    code: str
    name: str
    count: int
    per_km2: float | None
    per_1000_residents: float | None
    share: float  # of all stores in the area


@dataclass
class Competitor:
    store_id: str
    name: str
    branch: str | None
    minor_code: str
    minor_name: str
    distance_m: float
    lat: float
    lon: float
    address: str | None
    floor: str | None
    synthetic: bool


@dataclass
class TradeArea:
    """Stores in a trade area, by 업종, with densities and the chosen 업종's competitors nearest first."""

    shape: str  # 'radius' | 'polygon' | 'dong'
    center_lat: float
    center_lon: float
    radius_m: float | None
    place: PointPlace | None
    area_km2: float  # geometric area of the shape
    land_area_km2: float  # part inside 읍면동 boundaries (sea and outside-border excluded)
    residents: float
    residents_year: int
    households: float  # 2020 census, areal interpolation like residents
    businesses: float  # 2020 census 사업체 (all industries), areal interpolation — a daytime-demand proxy
    store_count: int
    stores_per_km2: float | None
    stores_per_1000_residents: float | None
    category: dict[str, str]
    category_count: int
    category_per_km2: float | None
    category_per_1000_residents: float | None
    competitors: list[Competitor]
    nearest_competitor_m: float | None
    by_major: list[CategoryCount]
    by_mid: list[CategoryCount]
    by_minor: list[CategoryCount]
    snapshot: str | None
    synthetic_share: float  # share of the area's stores that are generated, 0..1
    units: dict[str, str] = field(
        default_factory=lambda: {
            "distance_m": "m (EPSG:5179)", "area_km2": "km²", "per_km2": "점포/km² (육지 면적)",
            "per_1000_residents": "점포/주민 1,000명 (2020 인구총조사, 면적 비례 배분)",
        }
    )
    sources: list[str] = field(default_factory=list)
    _positions: np.ndarray | None = None
    _x: float = 0.0
    _y: float = 0.0
    _shape_5179: Any = None


def _per(count: float, denom: float) -> float | None:
    return float(count) / denom if denom and denom > 0 else None


Rows = dict  # {column: NumPy array}, all of one length: a light "frame" for the hot paths


def rows_len(sub: Rows) -> int:
    return len(next(iter(sub.values()))) if sub else 0


def take_rows(sub: Rows, idx: np.ndarray) -> Rows:
    return {c: a[idx] for c, a in sub.items()}


def count_by_level(sub: Rows, level: str, land_km2: float, residents: float) -> list[CategoryCount]:
    """Counts of ``sub`` by 업종 level ('major'|'mid'|'minor'), most frequent first (ties by code)."""
    total = rows_len(sub)
    if total == 0:
        return []
    codes = sub[f"{level}_code"].astype(str)
    uniq, first, counts = np.unique(codes, return_index=True, return_counts=True)
    names = sub[f"{level}_name"][first]
    order = np.lexsort((uniq, -counts))
    return [
        CategoryCount(
            level=level, code=str(uniq[i]), name=str(names[i]), count=int(counts[i]),
            per_km2=_per(counts[i], land_km2), per_1000_residents=_per(1000.0 * counts[i], residents),
            share=float(counts[i]) / total,
        )
        for i in order
    ]


def _competitors(sub: Rows, x: float, y: float, limit: int) -> tuple[list[Competitor], float | None]:
    if rows_len(sub) == 0:
        return [], None
    d = np.hypot(sub["x"] - x, sub["y"] - y)
    order = np.argsort(d, kind="stable")
    nearest = float(d[order[0]])

    def text(v):
        return None if v is None or (isinstance(v, float) and v != v) or v == "" else str(v)

    rows = []
    none = np.full(len(d), None, dtype=object)
    for i in order[:limit]:
        rows.append(
            Competitor(
                store_id=str(sub["store_id"][i]), name=str(sub["name"][i]), branch=text(sub.get("branch", none)[i]),
                minor_code=str(sub["minor_code"][i]), minor_name=str(sub["minor_name"][i]),
                distance_m=round(float(d[i]), 1), lat=float(sub["lat"][i]), lon=float(sub["lon"][i]),
                address=text(sub.get("road_address", none)[i]), floor=text(sub.get("floor", none)[i]),
                synthetic=bool(sub["synthetic"][i]) if "synthetic" in sub else False,
            )
        )
    return rows, nearest


def _assemble(
    stores: StoreSetLike, pos: np.ndarray, shape: str, shape_5179, x: float, y: float,
    lat: float, lon: float, radius_m: float | None, place: PointPlace | None, cat: CategoryLike,
    max_competitors: int, residents: float | None = None,
) -> TradeArea:
    pos = np.sort(np.asarray(pos, dtype=np.int64))
    sub = store_columns(stores).take(pos)
    area_km2 = float(shapely.area(shape_5179)) / 1e6
    d = load_dong_demand()
    idx = d.tree.query(shape_5179, predicate="intersects")
    inter = shapely.area(shapely.intersection(d.geoms[idx], shape_5179)) if len(idx) else np.zeros(0)
    land_km2 = float(inter.sum()) / 1e6
    # areal interpolation, as residents_in_polygon does, reusing the intersections
    full = shapely.area(d.geoms[idx]) if len(idx) else np.zeros(0)
    frac = np.divide(inter, full, out=np.zeros_like(inter), where=full > 0)
    if residents is None:
        residents = float(np.sum(d.residents[idx] * frac))
    households = float(np.sum(d.households[idx] * frac))
    businesses = float(np.sum(d.businesses[idx] * frac))
    mask = category_mask(sub, cat)
    competitors, nearest = _competitors(take_rows(sub, np.flatnonzero(mask)), x, y, max_competitors)
    n = rows_len(sub)
    synth = float(sub["synthetic"].mean()) if n and "synthetic" in sub else 0.0
    sources = list(dict.fromkeys(store_sources(stores, pos) + DEMAND_SOURCES + ["upjong-2023"]))
    return TradeArea(
        shape=shape, center_lat=lat, center_lon=lon, radius_m=radius_m, place=place,
        area_km2=area_km2, land_area_km2=land_km2, residents=float(residents), residents_year=CENSUS_YEAR,
        households=households, businesses=businesses,
        store_count=n, stores_per_km2=_per(n, land_km2), stores_per_1000_residents=_per(1000.0 * n, residents),
        category=category_dict(cat), category_count=int(mask.sum()),
        category_per_km2=_per(mask.sum(), land_km2),
        category_per_1000_residents=_per(1000.0 * mask.sum(), residents),
        competitors=competitors, nearest_competitor_m=None if nearest is None else round(nearest, 1),
        by_major=count_by_level(sub, "major", land_km2, residents),
        by_mid=count_by_level(sub, "mid", land_km2, residents),
        by_minor=count_by_level(sub, "minor", land_km2, residents),
        snapshot=snapshot_id(stores), synthetic_share=synth, sources=sources,
        _positions=pos, _x=x, _y=y, _shape_5179=shape_5179,
    )


def _to_xy(lon: float, lat: float) -> tuple[float, float]:
    x, y = to_xy(lon, lat)
    return float(x), float(y)


@validate_params(lat="lat", lon="lon", radius_m="radius")
def build_trade_area(
    lat: float,
    lon: float,
    radius_m: float,
    category: Any,
    *,
    stores: StoreSetLike | None = None,
    snapshot: str | None = None,
    max_competitors: int = 50,
) -> TradeArea:
    """Stores within ``radius_m`` of a point, by 업종, with densities and nearest competitors.

    Parameters
    ----------
    lat, lon : float
        WGS84 degrees of the centre; must be on South Korean land.
    radius_m : float
        Radius in metres, ``0 < r ≤ 5000``.
    category : str or Category
        The 업종 whose competitors are listed ("카페", "I21201", "음식" …).
    stores : StoreSet, optional
        Store set to use; the installed default snapshot otherwise.

    Returns
    -------
    TradeArea
        ``store_count`` = #{stores with ‖(x, y) − centre‖ ≤ r} in EPSG:5179 metres; densities per km² of
        land (the circle's part inside 읍면동 boundaries) and per 1,000 residents (2020 census spread
        evenly over each 읍면동's area).

    Examples
    --------
    >>> ta = build_trade_area(37.5912, 127.0563, 500, "카페")  # doctest: +SKIP
    >>> ta.category_count, ta.competitors[0].distance_m  # doctest: +SKIP
    """
    r = radius_m
    place = validate_point(lat, lon)
    cat = resolve_category_param(category)
    st = get_stores(stores, snapshot)
    x, y = _to_xy(float(lon), float(lat))
    pos = np.asarray(st.within(x, y, r), dtype=np.int64)
    circle = shapely.Point(x, y).buffer(r, quad_segs=64)
    return _assemble(st, pos, "radius", circle, x, y, float(lat), float(lon), r, place, cat, max_competitors)


def build_trade_area_polygon(
    ring_lonlat: list[tuple[float, float]],
    category: Any,
    *,
    stores: StoreSetLike | None = None,
    snapshot: str | None = None,
    max_competitors: int = 50,
) -> TradeArea:
    """Stores inside a polygon given as a ring of (lon, lat) pairs; distances from its centroid."""
    if len(ring_lonlat) < 3:
        raise InputError(
            f"다각형은 꼭짓점이 3개 이상이어야 합니다. 받은 꼭짓점: {len(ring_lonlat)}개.", field="polygon"
        )
    cat = resolve_category_param(category)
    st = get_stores(stores, snapshot)
    xs, ys = to_xy(np.array([p[0] for p in ring_lonlat]), np.array([p[1] for p in ring_lonlat]))
    poly = shapely.make_valid(shapely.Polygon(np.c_[xs, ys]))
    if poly.is_empty or poly.area <= 0:
        raise InputError("다각형의 면적이 0입니다. 꼭짓점을 다시 그려 주세요.", field="polygon")
    max_area = math.pi * RADIUS_M_MAX**2
    if poly.area > max_area:
        raise InputError(
            f"다각형이 너무 큽니다({poly.area / 1e6:,.1f} km²). 반경 5 km 원의 면적({max_area / 1e6:,.1f} km²) "
            "이하로 그려 주세요.",
            field="polygon",
        )
    c = poly.centroid
    lon, lat = to_lonlat(c.x, c.y)
    place = validate_point(float(lat), float(lon))
    pos = np.asarray(st.in_polygon(poly), dtype=np.int64)
    return _assemble(st, pos, "polygon", poly, c.x, c.y, float(lat), float(lon), None, place, cat, max_competitors)


def build_trade_area_dong(
    place_text: str,
    category: Any,
    *,
    stores: StoreSetLike | None = None,
    snapshot: str | None = None,
    max_competitors: int = 50,
) -> TradeArea:
    """Stores of one 행정동 (census 2020 boundary), e.g. "동대문구 회기동"; residents are the 동's own."""
    cat = resolve_category_param(category)
    st = get_stores(stores, snapshot)
    d = load_dong_demand()
    i = find_dong_by_name(place_text)
    poly = d.geoms[i]
    x, y = float(d.cx[i]), float(d.cy[i])
    lon, lat = to_lonlat(x, y)
    place = validate_point(float(lat), float(lon))
    pos = np.asarray(st.in_polygon(poly), dtype=np.int64)
    return _assemble(
        st, pos, "dong", poly, x, y, float(lat), float(lon), None, place, cat, max_competitors,
        residents=float(d.residents[i]),
    )
