"""Import the official 소상공인시장진흥공단 상가(상권)정보 CSV files exactly as published.

Public API:

- :func:`import_sangga_files` ``(paths, snapshot=None) -> ImportReport``: files or folders (every ``*.csv``
  inside), each file one 시도 of one quarter. Good rows are stored, bad rows are reported with their line
  number and a Korean reason, a file that cannot be read at all is refused whole (:class:`ImportRejected`)
  and nothing stored before is touched.
- :func:`read_sangga_frame` ``(path, snapshot, dataset) -> (frame, rejected, FileFacts)``: the same parser
  into memory (used for the embedded extracts and in tests).
- :func:`infer_snapshot` ``(filename) -> str | None``: ``…_202212.csv`` → ``2022Q4``, ``…2026q1…`` → ``2026Q1``.

The parser (encodings, blocks, row rules) is :mod:`moduai.commerce.sangga_csv`; this module stores.

What the parser accepts: UTF-8 with or without BOM, CP949/EUC-KR (detected: BOM, then a strict UTF-8
decode of the first MiB, then CP949); quoted or unquoted fields; CRLF or LF; the 39 published columns in
any order (extra columns are ignored); old (Q / Q01 / Q01A01) and 2023 (I2 / I201 / I20101) 업종 codes.

Row rules (first failing rule is the reason; line numbers are physical lines, the header is line 1):

1. exactly 39 fields (a lost 상호명 shifts the row to 38; a truncated row has fewer) — a record that
   swallowed several lines through a broken quote is split back into its lines and each is judged alone;
2. no undecodable characters; 3. a 상가업소번호;
4. a known 업종 소분류코드 whose 대/중분류 codes agree with it (a shifted row fails here even when its
   field count happens to be right); old codes are mapped through the crosswalk and ``제외`` codes are
   rejected with that reason; 5. numeric 경도/위도 inside Korea (124.5–132.0°E, 33.0–38.7°N);
6. a 상가업소번호 not seen before in the file, the same import or the stored snapshot (the reason names the
   first line when that was earlier in the same file, else says "이미 저장된 행").

Normalisation (documented so nothing is silently changed): 업종 names come from the 2023 table (the
published short names like "음식" → "음식점업"; the old code is kept in ``source_minor_code``); 10-digit
행정동코드 (old files) → 8 digits; region codes of 강원 42→51, 전북 45→52 and 군위 47720→27720 (with their
current 시도명), so every snapshot speaks today's 행안부 codes.

Storage: one Parquet file per snapshot (``MODUAI_HOME/imports/commerce/<snapshot>.parquet``), rewritten
to a temporary file and renamed into place (the previous file stays intact until the rename), with the
file list and content hashes in the Parquet metadata, plus one ``import_log`` row per accepted file.
Re-importing a file whose SHA-256 is already stored changes nothing (``already_imported=True``).
Memory stays bounded: blocks stream from the CSV to the Parquet writer, and only the IDs are held for the
duplicate check (:class:`~moduai.commerce.seen_ids.SeenIds`, ~36 bytes per ID).

After the snapshot files are in place (and the import log committed), the import builds each snapshot's
memory-mapped analysis files (:func:`moduai.commerce.snapshot_files.build_snapshot_structures`, one column at a
time), so the first report opens them instead of building them (``structures=False`` skips this: the import
benchmark times the import alone).  A failed build is reported in ``ImportReport.structures`` and changes
nothing stored: the first report then builds the files itself.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from moduai.commerce import snapshot_files, snapshots
from moduai.commerce import store as store_mod
from moduai.commerce.sangga_csv import (
    IMPORTED_DATASET,
    PREPARE_THREADS,
    BlockBudget,
    check_snapshot_id,
    file_sha256,
    infer_snapshot,
    iter_sangga_batches,
)
from moduai.commerce.saturation import stored_dong_store_profile
from moduai.commerce.seen_ids import STORED, SeenIds
from moduai.config import get_settings
from moduai.db import ensure_migrated, session_scope
from moduai.db.models import ImportLog
from moduai.errors import ImportRejected, InputError, RowError
from moduai.housekeeping import clean_home

DOMAIN = "commerce"
log = logging.getLogger("moduai.commerce.importer")
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class FileReport:
    """What happened to one file."""

    path: str
    name: str
    snapshot: str
    sha256: str
    encoding: str
    rows_ok: int
    rows_rejected: int
    rejected: list[RowError] = field(default_factory=list)
    already_imported: bool = False
    code_system: str = "2023"
    sido_codes: list[str] = field(default_factory=list)
    refused: str | None = None  # the Korean reason when the whole file was refused (nothing of it stored)


@dataclass
class StructuresBuild:
    """What the import did about one snapshot's analysis files (memory-mapped by every report)."""

    snapshot: str
    status: str  # 'built' | 'ready' (already up to date) | 'failed' (the first report will build them)
    seconds: float
    message: str  # Korean, for the CLI, the job page and the data page
    error_id: str | None = None


@dataclass
class ImportReport:
    """Result of :func:`import_sangga_files` (``snapshot`` is the one snapshot, or several joined by ', ')."""

    snapshot: str
    files: list[FileReport]
    rows_ok: int
    rows_rejected: int
    rejected: list[RowError]
    already_imported: bool
    sources: list[str]
    snapshot_paths: list[str] = field(default_factory=list)
    structures: list[StructuresBuild] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "snapshot": self.snapshot,
            "rows_ok": self.rows_ok,
            "rows_rejected": self.rows_rejected,
            "already_imported": self.already_imported,
            "message": "이미 가져옴" if self.already_imported else "가져오기 완료",
            "rejected": [r.to_dict() for r in self.rejected],
            "refused_files": [{"name": f.name, "reason": f.refused} for f in self.files if f.refused],
            "files": [
                {
                    "path": f.path, "name": f.name, "snapshot": f.snapshot, "sha256": f.sha256,
                    "encoding": f.encoding, "rows_ok": f.rows_ok, "rows_rejected": f.rows_rejected,
                    "already_imported": f.already_imported, "code_system": f.code_system,
                    "sido_codes": f.sido_codes, "refused": f.refused, "rejected": [r.to_dict() for r in f.rejected],
                }
                for f in self.files
            ],
            "sources": self.sources,
            "snapshot_paths": self.snapshot_paths,
            "structures": [
                {"snapshot": b.snapshot, "status": b.status, "seconds": round(b.seconds, 3), "message": b.message,
                 "error_id": b.error_id}
                for b in self.structures
            ],
        }



# ------------------------------------------------------------------------------------------- storage
def _expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p).expanduser()
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() == ".csv")
            if not found:
                raise ImportRejected(f"폴더 '{p}'에 CSV 파일이 없습니다.", detail="no *.csv in folder")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise ImportRejected(f"'{p}' 파일이나 폴더가 없습니다. 경로를 확인해 주세요.", detail="no such path")
    if not out:
        raise InputError("가져올 파일을 하나 이상 주세요.", field="paths")
    return out


_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


@contextmanager
def _snapshot_lock(snapshot_id: str):
    """One import per snapshot at a time: a thread lock (web workers) plus an advisory file lock (processes)."""
    with _THREAD_LOCKS_GUARD:
        lock = _THREAD_LOCKS.setdefault(snapshot_id, threading.Lock())
    with lock:
        path = store_mod.snapshot_dir() / f".{snapshot_id}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+") as fh:
            try:
                import fcntl  # POSIX only: on Windows the thread lock still serialises one process

                fcntl.flock(fh, fcntl.LOCK_EX)
            except ImportError:  # pragma: no cover - Windows: the thread lock still serialises one process
                pass
            yield


def import_sangga_files(paths: Iterable[str | Path] | str | Path, snapshot: str | None = None, *,
                        progress: Callable[[int, int], None] | None = None, structures: bool = True,
                        structures_progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import published 상가(상권)정보 CSV files (or folders of them) into per-quarter snapshots.

    Parameters
    ----------
    paths : path or list of paths
        Files or folders; every ``*.csv`` of a folder is imported.
    snapshot : str, optional
        ``"2026Q1"``; inferred from each file name (``…_202212.csv`` → ``2022Q4``) when not given.
    progress : callable, optional
        ``progress(bytes_done, bytes_total)`` after each block read (for a progress bar).
    structures : bool
        Build the analysis files of every snapshot the files went to, once they are stored (default). The
        import itself is done and committed before; a failed build is reported, not raised.
    structures_progress : callable, optional
        ``progress(steps_done, steps_total)`` during that build.

    Returns
    -------
    ImportReport
        Rows stored and every rejected row (line number and Korean reason) per file; ``structures`` says
        what happened to the analysis files.

    Raises
    ------
    ImportRejected
        A file that cannot be read at all (not a CSV, wrong columns, unknown encoding) or whose every row
        is bad; nothing of that call is stored.
    InputError
        No snapshot given and none in the file name, or a malformed snapshot label.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = _expand_paths(paths)
    clean_home()  # a killed earlier import may have left half a snapshot file
    ensure_migrated(get_settings().database_url)  # the import log lives in the core schema
    given = check_snapshot_id(snapshot) if snapshot else None
    plan: dict[str, list[Path]] = {}
    for p in files:
        sid = given or infer_snapshot(p.name)
        if sid is None:
            raise InputError(
                f"'{p.name}' 파일 이름에서 기준 분기를 알 수 없습니다. 기준 분기(snapshot)를 '2026Q1'처럼 적어 주세요.",
                field="snapshot", detail="cannot infer the quarter from the file name: give --snapshot 2026Q1",
            )
        plan.setdefault(check_snapshot_id(sid), []).append(p)

    total_bytes = sum(p.stat().st_size for p in files)
    done_bytes = finished_bytes = 0

    def advance(n: int) -> None:
        nonlocal done_bytes
        done_bytes += n
        if progress is not None:
            progress(min(done_bytes, total_bytes), total_bytes)

    def finish_files(group: list[Path]) -> None:
        """Count whole files once handled (the header and line ends are not in the block sizes)."""
        nonlocal done_bytes, finished_bytes
        finished_bytes += sum(p.stat().st_size for p in group)
        done_bytes = max(done_bytes, finished_bytes)
        if progress is not None:
            progress(done_bytes, total_bytes)

    known = store_mod.stored_file_hashes()
    reports: list[FileReport] = []
    written: list[str] = []
    schema = store_mod.arrow_schema()
    # One pool for the whole import: it hashes the files, then parses and checks blocks of every file
    # (threads that live across files keep the allocator's per-thread memory warm instead of abandoning it).
    with ThreadPoolExecutor(max_workers=PREPARE_THREADS, thread_name_prefix="sangga-prepare") as pool:
        for sid, group in plan.items():
            _import_group(sid, group, pool, known, reports, written, schema, allow_partial=len(files) > 1,
                          on_bytes=advance, finish_files=finish_files)
    snapshots.clear_cache()
    refused = [fr for fr in reports if fr.refused]
    if refused and all(fr.refused for fr in reports):  # nothing stored, nothing already there: an error
        rows = [RowError(r.line, f"[{fr.name}] {r.reason}", r.value) for fr in refused for r in fr.rejected]
        raise ImportRejected(
            "가져온 파일이 없습니다: " + " / ".join(fr.refused for fr in refused), rows[:1000],
            detail="every file was refused",
        )

    rejected: list[RowError] = []
    multi = len(reports) > 1
    for fr in reports:
        for r in fr.rejected:
            rejected.append(RowError(r.line, f"[{fr.name}] {r.reason}" if multi else r.reason, r.value))
    sids = sorted({fr.snapshot for fr in reports})
    built = _build_structures(sorted({fr.snapshot for fr in reports if not fr.refused}),
                              structures_progress) if structures else []
    return ImportReport(
        snapshot=", ".join(sids),
        files=reports,
        rows_ok=sum(fr.rows_ok for fr in reports),
        rows_rejected=sum(fr.rows_rejected for fr in reports),
        rejected=rejected,
        already_imported=all(fr.already_imported for fr in reports),
        sources=[IMPORTED_DATASET],
        snapshot_paths=written,
        structures=built,
    )


def _build_structures(sids: list[str], progress: Callable[[int, int], None] | None) -> list[StructuresBuild]:
    """Build the analysis files of each stored snapshot in ``sids`` (also one imported earlier whose files are
    missing, e.g. by an older version).  Runs after the import is committed and outside its lock: a failure is
    logged and reported, and the snapshot stays as stored (the first report builds the files instead)."""
    paths = [(sid, store_mod.snapshot_path(sid)) for sid in sids]
    paths = [(sid, p) for sid, p in paths if p.exists()]
    steps = snapshot_files.build_steps() + 1  # + the store→읍면동 profile of the saturation analysis
    total = steps * len(paths)
    out: list[StructuresBuild] = []
    for k, (sid, path) in enumerate(paths):
        base = k * steps

        def step(done: int, _total: int, base: int = base) -> None:
            if progress is not None:
                progress(base + done, total)

        started = time.perf_counter()
        try:
            ready = snapshot_files.structures_ready(path)
            snapshot_files.build_snapshot_structures(path, progress=step)
        except Exception:  # noqa: BLE001 - the import is stored; a failed build only costs the first report time
            error_id = uuid.uuid4().hex[:12]
            log.exception("analysis files of snapshot %s failed to build, error id %s", sid, error_id)
            out.append(StructuresBuild(
                sid, "failed", time.perf_counter() - started,
                f"스냅샷 {sid}의 분석용 색인 파일을 만들지 못했습니다 (오류 번호 {error_id}). 가져온 자료는 그대로 "
                "저장되어 있으며, 이 스냅샷의 첫 상권 보고서를 열 때 다시 만듭니다 (그때는 시간이 더 걸립니다).",
                error_id))
            continue
        _store_dong_profile(sid, path)
        step(steps, steps)
        seconds = time.perf_counter() - started
        if ready:
            out.append(StructuresBuild(sid, "ready", seconds, f"스냅샷 {sid}의 분석용 색인 파일은 이미 있습니다."))
        else:
            out.append(StructuresBuild(sid, "built", seconds,
                                       f"스냅샷 {sid}의 분석용 색인 파일을 만들었습니다 ({seconds:,.1f}초). "
                                       "상권 보고서가 이 파일을 바로 엽니다."))
    return out


def _store_dong_profile(sid: str, path: Path) -> None:
    """Assign the snapshot's stores to census 읍면동 now (≈ 1 CPU s nationally), kept next to its structures, so
    the first report after the import reads it.  A failure is only logged: that report computes it instead."""
    try:
        frame, structures = snapshot_files.open_snapshot(path)
        stored_dong_store_profile(store_mod.StoreSet(frame, store_mod.imported_info(path), structures=structures))
    except Exception:  # noqa: BLE001 - the snapshot and its structures are stored; this only saves time later
        log.exception("the 읍면동 profile of snapshot %s was not stored; its first report computes it", sid)


def _import_group(sid: str, group: list[Path], pool: ThreadPoolExecutor, known: dict[str, str],
                  reports: list[FileReport], written: list[str], schema, *, allow_partial: bool,
                  on_bytes: Callable[[int], None], finish_files: Callable[[list[Path]], None]) -> None:
    """Import the files of one snapshot under its lock: new files into a temp Parquet, renamed into place
    with their import-log rows (appends to ``reports`` and ``written``)."""
    with _snapshot_lock(sid):
        known.update(store_mod.stored_file_hashes())  # another import may have finished meanwhile
        target = store_mod.snapshot_path(sid)
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = store_mod.read_snapshot_meta(target) if target.exists() else {}
        todo: list[tuple[Path, str]] = []
        # hashlib releases the GIL on large reads: both cores hash while files wait their turn
        digests = list(pool.map(file_sha256, group))
        for p, digest in zip(group, digests, strict=True):
            if digest in known or any(digest == d for _, d in todo):
                reports.append(FileReport(str(p), p.name, known.get(digest, sid), digest, "", 0, 0,
                                          already_imported=True))
            else:
                todo.append((p, digest))
        if not todo:
            finish_files(group)
            return
        file_reports, new_meta, tmp = _write_snapshot(sid, target, meta, todo, schema, allow_partial=allow_partial,
                                                      on_bytes=on_bytes, pool=pool)
        finish_files(group)
        accepted = [fr for fr in file_reports if not fr.refused]
        if not accepted:  # every new file of this quarter was refused: the stored snapshot stays as it was
            tmp.unlink(missing_ok=True)
            reports.extend(file_reports)
            return
        try:
            with session_scope() as session:
                for fr in accepted:
                    session.add(ImportLog(
                        domain=DOMAIN, source_name=fr.name[:500], sha256=fr.sha256, rows_ok=fr.rows_ok,
                        rows_rejected=fr.rows_rejected,
                        note=json.dumps({"snapshot": sid, "encoding": fr.encoding, "code_system": fr.code_system},
                                        ensure_ascii=False),
                    ))
                session.flush()
                os.replace(tmp, target)  # the snapshot changes only once the log rows are in the transaction
                # The memory-mapped structures (commerce.snapshot_files) are built by import_sangga_files once
                # every snapshot is committed, outside this lock (see _build_structures); the folder is keyed by
                # path/size/mtime, so this new file is never read with an older file's structures.
        except BaseException:
            if tmp.exists():
                tmp.unlink()
            raise
        for fr in accepted:
            known[fr.sha256] = sid
        reports.extend(file_reports)
        written.append(str(target))


def _write_snapshot(sid: str, target: Path, meta: dict, todo: list[tuple[Path, str]], schema, *,
                    allow_partial: bool = False, on_bytes: Callable[[int], None] | None = None,
                    pool: ThreadPoolExecutor | None = None):
    """Write old rows + new files' good rows to a temp Parquet next to ``target``; return reports and path.

    With ``allow_partial`` (several files in one call) a file that is refused whole is reported with
    ``refused`` and skipped, and the others are stored; otherwise the refusal is raised.

    Blocks are parsed and checked in ``pool`` (see :func:`iter_sangga_batches`); once a file has handed out
    its last block the next file is opened and its first blocks start, so the pool does not idle at file
    boundaries. Parquet encoding runs in one writer thread (pyarrow releases the GIL), one write pending.
    """
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    # Only the IDs are held for the duplicate check (fixed-width arrays, not Python strings).
    seen = SeenIds()
    old_rows = 0
    if target.exists():
        pf = pq.ParquetFile(target)
        for i in range(pf.num_row_groups):
            ids = pf.read_row_group(i, columns=["store_id"]).column("store_id").combine_chunks()
            seen.add(ids, np.zeros(len(ids), dtype=np.int64), STORED)
            old_rows += len(ids)
    reports: list[FileReport] = []
    sido_codes: set[str] = set(meta.get("sido_codes", []))
    pre2023 = int(meta.get("pre2023_ids", 0))
    synthetic_rows = int(meta.get("synthetic_rows", 0))
    codes_seen = set([meta["code_system"]]) if meta.get("code_system") else set()
    try:
        # No column statistics: nothing filters snapshot row groups by min/max (every reader takes whole
        # columns), and computing them was ~20 % of the write's CPU.
        writer = pq.ParquetWriter(tmp, schema, compression="snappy", use_dictionary=store_mod.DICTIONARY_COLUMNS,
                                  write_statistics=False)
        try:
            if target.exists():
                pf = pq.ParquetFile(target)
                for i in range(pf.num_row_groups):
                    writer.write_table(pf.read_row_group(i).cast(schema))
            budget = BlockBudget()
            opened: dict[int, tuple] = {}  # file number → (facts, batches, None) or (None, None, refusal)

            def open_file(k: int) -> tuple:
                """Open file ``k`` once (header, encoding); when the file before it is read, prime its blocks."""
                if k >= len(todo):
                    return (None, None, None)
                if k not in opened:
                    path, digest = todo[k]
                    try:
                        facts, batches = iter_sangga_batches(
                            path, snapshot=sid, seen=seen, file_no=k, sha256=digest, on_bytes=on_bytes,
                            pool=pool, budget=budget, on_read_done=lambda: start_next(k + 1))
                        opened[k] = (facts, batches, None)
                    except ImportRejected as exc:  # raised (or reported) when its turn comes
                        opened[k] = (None, None, exc)
                return opened[k]

            current = 0

            def start_next(k: int) -> None:
                if k == current + 1:  # one file ahead at most: the budget is shared, not doubled
                    batches = open_file(k)[1]
                    if batches is not None:
                        batches.prime()

            writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sangga-write")
            blocks_written = 0
            try:
                for file_no, (path, digest) in enumerate(todo):
                    current = file_no
                    facts, batches, refusal = open_file(file_no)
                    if refusal is not None:
                        if not allow_partial:
                            raise refusal
                        reports.append(FileReport(str(path), path.name, sid, digest, "", 0, 0, refused=refusal.message))
                        start_next(file_no + 1)
                        continue
                    rejected: list[RowError] = []
                    pending = None  # at most one write pending while the next block is checked
                    try:
                        for table, rej in batches:
                            rejected.extend(rej)
                            if table.num_rows:
                                if pending is not None:
                                    pending.result()
                                pending = writes.submit(writer.write_table, table)
                                blocks_written += 1
                                if blocks_written % 8 == 0:
                                    # Arrow's allocator keeps freed pages of every thread for reuse; handing them
                                    # back now and then keeps the peak ~20 MB lower at no measurable cost
                                    pa.default_memory_pool().release_unused()
                    finally:
                        batches.close()
                        if pending is not None:
                            pending.result()
                    if facts.rows_ok == 0:
                        msg = (f"'{path.name}'에서 가져올 수 있는 행이 하나도 없습니다 (거부 {facts.rows_rejected}행). "
                               "이 파일에서는 아무것도 저장하지 않았습니다.")
                        if not allow_partial:
                            raise ImportRejected(msg, rejected[:1000], detail="every row was rejected")
                        reports.append(FileReport(str(path), path.name, sid, digest, facts.encoding, 0,
                                                  facts.rows_rejected, rejected, refused=msg))
                        continue
                    sido_codes |= facts.sido_codes
                    pre2023 += facts.pre2023_ids
                    synthetic_rows += facts.synthetic_rows
                    codes_seen.add(facts.code_system)
                    reports.append(FileReport(
                        str(path), path.name, sid, digest, facts.encoding, facts.rows_ok, facts.rows_rejected,
                        rejected, False, facts.code_system, sorted(facts.sido_codes),
                    ))
            finally:
                for _, batches, _ in opened.values():
                    if batches is not None:
                        batches.close()  # a failure half-way: blocks handed out ahead are given back
                writes.shutdown(wait=True)
            files_meta = list(meta.get("files", [])) + [
                {"name": r.name, "sha256": r.sha256, "rows_ok": r.rows_ok, "rows_rejected": r.rows_rejected,
                 "encoding": r.encoding, "code_system": r.code_system, "imported_at": store_mod.now_iso(),
                 "sido_codes": r.sido_codes}
                for r in reports if not r.refused
            ]
            total = old_rows + sum(r.rows_ok for r in reports)
            if pre2023 == 0:
                id_scheme = "2023"
            elif pre2023 == total:
                id_scheme = "pre2023"
            else:
                id_scheme = "mixed"
            code_system = codes_seen.pop() if len(codes_seen) == 1 else "mixed"
            new_meta = {
                "snapshot": sid,
                "label": f"{sid[:4]}년 {sid[5]}분기 상가(상권)정보",
                "rows": total,
                "synthetic_rows": synthetic_rows,
                "sources": [IMPORTED_DATASET] + (["sangga-synthetic"] if synthetic_rows else []),
                "imported_at": store_mod.now_iso(),
                "code_system": code_system,
                "id_scheme": id_scheme,
                "pre2023_ids": pre2023,
                "sido_codes": sorted(sido_codes),
                "coverage": "시도 " + ", ".join(sorted(sido_codes)),
                "files": files_meta,
            }
            writer.add_key_value_metadata({"moduai": json.dumps(new_meta, ensure_ascii=False)})
        finally:
            writer.close()
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return reports, new_meta, tmp
