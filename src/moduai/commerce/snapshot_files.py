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
under a temporary name (carrying the builder's process id, so :func:`moduai.housekeeping.clean_orphans` removes
what a killed build left) and renamed; builders of one snapshot take turns on a file lock, so a report that
arrives while the import job is building waits for its files instead of building a second copy.

The importer builds the folder right after it writes a snapshot (:func:`moduai.commerce.importer.import_sangga_files`,
``structures=True``); the first :func:`open_snapshot` builds it only when it is missing (a snapshot imported by an
older version, or a build that failed).  The build reads the Parquet file one column at a time
(:func:`write_structures_from_parquet`): the frame file is assembled column by column with the record-batch header
pyarrow's writer would give the whole table, so the files are byte for byte those of :func:`write_structures`
(which needs the whole table in memory: 4.7 GB on the national set, against well under 1 GB this way).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import logging
import os
import shutil
import struct
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    table_to_frame,
)
from moduai.housekeeping import clean_orphans

log = logging.getLogger("moduai.commerce.snapshot_files")

#: bump when the layout of the files changes, so old folders miss instead of being misread
STRUCTURES_VERSION = 2  # 2: 200 m cells
FRAME_FILE = "frame.arrow"
#: a column larger than this (the national set's addresses and names, ~100 MB each) is followed by handing the
#: allocator's freed pages back to the system: the next large column would otherwise come on top of them
RELEASE_AFTER_BYTES = 96 << 20
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


def structures_ready(parquet_path: str | Path) -> bool:
    """Whether the up-to-date folder of this snapshot file is complete (a report would open it at once)."""
    return (structures_dir(parquet_path) / _DONE).exists()


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
    and the analysis columns of ``table`` into ``folder``.

    This needs the whole table in memory (the national snapshot: 4.7 GB peak); builds go through
    :func:`write_structures_from_parquet`, which gives the same bytes one column at a time."""
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
    _save_column_parts(folder, *_column_parts_arrays(table))
    (folder / _DONE).write_text("ok", encoding="utf-8")


def build_steps() -> int:
    """How many ``progress`` steps a build reports: one per frame column, the grid, each 업종 level."""
    return len(arrow_schema()) + 1 + len(LEVEL_COLUMNS)


def _read_column(parquet_file, field, n: int, present: set[str]):
    """One column of :func:`_read_table`, as one contiguous Arrow array (the same values, the same buffers)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    if field.name not in present:  # older or foreign files: an empty text column, as _read_table does
        return pa.array([""] * n, type=field.type) if n else pa.array([], type=field.type)
    # one thread: row groups decoded in parallel cost ~30 % more CPU here for no shorter build on two cores
    col = parquet_file.read(columns=[field.name], use_threads=False).column(0)
    return col.cast(field.type).combine_chunks()


def write_structures_from_parquet(parquet_path: Path, folder: Path, *,
                                  progress: StructuresProgress | None = None) -> None:
    """:func:`write_structures` of the snapshot file, reading it one column at a time.

    Each column is read, appended to the frame file (:class:`_FrameFile`), turned into what the analyses keep
    (numbers, codes of few-valued text, the 업종 level codes: the same helpers on a one-column table) and let go;
    only x/y and the three levels' codes wait for the grid.  The files are byte-identical to
    :func:`write_structures` of the whole table (tested), at the memory of one column instead of the table.
    Should the frame file's layout not be the one expected (:class:`FrameLayoutError`: another pyarrow), the
    folder is written from the whole table instead, with a warning in the log."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow.parquet as pq

    schema = arrow_schema()
    parquet_file = pq.ParquetFile(parquet_path)
    n = parquet_file.metadata.num_rows
    if n == 0:  # a record batch of no rows has another header layout; there is nothing to save memory on
        write_structures(_read_table(parquet_path), folder)
        return
    present = set(parquet_file.schema_arrow.names)
    steps, done = build_steps(), 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, steps)

    folder.mkdir(parents=True, exist_ok=True)
    try:
        _write_by_column(parquet_file, schema, n, present, folder, step)
    except FrameLayoutError:
        log.warning("the frame file of %s could not be written column by column; building it from the whole "
                    "table instead", parquet_path, exc_info=True)
        shutil.rmtree(folder)
        write_structures(_read_table(parquet_path), folder)
        for _ in range(done, steps):
            step()


def _write_by_column(parquet_file, schema, n: int, present: set[str], folder: Path, step: Callable[[], None]) -> None:
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    _give_back_memory()  # what an import just before left cached in the allocators (~0.3 GB nationally)
    level_of = {col: level for level, col in LEVEL_COLUMNS.items()}
    xy: dict[str, np.ndarray] = {}
    level_codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    with _FrameFile(folder / FRAME_FILE, schema, n) as frame_file:
        for field in schema:
            col = _read_column(parquet_file, field, n, present)
            frame_file.append(col, field)
            one = pa.Table.from_arrays([col], schema=pa.schema([field]))
            if field.name in ("x", "y") or field.name in level_of:
                frame = one.to_pandas()
                if field.name in level_of:
                    level_codes[level_of[field.name]] = factorize_level(frame, level_of[field.name])
                else:
                    xy[field.name] = frame[field.name].to_numpy("float64")
                del frame
            arrays, factorized = _column_parts_arrays(one)
            _save_column_parts(folder, arrays, factorized)
            big = col.nbytes > RELEASE_AFTER_BYTES
            del col, one, arrays, factorized
            if big:  # the allocators keep freed pages for reuse: hand them back after the large columns
                _give_back_memory()  # (after every column: a little lower peak, +25 % CPU in page faults)
            step()
    _check_frame(folder / FRAME_FILE, schema, n)
    grid = GridIndex.build(xy.pop("x"), xy.pop("y"))
    grid.save(folder)
    step()
    for level in LEVEL_COLUMNS:
        codes, labels = level_codes.pop(level)
        LevelCounts.build(grid, codes, labels).save(folder, level)
        step()
    (folder / _DONE).write_text("ok", encoding="utf-8")


def _check_frame(path: Path, schema, n: int) -> None:
    """The written frame file opens as one record batch of ``n`` rows of ``schema`` whose buffers are where
    its header says (Arrow's structural validation; the values themselves are not read)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.ipc as ipc

    try:
        with pa.memory_map(str(path), "r") as source:
            reader = ipc.open_file(source)
            if reader.num_record_batches != 1 or not reader.schema.equals(schema, check_metadata=True):
                raise FrameLayoutError("the frame file does not hold one batch of the snapshot schema")
            batch = reader.get_batch(0)
            if batch.num_rows != n:
                raise FrameLayoutError(f"the frame file holds {batch.num_rows} rows, not {n}")
            batch.validate()
    except (pa.ArrowInvalid, OSError) as exc:  # Arrow reports a buffer past the end of the file as OSError
        raise FrameLayoutError(f"the frame file is not valid Arrow: {exc}") from exc


def _give_back_memory() -> None:
    """Return the pages Arrow's allocator and the C heap keep for reuse to the system (both hold freed memory of
    earlier columns, or of the import that ran just before in the same process)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim`` (None elsewhere: musl, macOS, Windows)."""
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # pragma: no cover - no C library to load (Windows)
        return None


def _save_column_parts(folder: Path, arrays: dict[str, np.ndarray],
                       factorized: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    for c, a in arrays.items():
        np.save(folder / f"col_{c}.npy", a)
    for c, (codes, values) in factorized.items():
        np.save(folder / f"fac_{c}_codes.npy", codes)
        np.save(folder / f"fac_{c}_values.npy", np.asarray(values, dtype=str))


# ---------------------------------------------------------------------------- the frame file, column by column
# An Arrow IPC file holding one record batch is: magic, the schema message, the record batch message (a
# flatbuffer header listing, per column, its length and null count and the offset and length of each of its
# buffers, then the body: every buffer, each padded to 8 bytes, column after column), and a footer (the schema
# again and the batch's offset and lengths).  Only numbers in the header and footer depend on the data, and a
# column's part of the body is exactly the body of a one-column batch of it.  So the file is written as pyarrow
# writes a one-row table of the same schema (the template), with the body of every column appended as it comes
# and those numbers patched in place: the layout of the flatbuffers does not depend on the values (no field is
# left out for being zero once the batch has rows; the per-column entries are fixed-size structs).

class FrameLayoutError(ValueError):
    """The Arrow IPC layout is not the one this writer patches (another pyarrow): the build falls back to the
    whole-table writer, which is always right, only heavier."""


def _u32(buf, pos: int) -> int:
    return struct.unpack_from("<I", buf, pos)[0]


def _field_pos(buf, table: int, field_id: int) -> int | None:
    """Where field ``field_id`` of the flatbuffer table at ``table`` is stored (None when absent)."""
    vtable = table - struct.unpack_from("<i", buf, table)[0]
    vt_size = struct.unpack_from("<H", buf, vtable)[0]
    at = 4 + 2 * field_id
    if at >= vt_size:
        return None
    off = struct.unpack_from("<H", buf, vtable + at)[0]
    return table + off if off else None


def _deref(buf, pos: int) -> int:
    return pos + _u32(buf, pos)


def _record_batch_positions(meta, base: int = 0) -> dict:
    """Positions (in ``meta``, plus ``base``) of the numbers of a RecordBatch message: the body length, the row
    count, and the start and count of the FieldNode {length, null_count} and Buffer {offset, length} vectors."""
    message = _u32(meta, 0)
    header_type = _field_pos(meta, message, 1)
    if header_type is None or meta[header_type] != 3:  # MessageHeader.RecordBatch
        raise FrameLayoutError("not a record batch message")
    body_length = _field_pos(meta, message, 3)
    batch = _deref(meta, _field_pos(meta, message, 2))
    length = _field_pos(meta, batch, 0)
    nodes = _deref(meta, _field_pos(meta, batch, 1))
    buffers = _deref(meta, _field_pos(meta, batch, 2))
    if body_length is None or length is None or _field_pos(meta, batch, 3) is not None:
        raise FrameLayoutError("unexpected record batch header (absent length, or compression)")
    return {"body_length": base + body_length, "length": base + length,
            "nodes": base + nodes + 4, "n_nodes": _u32(meta, nodes),
            "buffers": base + buffers + 4, "n_buffers": _u32(meta, buffers)}


def _batch_entries(meta) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(nodes, buffers) of a record batch message's header, as (length, null_count) and (offset, length)."""
    at = _record_batch_positions(meta)
    nodes = [struct.unpack_from("<qq", meta, at["nodes"] + 16 * i) for i in range(at["n_nodes"])]
    buffers = [struct.unpack_from("<qq", meta, at["buffers"] + 16 * i) for i in range(at["n_buffers"])]
    return nodes, buffers


class _FrameFile:
    """``frame.arrow`` written one column at a time, byte-identical to ``ipc.new_file(…).write_table(table,
    max_chunksize=len(table))`` of the whole table (see the comment above)."""

    def __init__(self, path: Path, schema, n: int) -> None:
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow as pa
        import pyarrow.ipc as ipc

        sink = pa.BufferOutputStream()
        with ipc.new_file(sink, schema) as writer:
            writer.write_table(pa.Table.from_arrays([pa.nulls(1, f.type) for f in schema], schema=schema),
                               max_chunksize=1)
        template = sink.getvalue().to_pybytes()
        footer_len = struct.unpack_from("<i", template, len(template) - 10)[0]
        footer_start = len(template) - 10 - footer_len
        footer = template[footer_start:len(template) - 10]
        batches = _deref(footer, _field_pos(footer, _u32(footer, 0), 3))
        if _u32(footer, batches) != 1:
            raise FrameLayoutError("the template holds more than one record batch")
        block = batches + 4  # Block {offset: long, metaDataLength: int, (pad), bodyLength: long}
        offset, meta_len = struct.unpack_from("<qi", footer, block)
        body_len = struct.unpack_from("<q", footer, block + 16)[0]
        if _u32(template, offset) != 0xFFFFFFFF:
            raise FrameLayoutError("unexpected message framing")
        self._at = _record_batch_positions(template[offset + 8:offset + meta_len], base=offset + 8)
        if self._at["n_nodes"] != len(schema):
            raise FrameLayoutError("the template's nodes do not match the schema")
        self._head = bytearray(template[:offset + meta_len])
        self._tail = bytearray(template[offset + meta_len + body_len:])
        self._tail_block_body = footer_start + block + 16 - (offset + meta_len + body_len)
        self._n = n
        self._nodes: list[tuple[int, int]] = []
        self._buffers: list[tuple[int, int]] = []
        self._body = 0
        self._path = path
        self._fh = open(path, "wb")
        self._fh.write(bytes(len(self._head)))  # the header goes here once every column is in

    def append(self, array, field) -> None:
        """Add the next column (in schema order) of the batch: its body goes to the file, its entries are kept."""
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow as pa
        import pyarrow.ipc as ipc

        if len(array) != self._n:
            raise FrameLayoutError(f"column {field.name} has {len(array)} rows, not {self._n}")
        message = ipc.read_message(pa.RecordBatch.from_arrays([array], schema=pa.schema([field])).serialize())
        nodes, buffers = _batch_entries(message.metadata.to_pybytes())
        self._nodes += nodes
        self._buffers += [(self._body + off, length) for off, length in buffers]
        body = message.body
        self._fh.write(body)
        self._body += body.size
        del message, body

    def __enter__(self) -> _FrameFile:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._finish()
        finally:
            self._fh.close()

    def _finish(self) -> None:
        at, head, tail = self._at, self._head, self._tail
        if len(self._nodes) != at["n_nodes"] or len(self._buffers) != at["n_buffers"]:
            raise FrameLayoutError("the columns written do not make up the schema")
        struct.pack_into("<q", head, at["length"], self._n)
        struct.pack_into("<q", head, at["body_length"], self._body)
        for i, node in enumerate(self._nodes):
            struct.pack_into("<qq", head, at["nodes"] + 16 * i, *node)
        for i, buf in enumerate(self._buffers):
            struct.pack_into("<qq", head, at["buffers"] + 16 * i, *buf)
        struct.pack_into("<q", tail, self._tail_block_body, self._body)
        self._fh.write(tail)
        self._fh.seek(0)
        self._fh.write(head)


StructuresProgress = Callable[[int, int], None]


def build_snapshot_structures(parquet_path: str | Path, *, progress: StructuresProgress | None = None) -> Path:
    """Write the structures of a snapshot Parquet file (once; an up-to-date folder is kept) and return the folder.

    The importer calls this right after writing a snapshot; otherwise the first :func:`open_snapshot` does it.
    ``progress(done, total)`` is called after each step (a column of the frame, the grid, an 업종 level).
    A failure leaves no folder (the next call builds again) and never touches the Parquet file.
    """
    parquet_path = Path(parquet_path)
    target = structures_dir(parquet_path)
    if (target / _DONE).exists():
        return target
    root = structures_root()
    with _BUILD_LOCK:
        root.mkdir(parents=True, exist_ok=True)
        with _builder_turn(root, parquet_path.stem):  # another process building the same snapshot finishes first
            target = structures_dir(parquet_path)  # the file may have been replaced while we waited
            if (target / _DONE).exists():
                return target
            clean_orphans(root)  # what a killed build left (its process is gone)
            tmp = root / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
            try:
                write_structures_from_parquet(parquet_path, tmp, progress=progress)
                try:
                    os.rename(tmp, target)
                except OSError:  # another process finished first: keep its folder
                    if not (target / _DONE).exists():
                        raise
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            _remove_stale(parquet_path)
    return target


@contextmanager
def _builder_turn(root: Path, stem: str) -> Iterator[None]:
    """An advisory file lock per snapshot name, so two processes never build the same files at once (each build
    holds a column of the national set and its grid in memory)."""
    with open(root / f".{stem}.lock", "a+") as fh:
        try:
            import fcntl  # POSIX only: elsewhere the thread lock still serialises one process

            fcntl.flock(fh, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows
            pass
        yield


def _remove_stale(parquet_path: Path) -> None:
    """Folders of other versions of the same snapshot file (a re-import) are never read again.

    Only the folder of the file as it is *now* is kept: when a re-import replaced the file while this build ran,
    the folder just written is the stale one, and the newer build's folder stays."""
    prefix = f"{parquet_path.stem}-"
    try:
        keep = structures_dir(parquet_path)
    except OSError:  # the snapshot file was removed: nothing of it is read again
        keep = None
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
    # split_blocks: one block per column, so the numeric columns (no missing values) are read-only views of the
    # file's pages too, instead of one consolidated copy (≈ 80 MB private per process on 2.5 M stores)
    return table_to_frame(table, split_blocks=True)


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
