"""The snapshot registry: which store sets exist, the embedded ones, and the bounded cache of loaded sets.

Public API:

- :func:`list_snapshots` ``() -> list[SnapshotInfo]``: the embedded ones first, then every imported quarter.
- :func:`get_store_set` ``(snapshot=None) -> StoreSet``, cached per process in an LRU of
  :data:`CACHE_MAXSIZE` entries. ``None`` or ``"default"`` is the embedded default; ``"hoegidong-2026Q1"``
  and ``"gangwon-sample"`` are the two real extracts alone; ``"2024Q3"``-style ids are imported quarters.
- :func:`compare_snapshots` ``(before, after) -> SnapshotPair`` for churn.
- :func:`ensure_units` grows the embedded default by whole 시군구 units.

A snapshot id is only ever *looked up* — in the embedded ids and in the ids of the Parquet files found in
``MODUAI_HOME/imports/commerce`` — and never joined into a path, so ``../../x`` or ``/etc/passwd`` is an
unknown id (:class:`~moduai.errors.NotFound`), not a file read.  Unknown ids never enter the cache.

This module sits above :mod:`moduai.commerce.store` (the StoreSet type and on-disk layout),
:mod:`moduai.commerce.generator` (synthetic rows) and :mod:`moduai.commerce.sangga_csv` (the reader of
the shipped real extracts), so none of them needs to import another one back.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from moduai.commerce.generator import (
    DEFAULT_SEED,
    GANGWON_CSV,
    GANGWON_DATASET,
    HOEGIDONG_CSV,
    HOEGIDONG_DATASET,
    SYNTHETIC_DATASET,
    load_unit,
    units_in_bounds,
)
from moduai.commerce.sangga_csv import read_sangga_frame
from moduai.commerce.snapshot_files import open_snapshot
from moduai.commerce.store import (
    ARROW_TEXT,
    DEFAULT_SNAPSHOT,
    EMBEDDED_IDS,
    GANGWON_SNAPSHOT,
    HOEGIDONG_SNAPSHOT,
    QUARTER_RE,
    SnapshotInfo,
    SnapshotPair,
    StoreSet,
    imported_info,
    imported_snapshot_ids,
    snapshot_path,
    with_arrow_text,
)
from moduai.config import get_settings
from moduai.errors import InputError, NotFound
from moduai.korean import josa

CACHE_MAXSIZE = 4  # store sets are large (the national set is ~1 GB): keep a few, evict the least recent
SNAPSHOT_ID_MAX = 64


# ------------------------------------------------------------------------------------ embedded set
@lru_cache(maxsize=4)
def _real_extract(path_str: str, dataset: str, snapshot: str) -> pd.DataFrame:
    frame, rejected, _facts = read_sangga_frame(Path(path_str), snapshot=snapshot, dataset=dataset)
    if rejected:  # the shipped files are clean; a rejection means the package data was damaged
        raise RuntimeError(f"embedded extract {path_str} has {len(rejected)} bad rows: {rejected[:3]}")
    return frame


def real_extract(which: str) -> pd.DataFrame:
    """The shipped real rows: 'hoegidong' (963) or 'gangwon' (200), normalised like an import."""
    if which == "hoegidong":
        return _real_extract(str(HOEGIDONG_CSV), HOEGIDONG_DATASET, HOEGIDONG_SNAPSHOT).copy()
    if which == "gangwon":
        return _real_extract(str(GANGWON_CSV), GANGWON_DATASET, GANGWON_SNAPSHOT).copy()
    raise InputError(f"내장 실제 자료는 'hoegidong' 또는 'gangwon'입니다. 받은 값: {which!r}.", field="which")



_EMBEDDED_TEXT = {
    DEFAULT_SNAPSHOT: (
        "기본 내장 자료: 회기동 실제 963곳 + 그 밖의 지역은 합성",
        "서울 동대문구 회기동은 실제 상가정보(2026년 1분기, 963곳 전체), 나머지 시군구는 2020 인구총조사 "
        "읍면동 인구에 비례해 만든 합성 자료입니다. 합성 자료는 조회한 시군구부터 차례로 만들어집니다.",
    ),
    HOEGIDONG_SNAPSHOT: (
        "서울 동대문구 회기동 실제 상가정보 (2026년 1분기, 963곳)",
        "회기동 행정동의 모든 상가업소 (소상공인시장진흥공단 상가(상권)정보).",
    ),
    GANGWON_SNAPSHOT: (
        "강원 실제 상가정보 표본 200곳 (일부만, 분기 미상·2023년 6월 이후)",
        "강원특별자치도 파일의 처음 200행입니다. 17개 시군구에 흩어진 부분 표본이라 밀도·개수 분석에는 "
        "쓸 수 없고 형식 확인과 예시용입니다.",
    ),
}


def embedded_snapshot_info(sid: str) -> SnapshotInfo:
    """SnapshotInfo of an embedded snapshot without generating anything."""
    label, note = _EMBEDDED_TEXT[sid]
    if sid == DEFAULT_SNAPSHOT:
        return SnapshotInfo(
            id=sid, label=label, rows=963, synthetic=True,
            sources=[HOEGIDONG_DATASET, SYNTHETIC_DATASET], kind="embedded", real_rows=963, synthetic_rows=0,
            code_system="2023", id_scheme="mixed", sido_codes=[], path=None,
            coverage="전국 (회기동 실제, 그 밖은 합성; 시군구별로 필요할 때 생성)", note=note,
        )
    if sid == HOEGIDONG_SNAPSHOT:
        return SnapshotInfo(
            id=sid, label=label, rows=963, synthetic=False, sources=[HOEGIDONG_DATASET], kind="embedded",
            real_rows=963, code_system="2023", id_scheme="2023", sido_codes=["11"],
            coverage="서울특별시 동대문구 회기동 (행정동 전체)", note=note, path=str(HOEGIDONG_CSV),
        )
    return SnapshotInfo(
        id=sid, label=label, rows=200, synthetic=False, sources=[GANGWON_DATASET], kind="embedded",
        real_rows=200, code_system="2023", id_scheme="2023", sido_codes=["51"],
        coverage="강원특별자치도 일부 (부분 표본 200행)", note=note, path=str(GANGWON_CSV),
    )


class _LazyUnits:
    """Extender for the default set: generates the 시군구 units a query touches, once."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.loaded: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, store_set: StoreSet, minx: float, miny: float, maxx: float, maxy: float) -> None:
        self.add(store_set, units_in_bounds(minx, miny, maxx, maxy))

    def add(self, store_set: StoreSet, units: list[str], seed: int | None = None) -> None:
        """Generate (or load from the Parquet cache) the units not loaded yet and append them, once."""
        if all(u in self.loaded for u in units):
            return
        with self.lock:
            todo = [u for u in units if u not in self.loaded]
            frames = [f for f in (load_unit(u, self.seed if seed is None else seed, arrow_text=True) for u in todo)
                      if len(f)]
            if frames:
                new = pd.concat(frames, ignore_index=True)
                new["snapshot"] = pd.Series(DEFAULT_SNAPSHOT, index=new.index, dtype=ARROW_TEXT)
                store_set.append(new)
            self.loaded.update(todo)


def build_embedded_store_set(sid: str, seed: int = DEFAULT_SEED) -> StoreSet:
    """The StoreSet behind an embedded snapshot id (the default grows lazily, see the module docstring)."""
    info = embedded_snapshot_info(sid)
    if sid == DEFAULT_SNAPSHOT:
        frame = real_extract("hoegidong")
        frame["snapshot"] = sid
        return StoreSet(with_arrow_text(frame), info, extender=_LazyUnits(seed))
    frame = real_extract("hoegidong" if sid == HOEGIDONG_SNAPSHOT else "gangwon")
    return StoreSet(frame, info)


def ensure_units(units: list[str], seed: int = DEFAULT_SEED) -> StoreSet:
    """Generate (or load) the given units into the default set and return it (e.g. a whole 시군구 for site ranking)."""
    s = get_store_set(DEFAULT_SNAPSHOT)
    ext = s._extender
    if isinstance(ext, _LazyUnits):
        ext.add(s, units, seed)
    return s


# ------------------------------------------------------------------------------------------ registry
def list_snapshots() -> list[SnapshotInfo]:
    """Every snapshot: the embedded default and the two real extracts, then imported quarters (oldest first)."""
    out = [embedded_snapshot_info(sid) for sid in EMBEDDED_IDS]
    for sid in imported_snapshot_ids():
        out.append(imported_info(snapshot_path(sid)))
    with _CACHE_LOCK:
        live = _CACHE.get(DEFAULT_SNAPSHOT)
    if live is not None:  # the default has grown in this process: say so
        out[0] = live[1].snapshot
    return out


def _unknown_snapshot(snapshot_id: str) -> NotFound:
    known = ", ".join(list(EMBEDDED_IDS) + imported_snapshot_ids())
    shown = snapshot_id if len(snapshot_id) <= SNAPSHOT_ID_MAX else snapshot_id[:SNAPSHOT_ID_MAX] + "…"
    return NotFound(
        f"상가 스냅샷 {josa(repr(shown), '이/가')} 없습니다. 있는 스냅샷: {known}. "
        "상가 자료 화면에서 목록을 보거나 분기 자료를 가져오세요.",
        field="snapshot", detail=f"unknown snapshot {shown!r}; list: moduai commerce snapshots, "
                                 "import: moduai commerce import",
    )


def resolve_snapshot_id(snapshot: str | None) -> str:
    """The registered id a caller means, or NotFound; the id is looked up, never used as a path.

    ``None`` and ``""`` mean the embedded default; surrounding spaces are ignored.  Anything else must be
    one of :data:`~moduai.commerce.store.EMBEDDED_IDS` or the id of an imported Parquet file.
    """
    if snapshot is None:
        return DEFAULT_SNAPSHOT
    if not isinstance(snapshot, str):
        raise InputError(
            f"상가 스냅샷('snapshot')은 글자로 된 이름이어야 합니다. 받은 값: {snapshot!r}.", field="snapshot"
        )
    sid = snapshot.strip()
    if sid == "":
        return DEFAULT_SNAPSHOT
    if sid in EMBEDDED_IDS or sid in imported_snapshot_ids():
        return sid
    raise _unknown_snapshot(sid)


# One LRU of loaded store sets: id -> (key, StoreSet).  Only registered ids reach it, and at most
# CACHE_MAXSIZE sets stay in memory (an imported quarter of a large 시도 is hundreds of MB).
_CACHE: OrderedDict[str, tuple[tuple, StoreSet]] = OrderedDict()
_CACHE_LOCK = threading.RLock()


def _cache_key(snapshot_id: str) -> tuple:
    """Changes when the data behind a snapshot changes (new MODUAI_HOME, re-import)."""
    home = str(get_settings().home)
    if snapshot_id in EMBEDDED_IDS:
        return (home,)
    p = snapshot_path(snapshot_id)
    st = p.stat() if p.exists() else None
    return (home, st.st_mtime_ns if st else None, st.st_size if st else None)


def cache_size() -> int:
    """How many store sets are held in memory now (at most :data:`CACHE_MAXSIZE`)."""
    with _CACHE_LOCK:
        return len(_CACHE)


def clear_cache() -> None:
    """Forget cached store sets (tests; after an import the key changes by itself)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def get_store_set(snapshot: str | None = None) -> StoreSet:
    """The store set of a snapshot id (``None`` → the embedded default), cached per process (LRU).

    Raises
    ------
    NotFound
        Unknown snapshot id (including anything that looks like a path), with the list of known ones.
    """
    sid = resolve_snapshot_id(snapshot)
    key = _cache_key(sid)
    with _CACHE_LOCK:
        hit = _CACHE.get(sid)
        if hit is not None and hit[0] == key:
            _CACHE.move_to_end(sid)
            return hit[1]
        if sid in EMBEDDED_IDS:
            store_set = build_embedded_store_set(sid)
        else:
            path = snapshot_path(sid)
            if not path.exists():  # removed between the lookup and now
                raise _unknown_snapshot(sid)
            # the frame, the index and the analysis columns come memory-mapped from files written once per
            # snapshot file (shared by every process serving it)
            frame, structures = open_snapshot(path)
            store_set = StoreSet(frame, imported_info(path), structures=structures)
        _CACHE[sid] = (key, store_set)
        _CACHE.move_to_end(sid)
        while len(_CACHE) > CACHE_MAXSIZE:
            _CACHE.popitem(last=False)
        return store_set


def compare_snapshots(before: str, after: str) -> SnapshotPair:
    """Two snapshots side by side for churn, matched on 상가업소번호 (``store_id``).

    Raises
    ------
    InputError
        When the IDs cannot link: the 2023 revision regenerated 상가업소번호, so a pre-2023 snapshot
        cannot be matched with a 2023+ one; synthetic sets have no real IDs; a snapshot with itself.
    """
    if before == after:
        raise InputError(
            f"같은 스냅샷('{before}')끼리는 개업·폐업을 비교할 수 없습니다. 서로 다른 두 분기를 고르세요.",
            field="after",
        )
    a, b = get_store_set(before), get_store_set(after)
    for s, name in ((a, "before"), (b, "after")):
        if s.snapshot.synthetic_rows:
            raise InputError(
                f"스냅샷 '{s.snapshot.id}'에는 합성 자료가 들어 있어 상가업소번호로 개업·폐업을 셀 수 없습니다. "
                "실제 상가정보 두 분기를 가져와(import) 비교해 주세요.",
                field=name, detail="synthetic rows have no real store IDs",
            )
    schemes = {a.snapshot.id_scheme, b.snapshot.id_scheme}
    if "pre2023" in schemes or "mixed" in schemes:
        if schemes != {"pre2023"}:
            raise InputError(
                f"'{before}'와 '{after}'는 상가업소번호 체계가 다릅니다: 2023년 업종 개편 때 상가업소번호가 새로 "
                "매겨져 2022년 이전 번호와 이어지지 않습니다. 같은 체계(둘 다 2023년 이후)의 분기를 비교하세요.",
                field="before", detail=f"id schemes {sorted(schemes)} do not link (IDs regenerated in 2023)",
            )
    qa, qb = QUARTER_RE.match(a.snapshot.id), QUARTER_RE.match(b.snapshot.id)
    if qa and qb and (int(qa[1]), int(qa[2])) > (int(qb[1]), int(qb[2])):
        raise InputError(
            f"'before'({before})가 'after'({after})보다 늦은 분기입니다. 이전 분기를 먼저 주세요.", field="before"
        )
    common = sorted(set(a.snapshot.sido_codes) & set(b.snapshot.sido_codes))
    if a.snapshot.sido_codes and b.snapshot.sido_codes and not common:
        raise InputError(
            f"'{before}'와 '{after}'에 함께 들어 있는 시도가 없습니다 (각각 {a.snapshot.sido_codes}, "
            f"{b.snapshot.sido_codes}). 같은 시도의 파일을 두 분기 모두 가져오세요.",
            field="after",
        )
    return SnapshotPair(a, b, common)


@dataclass
class SnapshotList:
    """Every snapshot as one document (``moduai commerce snapshots`` and ``GET /api/v1/commerce/snapshots``)."""

    snapshots: list[SnapshotInfo]


def snapshot_list() -> SnapshotList:
    return SnapshotList(list_snapshots())
