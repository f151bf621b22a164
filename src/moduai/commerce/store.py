"""Store sets: snapshots of 상가업소 rows with a spatial index, the one thing every 상권 analysis reads.

Public API (the analysis modules code against these names; keep them stable):

- :data:`STORE_COLUMNS` — the normalised columns every store frame has (always 2023 업종 codes; old codes
  are mapped through the crosswalk at import): ``store_id, name, branch, major_code, major_name,
  mid_code, mid_name, minor_code, minor_name, ksic_code, sido_code, sido_name, sigungu_code,
  sigungu_name, adm_dong_code, adm_dong_name, legal_dong_code, legal_dong_name, jibun_address,
  road_address, floor, lon, lat, x, y, synthetic, snapshot``. ``x``/``y`` are EPSG:5179 metres.
  :data:`EXTRA_COLUMNS` keeps the rest of the 39 published columns plus ``source_minor_code`` (the code
  as published when it was an old one) and ``dataset`` (catalog id of the row's source).
- :class:`SnapshotInfo` ``(id, label, rows, synthetic, sources, imported_at, path, kind, real_rows,
  synthetic_rows, code_system, id_scheme, sido_codes, coverage, note)``.
- The registry (``list_snapshots``, ``get_store_set``, ``compare_snapshots``) and its cache live one
  step up, in :mod:`moduai.commerce.snapshots`; this module only knows the type and the on-disk layout.
- :class:`StoreSet`: ``frame`` (DataFrame with STORE_COLUMNS + EXTRA_COLUMNS), ``snapshot``,
  ``within(x, y, radius_m) -> positions``, ``nearest(x, y, k, mask=None) -> (positions, distances_m)``,
  ``in_polygon(polygon_5179) -> positions``, ``counts_within(x, y, radius_m, level)``,
  ``ensure_around(x, y, radius_m)``. Positions are row positions into ``frame`` (use ``frame.iloc``),
  sorted ascending except for ``nearest`` (nearest first). Distances are metres in EPSG:5179.
- :class:`SnapshotPair`: two store sets matched for churn (made by ``snapshots.compare_snapshots``).

The embedded default (``snapshots.get_store_set()``) serves any 시군구 on a fresh install: the 963 real rows of
서울 동대문구 회기동 (a complete 행정동, so nothing is generated there) plus synthetic rows generated
lazily per 시군구 (:mod:`moduai.commerce.generator`, deterministic seed per 통계청 시군구 code, cached as
Parquet under ``MODUAI_HOME/cache/commerce/``) the first time a query touches it. Every row carries
``synthetic`` and ``dataset``; the SnapshotInfo says ``synthetic=True`` and counts real and synthetic rows.
Because the default grows as queries touch new areas, every query method first calls
:meth:`StoreSet.ensure_around`; build boolean masks over ``frame`` only after that call (``nearest``
refuses a mask whose length no longer matches). The 강원 200-row extract is a partial sample (the first
200 rows of a 40,000-row 시도 file, spread over 17 시군구), so mixing it into the default would
under-count wherever it appears; it is kept as its own real snapshot ``gangwon-sample`` instead.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from moduai.commerce.grid_index import GridIndex, LevelCounts
from moduai.config import get_settings
from moduai.data.kept_per_object import KeptPerObject
from moduai.errors import InputError
from moduai.params import check

# The 39 columns of 소상공인시장진흥공단 상가(상권)정보, in published order, with their normalised names.
OFFICIAL_COLUMNS: dict[str, str] = {
    "상가업소번호": "store_id",
    "상호명": "name",
    "지점명": "branch",
    "상권업종대분류코드": "major_code",
    "상권업종대분류명": "major_name",
    "상권업종중분류코드": "mid_code",
    "상권업종중분류명": "mid_name",
    "상권업종소분류코드": "minor_code",
    "상권업종소분류명": "minor_name",
    "표준산업분류코드": "ksic_code",
    "표준산업분류명": "ksic_name",
    "시도코드": "sido_code",
    "시도명": "sido_name",
    "시군구코드": "sigungu_code",
    "시군구명": "sigungu_name",
    "행정동코드": "adm_dong_code",
    "행정동명": "adm_dong_name",
    "법정동코드": "legal_dong_code",
    "법정동명": "legal_dong_name",
    "지번코드": "jibun_code",
    "대지구분코드": "land_type_code",
    "대지구분명": "land_type_name",
    "지번본번지": "jibun_main",
    "지번부번지": "jibun_sub",
    "지번주소": "jibun_address",
    "도로명코드": "road_code",
    "도로명": "road_name",
    "건물본번지": "building_main",
    "건물부번지": "building_sub",
    "건물관리번호": "building_mgmt_no",
    "건물명": "building_name",
    "도로명주소": "road_address",
    "구우편번호": "old_postcode",
    "신우편번호": "postcode",
    "동정보": "dong_info",
    "층정보": "floor",
    "호정보": "unit_info",
    "경도": "lon",
    "위도": "lat",
}

STORE_COLUMNS: list[str] = [
    "store_id", "name", "branch",
    "major_code", "major_name", "mid_code", "mid_name", "minor_code", "minor_name",
    "ksic_code",
    "sido_code", "sido_name", "sigungu_code", "sigungu_name",
    "adm_dong_code", "adm_dong_name", "legal_dong_code", "legal_dong_name",
    "jibun_address", "road_address", "floor",
    "lon", "lat", "x", "y",
    "synthetic", "snapshot",
]

EXTRA_COLUMNS: list[str] = [
    "ksic_name", "jibun_code", "land_type_code", "land_type_name", "jibun_main", "jibun_sub",
    "road_code", "road_name", "building_main", "building_sub", "building_mgmt_no", "building_name",
    "old_postcode", "postcode", "dong_info", "unit_info",
    "source_minor_code", "dataset",
]

STORED_COLUMNS: list[str] = STORE_COLUMNS + EXTRA_COLUMNS
T = TypeVar("T")
FLOAT_COLUMNS = ("lon", "lat", "x", "y")
LEVEL_COLUMNS = {"major": "major_code", "mid": "mid_code", "minor": "minor_code"}

# The columns the analyses read (moduai.commerce.trade_area.StoreColumns), by how they are held: numbers as
# NumPy, many-valued text as one Arrow array, the rest (few-valued text) as int32 codes + distinct values.
ANALYSIS_COLUMNS = (
    "store_id", "name", "branch", "major_code", "major_name", "mid_code", "mid_name", "minor_code",
    "minor_name", "sido_code", "sigungu_code", "sigungu_name", "adm_dong_code", "adm_dong_name", "road_address",
    "floor", "lon", "lat", "x", "y", "synthetic", "dataset",
)
NUMERIC_COLUMNS = ("lon", "lat", "x", "y")
MANY_VALUED_COLUMNS = ("store_id", "name", "branch", "road_address")

DEFAULT_SNAPSHOT = "default"
HOEGIDONG_SNAPSHOT = "hoegidong-2026Q1"
GANGWON_SNAPSHOT = "gangwon-sample"
EMBEDDED_IDS = (DEFAULT_SNAPSHOT, HOEGIDONG_SNAPSHOT, GANGWON_SNAPSHOT)
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")

# Query methods make sure the default has generated rows at least this far around the point, so a
# nearest-competitor list is not cut short at a 시군구 border and a mask built after ``within`` stays
# valid for ``nearest`` at the same point.
NEAREST_COVER_M = 1_500.0


# ------------------------------------------------------------------------------------ frame cache
# The one cache of arrays derived from a store frame (업종 codes, the analysis columns, the 읍면동
# profile): keyed by the frame object and a name, held while the frame lives, at most FRAME_CACHE_MAXSIZE
# entries (least recently used evicted).  A grown default set is a new frame, so it misses by itself.
FRAME_CACHE_MAXSIZE = 32
_FRAME_CACHE: KeptPerObject[object] = KeptPerObject(FRAME_CACHE_MAXSIZE)
_FRAME_CACHE_LOCK = threading.Lock()  # guards _LABEL_INDEXES


def frame_cache(frame: pd.DataFrame, name: str, build: Callable[[], T]) -> T:
    """``build()`` computed once per (frame, name) and kept while ``frame`` lives (bounded LRU)."""
    return _FRAME_CACHE.get_or_build(frame, name, build)  # type: ignore[return-value]


_LABEL_INDEXES: OrderedDict[tuple[int, str], tuple[np.ndarray, pd.Index]] = OrderedDict()


def _label_index(labels: np.ndarray, name: str) -> pd.Index:
    """``pd.Index(labels, name=name)``, kept per labels array (a level's labels live as long as its counts;
    the identity check guards against a reused id, the size bound against growth)."""
    key = (id(labels), name)
    with _FRAME_CACHE_LOCK:
        hit = _LABEL_INDEXES.get(key)
        if hit is not None and hit[0] is labels:
            return hit[1]
    index = pd.Index(labels, name=name)
    with _FRAME_CACHE_LOCK:
        _LABEL_INDEXES[key] = (labels, index)
        while len(_LABEL_INDEXES) > 4 * FRAME_CACHE_MAXSIZE:
            _LABEL_INDEXES.popitem(last=False)
    return index


def frame_cache_size() -> int:
    return len(_FRAME_CACHE)


@dataclass
class SnapshotInfo:
    """One store snapshot: what it is, how many rows, whether it is synthetic, where it came from."""

    id: str
    label: str
    rows: int
    synthetic: bool
    sources: list[str]
    imported_at: str | None = None
    path: str | None = None
    kind: str = "imported"  # 'embedded' | 'imported' | 'generated'
    real_rows: int = 0
    synthetic_rows: int = 0
    code_system: str = "2023"  # '2023' | 'old' | 'mixed' (as published, before mapping)
    id_scheme: str = "2023"  # '2023' (MA… IDs, regenerated in 2023) | 'pre2023' | 'synthetic' | 'mixed'
    sido_codes: list[str] = field(default_factory=list)
    coverage: str = ""
    note: str | None = None
    files: list[dict] = field(default_factory=list)


@dataclass
class SnapshotPair:
    """Two snapshots whose 상가업소번호 link, for openings/closures/survival (matched on ``store_id``)."""

    before: StoreSet
    after: StoreSet
    common_sido_codes: list[str]

    @property
    def sources(self) -> list[str]:
        return sorted(set(self.before.sources) | set(self.after.sources))


# ------------------------------------------------------------------------------------------- StoreSet
class StoreSet:
    """A frame of stores plus a grid index over EPSG:5179 coordinates (:mod:`moduai.commerce.grid_index`).

    The index and the per-level 업종 codes are built on first query, or come memory-mapped from the files
    written once per snapshot (``structures``, see :mod:`moduai.commerce.snapshot_files`).
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        snapshot: SnapshotInfo,
        *,
        extender: Callable[[StoreSet, float, float, float, float], None] | None = None,
        structures: SnapshotStructures | None = None,
    ) -> None:
        missing = [c for c in STORE_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"store frame lacks columns {missing}")
        if structures is not None and isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 \
                and frame.index.step == 1:
            # a snapshot's frame over its memory-mapped file, opened for this set alone: reset_index would copy
            # every numeric column into private memory (≈ 80 MB per process on 2.5 M stores)
            self._frame = frame
        else:
            self._frame = frame.reset_index(drop=True)
        self.snapshot = snapshot
        self._extender = extender
        self._grid_index: GridIndex | None = None
        #: the analysis columns as stored arrays (read by moduai.commerce.trade_area.store_columns); None → built
        self.column_parts: ColumnParts | None = None
        self._levels: dict[str, LevelCounts] = {}
        self.structures = structures
        if structures is not None:
            if structures.grid.n != len(self._frame):
                raise ValueError(f"snapshot structures index {structures.grid.n} rows, the frame has {len(self._frame)}")
            self._grid_index = structures.grid
            self._levels = dict(structures.levels)
            self.column_parts = structures.columns
        self._xy: np.ndarray | None = None
        self._lock = threading.RLock()

    # -- data
    @property
    def frame(self) -> pd.DataFrame:
        """The stores (STORE_COLUMNS + EXTRA_COLUMNS); positions from the query methods index it."""
        return self._frame

    @property
    def sources(self) -> list[str]:
        """Catalog ids of the datasets in this set (``sangga-synthetic`` included when any row is)."""
        return self.snapshot.sources

    def __len__(self) -> int:
        return len(self._frame)

    @property
    def xy(self) -> np.ndarray:
        """(n, 2) float64 array of EPSG:5179 metres."""
        if self._xy is None:
            self._xy = np.column_stack([self._frame["x"].to_numpy("float64"), self._frame["y"].to_numpy("float64")])
        return self._xy

    def _grid(self) -> GridIndex:
        grid = self._grid_index
        if grid is None:
            with self._lock:
                if self._grid_index is None:
                    f = self._frame
                    self._grid_index = GridIndex.build(f["x"].to_numpy("float64"), f["y"].to_numpy("float64"))
                grid = self._grid_index
        return grid

    def _level(self, level: str) -> LevelCounts:
        """The codes of a level (``level`` already checked) in the grid's order, with per-cell histograms."""
        hit = self._levels.get(level)
        if hit is not None:
            return hit
        with self._lock:
            grid = self._grid()
            if level not in self._levels:
                codes, labels = factorize_level(self._frame, level)
                self._levels[level] = LevelCounts.build(grid, codes, labels)
            return self._levels[level]

    def append(self, rows: pd.DataFrame) -> None:
        """Add rows at the end (positions of earlier rows stay valid) and drop the index."""
        if rows.empty:
            return
        with self._lock:
            self._frame = pd.concat([self._frame, rows[self._frame.columns]], ignore_index=True)
            self._grid_index = None
            self._levels = {}
            self.column_parts = None
            self.structures = None
            self._xy = None
            self._refresh_counts()

    def _refresh_counts(self) -> None:
        syn = self._frame["synthetic"].to_numpy(bool)
        self.snapshot.rows = int(len(self._frame))
        self.snapshot.synthetic_rows = int(syn.sum())
        self.snapshot.real_rows = int(len(syn) - syn.sum())

    # -- coverage
    def ensure_around(self, x: float, y: float, radius_m: float) -> None:
        """Make sure every store within ``radius_m`` of (x, y) is in ``frame`` (generates lazily for the default)."""
        if self._extender is not None:
            self._extender(self, x - radius_m, y - radius_m, x + radius_m, y + radius_m)

    def ensure_bounds(self, minx: float, miny: float, maxx: float, maxy: float) -> None:
        """Same as :meth:`ensure_around` for a bounding box in EPSG:5179 metres."""
        if self._extender is not None:
            self._extender(self, minx, miny, maxx, maxy)

    # -- queries
    def within(self, x: float, y: float, radius_m: float) -> np.ndarray:
        """Row positions of stores within ``radius_m`` metres of (x, y) (EPSG:5179), ascending."""
        out = self._within_unsorted(x, y, radius_m)
        out.sort()
        return out

    def _within_unsorted(self, x: float, y: float, radius_m: float) -> np.ndarray:
        radius_m = check("search_radius", radius_m)
        self.ensure_around(x, y, max(radius_m, NEAREST_COVER_M))
        if len(self._frame) == 0:
            return np.empty(0, dtype=np.int64)
        return self._grid().within(x, y, radius_m)

    def counts_within(self, x: float, y: float, radius_m: float, level: str = "major") -> pd.Series:
        """Number of stores within the radius by 업종 code of ``level`` ('major'|'mid'|'minor'), largest first."""
        counts, labels = self.code_counts_within(x, y, radius_m, level)
        nz = counts.nonzero()[0]
        order = nz[np.lexsort((labels[nz], -counts[nz]))]
        # the labels' Index is built once per level's labels and taken from (a new object Index per call cost
        # ~20 µs of type inference); the Series owns its counts (a fresh array each call), so no copy
        return pd.Series(counts[order], index=_label_index(labels, _level_column(level))[order], name="count",
                         copy=False)

    def code_counts_within(self, x: float, y: float, radius_m: float,
                           level: str = "major") -> tuple[np.ndarray, np.ndarray]:
        """The fast path of :meth:`counts_within`: ``(counts, labels)``, one count per code of ``level`` in
        ``labels`` order (zeros included) — no pandas object per call (≈ 0.2 ms saved on a national set).

        Cells of the grid wholly inside the circle are counted from their stored histograms; only the stores in
        cells the circle's edge crosses are checked one by one (exactly ``dx² + dy² <= r²``)."""
        if not (type(radius_m) in (float, int) and 0 < radius_m < math.inf):
            radius_m = check("search_radius", radius_m)  # the declared check and its Korean message
        if self._extender is not None:
            self._extender(self, x - max(radius_m, NEAREST_COVER_M), y - max(radius_m, NEAREST_COVER_M),
                           x + max(radius_m, NEAREST_COVER_M), y + max(radius_m, NEAREST_COVER_M))
        counts_of = self._levels.get(level)
        if counts_of is None:
            _level_column(level)
            counts_of = self._level(level)
        return self._grid().count_codes(counts_of, x, y, radius_m), counts_of.labels

    def nearest(
        self, x: float, y: float, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` stores nearest (x, y), optionally only where ``mask`` is True; (positions, metres)."""
        if k <= 0:
            raise InputError(f"'k'는 1 이상이어야 합니다. 받은 값: {k}.", field="k")
        self.ensure_around(x, y, NEAREST_COVER_M)
        n = len(self._frame)
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (n,):
                raise ValueError(
                    f"mask has {mask.shape} entries but the store set has {n} rows; build masks after "
                    "StoreSet.ensure_around() (the default set grows as queries reach new areas)"
                )
            candidates = np.flatnonzero(mask)
            if len(candidates) == 0:
                return np.empty(0, dtype=np.int64), np.empty(0)
            d = np.hypot(self.xy[candidates, 0] - x, self.xy[candidates, 1] - y)
            k = min(k, len(candidates))
            part = np.argpartition(d, k - 1)[:k] if k < len(d) else np.arange(len(d))
            order = part[np.lexsort((candidates[part], d[part]))]
            return candidates[order].astype(np.int64), d[order]
        if n == 0:
            return np.empty(0, dtype=np.int64), np.empty(0)
        # Stores often share a building's coordinates: ties are broken by row position, so the answer does
        # not depend on the index's internal order.
        return self._grid().nearest(x, y, k)

    def in_polygon(self, polygon) -> np.ndarray:
        """Row positions of stores inside a shapely (Multi)Polygon given in EPSG:5179 metres, ascending."""
        # deferred: shapely (~0.2 s to import) is needed only once geometry is built
        import shapely

        if polygon is None or polygon.is_empty:
            return np.empty(0, dtype=np.int64)
        minx, miny, maxx, maxy = polygon.bounds
        if maxx - minx < 400 and maxy - miny < 400 and max(abs(minx), abs(maxy)) < 400:
            raise InputError(
                "다각형 좌표가 경위도(도 단위)로 보입니다. EPSG:5179(미터) 좌표로 바꿔 주세요 (spatial.to_xy).",
                field="polygon", detail="polygon looks geographic (degrees); expected EPSG:5179 metres",
            )
        self.ensure_bounds(minx, miny, maxx, maxy)
        if len(self._frame) == 0:
            return np.empty(0, dtype=np.int64)
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        r = float(np.hypot(maxx - minx, maxy - miny) / 2) + 1.0
        cand = self._grid().within(cx, cy, r)
        if len(cand) == 0:
            return cand
        inside = shapely.contains_xy(polygon, self.xy[cand, 0], self.xy[cand, 1])
        out = cand[inside]
        out.sort()
        return out


def factorize_level(frame: pd.DataFrame, level: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes in frame order, sorted labels) of a level's 업종 code column; a missing code is the label ''."""
    codes, labels = pd.factorize(frame[_level_column(level)].fillna(""), sort=True)
    return codes.astype(np.int32), np.asarray(labels, dtype=object)


@dataclass(frozen=True)
class ColumnParts:
    """Analysis columns of a frame as stored arrays: ``arrays`` (numbers, ``synthetic``) and ``factorized``
    (few-valued text: int32 codes with −1 for missing, and the distinct values in order of first appearance)."""

    arrays: dict[str, np.ndarray]
    factorized: dict[str, tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class SnapshotStructures:
    """What a StoreSet derives from its frame, opened from files (memory-mapped) instead of rebuilt."""

    grid: GridIndex
    levels: dict[str, LevelCounts]
    columns: ColumnParts | None = None
    folder: Path | None = None  # where they were read from (analyses may keep more per-snapshot files there)


def _level_column(level: str) -> str:
    if level not in LEVEL_COLUMNS:
        raise InputError(
            f"업종 단계('level')는 major(대분류), mid(중분류), minor(소분류) 중 하나여야 합니다. 받은 값: {level!r}.",
            field="level",
        )
    return LEVEL_COLUMNS[level]


# ----------------------------------------------------------------------------------- snapshot storage
def snapshot_dir() -> Path:
    """``MODUAI_HOME/imports/commerce`` — one Parquet file per imported snapshot."""
    return get_settings().imports_dir / "commerce"


def cache_dir() -> Path:
    """``MODUAI_HOME/cache/commerce`` — parsed embedded extracts and lazily generated 시군구."""
    return get_settings().home / "cache" / "commerce"


_STORED_ID_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")


def snapshot_path(snapshot_id: str) -> Path:
    """Where an imported snapshot lives; the id must be a plain name (no separators, no dots)."""
    if not isinstance(snapshot_id, str) or not _STORED_ID_RE.match(snapshot_id):
        raise InputError(
            f"상가 스냅샷 이름('snapshot')에는 영문·숫자·'-'·'_'만 쓸 수 있습니다. 받은 값: {snapshot_id!r}.",
            field="snapshot", detail="snapshot ids are names, never paths",
        )
    return snapshot_dir() / f"{snapshot_id}.parquet"


def read_snapshot_meta(path: Path) -> dict:
    """The ``moduai`` key-value metadata written by the importer into a snapshot Parquet file."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow.parquet as pq

    md = pq.read_metadata(path).metadata or {}
    raw = md.get(b"moduai")
    return json.loads(raw.decode("utf-8")) if raw else {}


def imported_info(path: Path) -> SnapshotInfo:
    meta = read_snapshot_meta(path)
    rows = int(meta.get("rows", 0))
    files = meta.get("files", [])
    return SnapshotInfo(
        id=meta.get("snapshot", path.stem),
        label=meta.get("label", path.stem),
        rows=rows,
        synthetic=bool(meta.get("synthetic_rows", 0)),
        sources=list(meta.get("sources", ["sangga-imported"])),
        imported_at=meta.get("imported_at"),
        path=str(path),
        kind="imported",
        real_rows=rows - int(meta.get("synthetic_rows", 0)),
        synthetic_rows=int(meta.get("synthetic_rows", 0)),
        code_system=meta.get("code_system", "2023"),
        id_scheme=meta.get("id_scheme", "2023"),
        sido_codes=list(meta.get("sido_codes", [])),
        coverage=meta.get("coverage", ""),
        note=meta.get("note"),
        files=files,
    )


# Low-cardinality columns get Parquet dictionary encoding; IDs, names and addresses do not (dictionaries
# of near-unique strings cost write time and save nothing).
DICTIONARY_COLUMNS: list[str] = [
    "major_code", "major_name", "mid_code", "mid_name", "minor_code", "minor_name", "ksic_code", "ksic_name",
    "sido_code", "sido_name", "sigungu_code", "sigungu_name", "adm_dong_code", "adm_dong_name",
    "legal_dong_code", "legal_dong_name", "floor", "snapshot", "dataset", "land_type_code", "land_type_name",
    "source_minor_code", "branch", "building_sub", "old_postcode", "postcode", "dong_info", "unit_info",
]


def arrow_schema():
    """The Arrow schema of a stored snapshot: STORED_COLUMNS, floats for coordinates, bool for ``synthetic``."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    fields = []
    for c in STORED_COLUMNS:
        if c in FLOAT_COLUMNS:
            fields.append(pa.field(c, pa.float64()))
        elif c == "synthetic":
            fields.append(pa.field(c, pa.bool_()))
        else:
            fields.append(pa.field(c, pa.large_string()))
    return pa.schema(fields)


#: how a store frame holds text: Arrow strings (missing → ``pd.NA``), not Python strings (≈ 4× the memory)
ARROW_TEXT = pd.StringDtype("pyarrow")


def table_to_frame(table, **to_pandas_options) -> pd.DataFrame:
    """An Arrow table of stores as a frame whose text columns stay Arrow strings (no Python string is made)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.large_string(): ARROW_TEXT, pa.string(): ARROW_TEXT}.get,
                           **to_pandas_options)


def with_arrow_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text (object) columns as Arrow strings (missing → ``pd.NA``), as an imported
    snapshot's frame holds them: a generated unit of ≈ 25 k stores takes ≈ 20 MB instead of ≈ 80 MB of Python
    strings.  Columns already Arrow strings are left as they are."""
    return frame.astype({c: ARROW_TEXT for c in frame.columns if frame[c].dtype == object})


def frame_to_table(frame: pd.DataFrame, schema):
    """A store frame as an Arrow table of ``schema`` (arrow-backed strings cross without copies to Python)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    arrays = []
    for f in schema:
        col = frame[f.name]
        if f.name in FLOAT_COLUMNS:
            arrays.append(pa.array(col.to_numpy(dtype="float64"), type=f.type))
        elif f.name == "synthetic":
            arrays.append(pa.array(col.to_numpy(dtype=bool), type=f.type))
        else:  # arrow-backed strings go across without a round trip through Python objects
            arr = pa.array(col, from_pandas=True)
            arrays.append(arr.cast(f.type) if arr.type != f.type else arr)
    return pa.Table.from_arrays(arrays, schema=schema)


def stored_file_hashes() -> dict[str, str]:
    """sha256 → snapshot id of every file already stored in a snapshot Parquet."""
    out: dict[str, str] = {}
    for sid in imported_snapshot_ids():
        meta = read_snapshot_meta(snapshot_path(sid))
        for f in meta.get("files", []):
            out[f["sha256"]] = sid
    return out


def imported_snapshot_ids() -> list[str]:
    d = snapshot_dir()
    if not d.exists():
        return []
    return sorted(p.stem for p in d.glob("*.parquet"))


def load_store_set(path: str | Path, info: SnapshotInfo | None = None) -> StoreSet:
    """A StoreSet from any Parquet file with STORE_COLUMNS, read into memory (the registry opens imported
    snapshots memory-mapped instead: :func:`moduai.commerce.snapshot_files.open_snapshot`)."""
    path = Path(path)
    frame = pd.read_parquet(path)
    if info is None:
        syn = int(frame["synthetic"].sum()) if "synthetic" in frame else 0
        info = SnapshotInfo(
            id=path.stem, label=path.name, rows=len(frame), synthetic=syn > 0,
            sources=sorted(frame["dataset"].dropna().unique().tolist()) if "dataset" in frame else [],
            path=str(path), kind="generated" if syn == len(frame) else "imported",
            real_rows=len(frame) - syn, synthetic_rows=syn,
        )
    for col in EXTRA_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    return StoreSet(frame, info)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
