"""Per-snapshot structures written once to disk and memory-mapped by every process that serves the snapshot.

A StoreSet derives a grid index and the per-level 업종 codes from its frame (:mod:`moduai.commerce.grid_index`).
For an imported snapshot (the national one: ~2.5 M stores) building them takes seconds and their arrays would be
copied into every server worker; instead :func:`build_snapshot_structures` writes them as ``.npy`` files under
``MODUAI_HOME/cache/commerce/structures/<snapshot>-<key>/`` and :func:`snapshot_structures` opens them with
``np.load(mmap_mode='r')``: the first query after a restart reads pages on demand and ``moduai serve --workers N``
processes share one copy in the page cache.

The folder's ``key`` is a hash of the Parquet file's path, size and modification time (and of
:data:`STRUCTURES_VERSION`), so a re-import — a new file — misses and is rebuilt, and the folders of older files
of the same snapshot are removed when the new one is written.  A folder appears only complete: it is written
under a temporary name and renamed, so a concurrent worker either sees all of it or builds its own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.commerce.grid_index import GridIndex, LevelCounts
from moduai.commerce.store import (
    ANALYSIS_COLUMNS,
    LEVEL_COLUMNS,
    MANY_VALUED_COLUMNS,
    NUMERIC_COLUMNS,
    ColumnParts,
    SnapshotStructures,
    arrow_schema,
    cache_dir,
    factorize_level,
)

#: bump when the layout of the files changes, so old folders miss instead of being misread
STRUCTURES_VERSION = 2  # 2: 200 m cells
FRAME_FILE = "frame.arrow"
_DONE = "complete"
_BUILD_LOCK = threading.Lock()


def structures_root() -> Path:
    return cache_dir() / "structures"


def structures_key(parquet_path: str | Path) -> str:
    """Changes when the file changes (re-import writes a new file: new mtime, usually a new size)."""
    p = Path(parquet_path).resolve()
    st = p.stat()
    raw = f"{STRUCTURES_VERSION}|{p}|{st.st_size}|{st.st_mtime_ns}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def structures_dir(parquet_path: str | Path) -> Path:
    return structures_root() / f"{Path(parquet_path).stem}-{structures_key(parquet_path)}"


def _read_table(parquet_path: Path):
    """The snapshot as one Arrow table with every STORED_COLUMNS column, one chunk per column."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(parquet_path)
    schema = arrow_schema()
    n = table.num_rows
    for f in schema:
        if f.name not in table.column_names:  # older or foreign files: an empty text column, as load_store_set does
            table = table.append_column(f, pa.array([""] * n, type=f.type) if n else pa.array([], type=f.type))
    # one chunk per column: positions are taken from one contiguous array (see trade_area.StoreColumns)
    return table.select([f.name for f in schema]).cast(schema).combine_chunks()


def _column_parts_arrays(table) -> tuple[dict[str, np.ndarray], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The analysis columns as trade_area.StoreColumns holds them (numbers; few-valued text factorized)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays: dict[str, np.ndarray] = {}
    factorized: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for c in ANALYSIS_COLUMNS:
        if c in MANY_VALUED_COLUMNS or c not in table.column_names:
            continue
        col = table.column(c)
        if c in NUMERIC_COLUMNS:
            arrays[c] = col.to_numpy().astype(np.float64)
        elif c == "synthetic":
            arrays[c] = pc.fill_null(col, False).to_numpy(zero_copy_only=False).astype(bool)
        else:
            # dictionary_encode numbers values in order of first appearance and leaves missing as null:
            # the codes and values of pandas.factorize(use_na_sentinel=True), without a Python str per row
            enc = col.combine_chunks().dictionary_encode() if isinstance(col, pa.ChunkedArray) else col.dictionary_encode()
            codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
            factorized[c] = (codes, np.asarray(enc.dictionary.to_pylist(), dtype=object))
    return arrays, factorized


def write_structures(table, folder: Path) -> None:
    """Write the frame (Arrow IPC, uncompressed so it can be memory-mapped), the grid, every level's counts
    and the analysis columns of ``table`` into ``folder``."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.ipc as ipc

    folder.mkdir(parents=True, exist_ok=True)
    with pa.OSFile(str(folder / FRAME_FILE), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(table.num_rows, 1))
    frame = table.select(["x", "y", *LEVEL_COLUMNS.values()]).to_pandas()
    grid = GridIndex.build(frame["x"].to_numpy("float64"), frame["y"].to_numpy("float64"))
    grid.save(folder)
    for level in LEVEL_COLUMNS:
        codes, labels = factorize_level(frame, level)
        LevelCounts.build(grid, codes, labels).save(folder, level)
    arrays, factorized = _column_parts_arrays(table)
    for c, a in arrays.items():
        np.save(folder / f"col_{c}.npy", a)
    for c, (codes, values) in factorized.items():
        np.save(folder / f"fac_{c}_codes.npy", codes)
        np.save(folder / f"fac_{c}_values.npy", np.asarray(values, dtype=str))
    (folder / _DONE).write_text("ok", encoding="utf-8")


def build_snapshot_structures(parquet_path: str | Path) -> Path:
    """Write the structures of a snapshot Parquet file (once; an up-to-date folder is kept) and return the folder.

    The importer may call this right after writing a snapshot; otherwise the first :func:`open_snapshot` does it.
    """
    parquet_path = Path(parquet_path)
    target = structures_dir(parquet_path)
    if (target / _DONE).exists():
        return target
    with _BUILD_LOCK:
        if (target / _DONE).exists():
            return target
        root = structures_root()
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f".tmp-{target.name}-{uuid.uuid4().hex[:8]}"
        try:
            write_structures(_read_table(parquet_path), tmp)
            try:
                os.rename(tmp, target)
            except OSError:  # another process finished first: keep its folder
                if not (target / _DONE).exists():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _remove_stale(parquet_path, keep=target)
    return target


def _remove_stale(parquet_path: Path, keep: Path) -> None:
    """Folders of earlier versions of the same snapshot file (a re-import) are never read again."""
    prefix = f"{parquet_path.stem}-"
    for old in structures_root().glob(f"{prefix}*"):
        rest = old.name[len(prefix):]
        if old != keep and len(rest) == 16 and all(ch in "0123456789abcdef" for ch in rest):
            shutil.rmtree(old, ignore_errors=True)


def load_structures(folder: Path) -> SnapshotStructures:
    grid = GridIndex.load(folder, mmap=True)
    arrays = {p.stem[4:]: np.asarray(np.load(p, mmap_mode="r")) for p in folder.glob("col_*.npy")}
    factorized = {}
    for p in folder.glob("fac_*_codes.npy"):
        c = p.name[4:-len("_codes.npy")]
        factorized[c] = (np.asarray(np.load(p, mmap_mode="r")), np.load(folder / f"fac_{c}_values.npy").astype(object))
    return SnapshotStructures(grid, {level: LevelCounts.load(folder, level, mmap=True) for level in LEVEL_COLUMNS},
                              ColumnParts(arrays, factorized), folder)


def open_frame(folder: Path) -> pd.DataFrame:
    """The snapshot's frame over the memory-mapped Arrow file: text columns are Arrow-backed (``string[pyarrow]``)
    views of the file's pages, so no process copies them and untouched columns are never read."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.ipc as ipc

    table = ipc.open_file(pa.memory_map(str(folder / FRAME_FILE), "r")).read_all()
    text = pd.StringDtype("pyarrow")
    # split_blocks: one block per column, so the numeric columns (no missing values) are read-only views of the
    # file's pages too, instead of one consolidated copy (≈ 80 MB private per process on 2.5 M stores)
    return table.to_pandas(types_mapper={pa.large_string(): text, pa.string(): text}.get, split_blocks=True)


def open_snapshot(parquet_path: str | Path) -> tuple[pd.DataFrame, SnapshotStructures]:
    """(frame, structures) of a snapshot file, both memory-mapped; written first when missing or out of date."""
    folder = build_snapshot_structures(parquet_path)
    return open_frame(folder), load_structures(folder)


def snapshot_structures(parquet_path: str | Path) -> SnapshotStructures:
    """The memory-mapped structures of a snapshot file, built first when missing or out of date."""
    return load_structures(build_snapshot_structures(parquet_path))


def resident_bytes(structures: SnapshotStructures) -> int:
    """Bytes of the structures' arrays (what each process would hold if they were not memory-mapped)."""
    arrays = [getattr(structures.grid, a) for a in ("keys", "cell_start", "xs", "ys", "order")]
    for lv in structures.levels.values():
        arrays += [lv.codes, lv.pair_start, lv.pair_code, lv.pair_count]
    return int(sum(np.asarray(a).nbytes for a in arrays))
