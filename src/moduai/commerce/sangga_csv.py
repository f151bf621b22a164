"""Parsing the official 상가(상권)정보 CSV files: encodings, snapshot labels, row validation.

Used by :mod:`moduai.commerce.importer` (which stores what this module reads) and by the embedded
extracts.  Public: :func:`iter_sangga_batches` (lazy, block by block, Arrow tables of the stored schema),
:func:`iter_sangga_chunks` (the same as pandas frames), :func:`read_sangga_frame` (into memory),
:func:`infer_snapshot`, :func:`check_snapshot_id`, :func:`detect_encoding`, :func:`file_sha256`.
The row rules and normalisation are documented in :mod:`moduai.commerce.importer`.

Pipeline per file: 8 MiB blocks cut at line ends (so every row keeps its physical line number) → in a pool of
:data:`PREPARE_THREADS` worker threads, block by block: pyarrow's C++ CSV parser with explicit string columns
(a block with anything unusual — a wrong field count, a quote over a line end, a blank line, an undecodable
byte — goes to the line-exact Python csv path instead), then rules 1–5 and the normalisation column-wise
with Arrow compute and NumPy (:func:`_prepare_block`; Python only per rejected row and per distinct old
code) → in the iterating thread, in file order: duplicates checked against
:class:`~moduai.commerce.seen_ids.SeenIds` (:func:`_claim_block`). Parsing and compute kernels release the
GIL, so two blocks are prepared at once; the duplicate rule, the only one that depends on earlier rows,
stays sequential, so reasons and line numbers are the same as one thread's.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.commerce import store as store_mod
from moduai.commerce import taxonomy
from moduai.commerce.seen_ids import IdKeys, SeenIds, id_keys
from moduai.commerce.spatial import KOREA_LAT, KOREA_LON, to_xy
from moduai.commerce.store import OFFICIAL_COLUMNS
from moduai.errors import ImportRejected, InputError, RowError
from moduai.regions.spine import code_history, modernise_codes, to_current_code

N_COLUMNS = len(OFFICIAL_COLUMNS)
CHUNK_ROWS = 100_000
IMPORTED_DATASET = "sangga-imported"


@dataclass
class FileFacts:
    """Facts gathered while parsing one file."""

    sha256: str
    encoding: str
    rows_ok: int = 0
    rows_rejected: int = 0
    old_code_rows: int = 0
    new_code_rows: int = 0
    sido_codes: set[str] = field(default_factory=set)
    pre2023_ids: int = 0
    synthetic_rows: int = 0

    @property
    def code_system(self) -> str:
        if self.old_code_rows and self.new_code_rows:
            return "mixed"
        return "old" if self.old_code_rows else "2023"


# ------------------------------------------------------------------------------------ snapshot labels
_Q_PATTERNS = [
    re.compile(r"(20\d{2})\s*[-_.]?\s*[Qq]\s*([1-4])(?![0-9])"),
    re.compile(r"(20\d{2})\s*년\s*([1-4])\s*분기"),
]
_MONTH_PATTERN = re.compile(r"(?<![0-9])(20\d{2})[-_.]?(0[1-9]|1[0-2])(?![0-9])")


def infer_snapshot(filename: str) -> str | None:
    """The quarter a published file belongs to, from its name: ``202212`` → ``2022Q4``, ``2026q1`` → ``2026Q1``."""
    stem = Path(filename).stem
    for pat in _Q_PATTERNS:
        m = pat.search(stem)
        if m:
            return f"{m[1]}Q{m[2]}"
    m = _MONTH_PATTERN.search(stem)
    if m:
        return f"{m[1]}Q{(int(m[2]) - 1) // 3 + 1}"
    return None


def check_snapshot_id(snapshot: str) -> str:
    """Validate a user-given snapshot label: ``YYYYQn`` (2010–2099)."""
    s = str(snapshot).strip().upper()
    m = store_mod.QUARTER_RE.match(s)
    if not m or not (2010 <= int(m[1]) <= 2099):
        raise InputError(
            f"스냅샷('snapshot')은 '2026Q1'처럼 연도와 분기로 적어야 합니다. 받은 값: {snapshot!r}.",
            field="snapshot", detail="expected YYYYQn, e.g. 2026Q1",
        )
    return s


# ------------------------------------------------------------------------------------------- encoding
def detect_encoding(head: bytes) -> str:
    """'utf-8-sig' (BOM), 'utf-8' or 'cp949' from the first bytes; ImportRejected when none fits."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRejected(
            "UTF-16 파일은 읽을 수 없습니다. 공공데이터포털에서 받은 CSV(CP949 또는 UTF-8) 그대로 올려 주세요.",
            detail="UTF-16 is not a published encoding",
        )
    if b"\x00" in head[:4096]:
        raise ImportRejected("CSV 텍스트 파일이 아닙니다(이진 파일). 상가(상권)정보 CSV를 올려 주세요.",
                             detail="NUL bytes: binary file")
    bad = {enc: _replacements(head, enc) for enc in ("utf-8", "cp949")}
    if bad["utf-8"] == 0:
        return "utf-8"
    if bad["cp949"] == 0:
        return "cp949"
    # A few damaged bytes in an otherwise clean file: keep the encoding that fits best and let the rows
    # with broken characters be rejected one by one.
    best = min(bad, key=bad.get)
    if bad[best] <= max(3, head.count(b"\n") // 100):
        return best
    raise ImportRejected(
        "파일 인코딩을 알 수 없습니다 (UTF-8도 CP949/EUC-KR도 아닙니다). 받은 CSV를 그대로 올려 주세요.",
        detail=f"undecodable bytes: utf-8 {bad['utf-8']}, cp949 {bad['cp949']} in the first MiB",
    )


def _replacements(head: bytes, encoding: str) -> int:
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False).count("\ufffd")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------------------------- parser
class _Lines:
    """Line iterator that remembers the lines of the record being read and the physical line number."""

    __slots__ = ("_f", "lineno", "buf")

    def __init__(self, f) -> None:
        self._f = f
        self.lineno = 0
        self.buf: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._f.readline()
        if not line:
            raise StopIteration
        self.lineno += 1
        self.buf.append(line)
        return line


def _records(text_file, width: int = N_COLUMNS) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) per record; multi-line records with a wrong field count are re-split."""
    lines = _Lines(text_file)
    reader = csv.reader(lines)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error:  # e.g. NUL inside a field; judge each line alone
            fields = None
        raw = lines.buf
        lines.buf = []
        end = lines.lineno
        if fields is not None and (len(raw) <= 1 or len(fields) == width):
            if fields:
                yield start, fields
        else:
            for i, line in enumerate(raw):
                try:
                    parts = next(csv.reader([line.rstrip("\r\n")]), [])
                except csv.Error:
                    parts = [line]
                if parts:
                    yield start + i, parts
        start = end + 1


_KEY_COLUMNS = ("store_id", "major_code", "mid_code", "minor_code", "ksic_code", "sido_code", "sigungu_code",
                "adm_dong_code", "legal_dong_code", "lon", "lat", "floor")
_REGION_CODE_COLUMNS = ("sido_code", "sigungu_code", "adm_dong_code", "legal_dong_code")
_TEXT_COLUMNS = ("name", "sido_name", "sigungu_name", "adm_dong_name", "jibun_address", "road_address", "minor_name")
_OLD_CODE_PATTERN = r"^[A-Z]\d{2}[A-Z]\d{2}$"  # RE2, as pandas' Arrow-backed str.match used: ASCII digits only


class _CodeBook:
    """Per-file look-up tables: 2023 업종 names in Arrow, old-code and region-code answers already asked.

    The crosswalk and the region history stay with their owners (:func:`taxonomy.map_old_code`,
    :func:`moduai.regions.spine.to_current_code`); this only remembers their answers for the file.
    """

    def __init__(self) -> None:
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow as pa

        tax = taxonomy.taxonomy_frame()
        self.codes = pa.array(tax["minor_code"].tolist(), type=pa.large_string())
        self.names = {c: pa.array(tax[c].tolist(), type=pa.large_string())
                      for c in ("major_name", "mid_name", "minor_name")}
        self.old: dict[str, taxonomy.OldCodeMapping] = {}  # old code + the KSIC section letter as written

    def names_of(self, codes) -> dict:
        """major/mid/minor names of 2023 소분류 codes, taken from the 247-row table (no Python loop)."""
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow.compute as pc

        idx = pc.index_in(codes, value_set=self.codes)
        return {c: pc.take(d, idx) for c, d in self.names.items()}

    def regions_change(self, cols: dict) -> bool:
        """Whether any region code of the block is an old one (most files: none, so nothing to rewrite)."""
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow.compute as pc

        today = dt.date.today()
        froms = _recoded_prefixes(today)
        for c in _REGION_CODE_COLUMNS:
            for v in pc.unique(cols[c]).to_pylist():
                if v and v.startswith(froms) and to_current_code(v, on=today) != v:
                    return True
        return False


@lru_cache(maxsize=4)
def _recoded_prefixes(on: dt.date) -> tuple[str, ...]:
    """Every old code of the region history in force on ``on``: a code that starts with none of them is
    today's already (:func:`to_current_code` only rewrites codes that start with an event's old code), so
    the ~9,000 distinct codes of a national import skip its walk through the whole history."""
    return tuple(sorted({str(old) for ev in code_history() if ev["date"] <= on for old in ev["from"]}))


def _np(arr) -> np.ndarray:
    """An Arrow boolean/number array as NumPy (copies for booleans, which Arrow stores as bits)."""
    return arr.to_numpy(zero_copy_only=False)


def _flat(arr):
    """One Arrow array from a chunked one (kernels such as ``dictionary_encode`` answer per chunk)."""
    return arr.combine_chunks() if hasattr(arr, "combine_chunks") else arr


def _repeat(value: str, n: int):
    """An Arrow string array of ``n`` times ``value``."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    return pa.array([value], type=pa.large_string()).take(np.zeros(n, dtype=np.int32))


def _first_positions(indices: np.ndarray, n_values: int) -> np.ndarray:
    """For dictionary indices, the position where each value first occurs."""
    first = np.empty(n_values, dtype=np.int64)
    first[indices[::-1]] = np.arange(len(indices) - 1, -1, -1)  # later writes win: the reversed order leaves the first
    return first


def _table_from_records(rows: list[list[str]], header_index: list[int]):
    """Records of the careful path → an Arrow table with the normalised column names (all strings)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    names = list(OFFICIAL_COLUMNS.values())
    if not rows:
        return pa.table({n: pa.array([], type=pa.large_string()) for n in names})
    cols = list(zip(*rows, strict=True))
    return pa.table({names[j]: pa.array(cols[header_index[j]], type=pa.large_string()) for j in range(N_COLUMNS)})


def _to_float(arr) -> np.ndarray:
    """Strings → float64; NaN where a value is empty or not a number (Arrow cast first, pandas on failure)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, ValueError, TypeError):
        # Which values are numbers: pandas' rule, as before. Their values: Arrow's correctly rounded parse
        # again, so a coordinate does not change in the last digit because a neighbour was not a number
        # (pandas' parser can be one unit in the last place off on 17-digit strings).
        col = pd.Series(arr.to_pylist(), dtype=pd.StringDtype("pyarrow", na_value=np.nan))
        out = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        ok = np.flatnonzero(~np.isnan(out))
        try:
            out[ok] = pc.cast(_flat(arr).take(ok), pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, ValueError, TypeError):  # e.g. 'inf' spelt as pandas reads it
            out[ok] = [float(v) for v in col.iloc[ok]]
        return out


@dataclass
class _Prepared:
    """One block after rules 1–5 and the normalisation (:func:`_prepare_block`), before the duplicate check.

    ``table`` holds the rows that passed rules 1–5 (block positions ``rows``), already in the stored schema;
    ``reasons`` the rejected rows by block position; the ID arrays and masks are over ``table``'s rows.
    """

    lines: np.ndarray
    early: list[RowError]
    reasons: dict[int, tuple[str, str | None]]
    rows: np.ndarray | None = None
    table: object = None
    ids: object = None  # the distinct IDs of ``table`` (Arrow), in order of first appearance
    id_idx: np.ndarray | None = None  # per row of ``table``: its ID's index in ``ids``
    id_first: np.ndarray | None = None  # per distinct ID: the row of ``table`` where it first appears
    id_keys: IdKeys | None = None  # what SeenIds compares of ``ids``, computed here rather than in file order
    old_like: np.ndarray | None = None
    is_new: np.ndarray | None = None
    pre2023: np.ndarray | None = None
    synthetic: np.ndarray | None = None
    sido_codes: list[str] = field(default_factory=list)


def _prepare_block(
    table,
    line_arr: np.ndarray,
    codebook: _CodeBook,
    snapshot: str,
    dataset: str,
    check_replacement: bool = True,
    early: list[RowError] | None = None,
) -> _Prepared:
    """Rules 1–5 and the normalisation of one block (Arrow table, normalised names, all strings).

    Touches no state shared between blocks except the code book's answers (the same for every block), so
    blocks are prepared in parallel threads (Arrow compute releases the GIL); the duplicate check, which
    depends on every earlier row, is :func:`_claim_block`, run block after block in file order. Python runs
    only per rejected row (its message) and per distinct old 업종 code; everything else is column-wise.
    ``check_replacement`` looks for U+FFFD left by a lenient decode; blocks parsed by pyarrow were decoded
    strictly (any bad byte sends the block to the careful path), so they skip that scan.
    """
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = store_mod.arrow_schema()
    n = table.num_rows
    line_arr = np.asarray(line_arr, dtype=np.int64)
    reasons: dict[int, tuple[str, str | None]] = {}
    prepared = _Prepared(line_arr, list(early or ()), reasons)
    if n == 0:
        return prepared
    # columns stay chunked as parsed (combining would copy every string); the IDs are hashed from one buffer
    cols = {name: table.column(name) for name in table.column_names}
    cols["store_id"] = cols["store_id"].combine_chunks()
    # Codes, IDs and coordinates are compared, so surrounding blanks must go; names and addresses are
    # kept exactly as published.
    for c in _KEY_COLUMNS:
        cols[c] = pc.utf8_trim_whitespace(cols[c])
    bad = np.zeros(n, dtype=bool)

    def mark(mask: np.ndarray, text, val=None) -> None:
        """The first failing rule is the reason: rows already rejected keep theirs."""
        new = np.flatnonzero(mask & ~bad)
        bad[new] = True
        for i in new.tolist():
            reasons[i] = (text(i) if callable(text) else text, val(i) if callable(val) else val)

    def at(arr, i: int) -> str:
        return str(arr[i].as_py())

    # 2. undecodable characters
    if check_replacement:
        broken = np.zeros(n, dtype=bool)
        for c in _TEXT_COLUMNS:
            broken |= _np(pc.match_substring(cols[c], "\ufffd"))
        mark(broken, "글자가 깨졌습니다(인코딩이 섞인 행). 원본 파일에서 이 행을 확인해 주세요")
    # 3. store id
    mark(_np(pc.equal(cols["store_id"], "")), "상가업소번호가 비어 있습니다")
    # 4. 업종 codes
    minor = pc.utf8_upper(cols["minor_code"])
    major = pc.utf8_upper(cols["major_code"])
    mid = pc.utf8_upper(cols["mid_code"])
    is_new = _np(pc.is_in(minor, value_set=codebook.codes))
    old_like = np.zeros(n, dtype=bool)
    if not is_new.all():  # the pattern is only asked of codes that are not 2023 ones
        not_new = np.flatnonzero(~is_new)
        old_like[not_new] = _np(pc.match_substring_regex(minor.take(not_new), _OLD_CODE_PATTERN))
    mappable = np.zeros(n, dtype=bool)
    codes = minor
    if old_like.any():
        # one crosswalk question per distinct (old code, KSIC section letter), asked with the first such row
        where_old = np.flatnonzero(old_like)
        minor = _flat(minor)
        old_minor = minor.take(where_old)
        ksic = cols["ksic_code"]
        keys = pc.binary_join_element_wise(old_minor, pc.utf8_slice_codeunits(ksic.take(where_old), 0, 1),
                                        pa.scalar("", type=pa.large_string()))
        enc = pc.dictionary_encode(_flat(keys))
        key_idx = enc.indices.to_numpy(zero_copy_only=False)
        first = _first_positions(key_idx, len(enc.dictionary))
        answers = []
        for k, key in enumerate(enc.dictionary.to_pylist()):
            m = codebook.old.get(key)
            if m is None:
                m = codebook.old[key] = taxonomy.map_old_code(key[:6], at(ksic, int(where_old[first[k]])))
            answers.append(m)
        ok = np.array([m.new_code is not None for m in answers], dtype=bool)[key_idx]
        for j in np.flatnonzero(~ok).tolist():
            i = int(where_old[j])
            if not bad[i]:
                bad[i] = True
                reasons[i] = (f"{answers[key_idx[j]].reason}", at(minor, i))
        mappable[where_old[ok]] = True
        new_codes = pa.array([m.new_code for m in answers], type=pa.large_string()).take(key_idx[ok])
        codes = pc.replace_with_mask(minor, pa.array(mappable), new_codes)
    unknown = ~is_new & ~old_like
    mark(unknown,
         lambda i: f"알 수 없는 업종 소분류코드 '{at(minor, i)}' (2023 코드도 구 코드도 아닙니다; 열이 밀렸을 수 있습니다)",
         lambda i: at(minor, i))

    def prefix(arr, k: int):
        return pc.utf8_slice_codeunits(arr, 0, k)

    bad_new = is_new & _np(pc.or_(pc.or_(pc.not_equal(prefix(major, 2), prefix(minor, 2)),
                                        pc.not_equal(prefix(mid, 4), prefix(minor, 4))),
                                  pc.not_equal(pc.utf8_length(major), 2)))
    bad_old = np.zeros(n, dtype=bool)
    if old_like.any():
        bad_old = old_like & _np(pc.or_(pc.not_equal(major, prefix(minor, 1)), pc.not_equal(mid, prefix(minor, 3))))
    mark(bad_new | bad_old,
         lambda i: f"업종 대·중·소분류 코드가 서로 맞지 않습니다 ({at(major, i)} / {at(mid, i)} / {at(minor, i)}); 열이 밀렸을 수 있습니다",
         lambda i: f"{at(major, i)}/{at(mid, i)}/{at(minor, i)}")
    # 5. coordinates
    lon = _to_float(cols["lon"])
    lat = _to_float(cols["lat"])
    missing = np.isnan(lon) | np.isnan(lat)
    mark(missing, "좌표(경도·위도)가 비어 있거나 숫자가 아닙니다",
         lambda i: f"경도={at(cols['lon'], i)}, 위도={at(cols['lat'], i)}")
    with np.errstate(invalid="ignore"):
        inside = (lon >= KOREA_LON[0]) & (lon <= KOREA_LON[1]) & (lat >= KOREA_LAT[0]) & (lat <= KOREA_LAT[1])
    mark(~missing & ~inside,
         lambda i: f"좌표가 대한민국 밖입니다 (경도 {lon[i]:g}, 위도 {lat[i]:g}; 허용 경도 {KOREA_LON[0]}–{KOREA_LON[1]}, 위도 {KOREA_LAT[0]}–{KOREA_LAT[1]})",
         lambda i: f"{lon[i]:g},{lat[i]:g}")
    # normalisation of the rows that passed rules 1–5 (the duplicate check only drops rows, never changes one)
    candidates = np.flatnonzero(~bad)
    m = len(candidates)
    if m == 0:
        return prepared
    everything = m == n
    keep = None if everything else pa.array(~bad)
    out = dict(cols) if everything else {c: cols[c].filter(keep) for c in cols}
    prepared.rows = candidates
    prepared.old_like = old_like[candidates]
    prepared.is_new = is_new[candidates]
    # the IDs claim their place in :func:`_claim_block`; encoding them here keeps that step short
    enc = pc.dictionary_encode(_flat(out["store_id"]))
    prepared.ids = enc.dictionary
    prepared.id_idx = enc.indices.to_numpy(zero_copy_only=False)
    prepared.id_first = _first_positions(prepared.id_idx, len(enc.dictionary))
    prepared.id_keys = id_keys(enc.dictionary)
    prepared.pre2023 = _np(pc.match_substring_regex(out["store_id"], r"^\d+$"))
    # old codes: the crosswalk's 2023 code, the published one kept in source_minor_code
    good_codes = codes if everything else codes.filter(keep)
    if prepared.old_like.any():
        out["source_minor_code"] = pc.if_else(pa.array(prepared.old_like), minor if everything else minor.filter(keep), "")
    else:
        out["source_minor_code"] = _repeat("", m)
    out["minor_code"] = good_codes
    out["mid_code"] = pc.utf8_slice_codeunits(good_codes, 0, 4)
    out["major_code"] = pc.utf8_slice_codeunits(good_codes, 0, 2)
    out.update(codebook.names_of(good_codes))
    lon_g, lat_g = lon[candidates], lat[candidates]
    x, y = to_xy(lon_g, lat_g)
    out["lon"], out["lat"] = pa.array(lon_g), pa.array(lat_g)
    out["x"], out["y"] = pa.array(np.asarray(x, dtype="float64")), pa.array(np.asarray(y, dtype="float64"))
    _modernise_regions(out, codebook)
    # Rows made by moduai's generator (exported with `moduai commerce generate --format csv`) stay flagged
    # synthetic when imported back: their IDs start with SY and their names with "[합성]".
    synthetic = _flat(pc.and_(pc.starts_with(out["store_id"], "SY"), pc.starts_with(out["name"], "[합성]")))
    prepared.synthetic = _np(synthetic)
    out["synthetic"] = synthetic
    out["snapshot"] = _repeat(snapshot, m)
    datasets = _repeat(dataset, m)
    out["dataset"] = pc.if_else(synthetic, "sangga-synthetic", datasets) if prepared.synthetic.any() else datasets
    prepared.sido_codes = pc.unique(out["sido_code"]).to_pylist()
    prepared.table = pa.Table.from_arrays([out[f.name].cast(f.type) for f in schema], schema=schema)
    return prepared


def _claim_block(prepared: _Prepared, seen: SeenIds, file_no: int, facts: FileFacts):
    """Rule 6, in file order: each ID is claimed by its first good row unless an earlier block, file or the
    stored snapshot already did; the facts of the rows kept. Returns (good rows, rejected rows by line)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    reasons, line_arr, table = prepared.reasons, prepared.lines, prepared.table
    if table is not None:
        candidates, id_idx, first = prepared.rows, prepared.id_idx, prepared.id_first
        found, found_file, found_line = seen.lookup(prepared.ids, prepared.id_keys)
        claim = (first[id_idx] == np.arange(len(candidates))) & ~found[id_idx]
        for j in np.flatnonzero(~claim).tolist():
            i, k = int(candidates[j]), int(id_idx[j])
            sid = str(prepared.ids[k].as_py())
            if not found[k]:
                where = f" (먼저 나온 {int(line_arr[candidates[first[k]]])}행)"
            elif found_file[k] == file_no:
                where = f" (먼저 나온 {int(found_line[k])}행)"
            else:
                where = " (이미 저장된 행)"
            reasons[i] = (f"상가업소번호 '{sid}'가 중복됩니다{where}", sid)
        fresh = np.flatnonzero(~found)
        seen.add(prepared.ids.take(fresh), line_arr[candidates[first[fresh]]], file_no, prepared.id_keys.take(fresh))
        if claim.all():
            sido_codes = prepared.sido_codes
        else:
            table = table.filter(pa.array(claim))
            sido_codes = table.column("sido_code").unique().to_pylist() if table.num_rows else []
        facts.old_code_rows += int((prepared.old_like & claim).sum())
        facts.new_code_rows += int((prepared.is_new & claim).sum())
        facts.pre2023_ids += int((prepared.pre2023 & claim).sum())
        facts.synthetic_rows += int((prepared.synthetic & claim).sum())
        facts.sido_codes.update(sido_codes)
    rejected = [RowError(int(line_arr[i]), str(text), None if val is None else str(val))
                for i, (text, val) in sorted(reasons.items())]
    if prepared.early:
        rejected = sorted(prepared.early + rejected, key=lambda r: r.line)
    if table is None or table.num_rows == 0:
        return store_mod.arrow_schema().empty_table(), rejected
    return table, rejected


def _modernise_regions(cols: dict, codebook: _CodeBook) -> None:
    """10-digit 행정동코드 → 8 digits; then old region codes to today's through the spine; in place.

    Blocks of current files have no old code (checked per distinct value, answers kept per file); only
    blocks that do go through the spine's :func:`modernise_codes` (pandas, these five columns).
    """
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.compute as pc

    adm = cols["adm_dong_code"]
    ten = pc.and_(pc.equal(pc.utf8_length(adm), 10), pc.ends_with(adm, "00"))
    cols["adm_dong_code"] = pc.if_else(ten, pc.utf8_slice_codeunits(adm, 0, 8), adm)
    if not codebook.regions_change(cols):
        return
    names = (*_REGION_CODE_COLUMNS, "sido_name")
    frame = pd.DataFrame({c: cols[c].to_pandas() for c in names})
    modernise_codes(frame, _REGION_CODE_COLUMNS, sido_name_column="sido_name")
    for c in names:
        cols[c] = pa.array(frame[c].tolist(), type=pa.large_string())


def _field_count_reason(n: int, width: int) -> str:
    if n == width - 1:
        return f"열이 하나 모자랍니다 ({n}개, {width}개여야 함): 필드 하나가 빠져 뒤의 열이 밀렸습니다"
    if n < width:
        return f"행이 중간에 잘렸습니다: 열이 {n}개뿐입니다 ({width}개여야 함)"
    return f"열이 {n}개로 많습니다 ({width}개여야 함): 따옴표가 깨졌거나 쉼표가 더 들어가 열이 밀렸습니다"


BLOCK_BYTES = 8 << 20
PARSE_BYTES = 1 << 20  # pyarrow parses a block in pieces of this size (smaller pieces stay in the CPU cache)
PREPARE_THREADS = 2  # blocks parsed and validated at once (the machines this runs on have 2–4 cores)


def _byte_blocks(path: Path, start: int, block_bytes: int) -> Iterator[tuple[int, bytearray]]:
    """(first line number, bytes) blocks cut at line ends, from byte offset ``start`` (just after the header).

    Each block is its own buffer, read in place after the previous block's unfinished line and cut by
    truncation, so the block's bytes are never copied in Python.
    """
    with open(path, "rb") as f:
        f.seek(start)
        line, carry = 2, b""
        while True:
            buf = bytearray(len(carry) + block_bytes)
            buf[: len(carry)] = carry
            got = f.readinto(memoryview(buf)[len(carry):])
            size = len(carry) + got
            if not got:
                if carry:
                    yield line, bytearray(carry)
                return
            cut = buf.rfind(b"\n", 0, size)
            if cut < 0:
                carry = bytes(buf[:size])
                continue
            carry = bytes(buf[cut + 1: size])
            del buf[cut + 1:]
            yield line, buf
            line += buf.count(b"\n")


def _fast_block(block: bytes | bytearray, header: list[str], encoding: str):
    """Parse a block with pyarrow (C++, all strings); None when the block needs the careful path.

    The careful path takes over whenever anything is unusual: a row with the wrong field count, a quote
    that swallows line ends, blank lines, undecodable bytes — so line numbers and reasons stay exact.
    Returns an Arrow table of the 39 columns under their normalised names.
    """
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.csv as pacsv

    n_lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
    invalid = []

    def handler(row):
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(block)),
            read_options=pacsv.ReadOptions(column_names=header, encoding=encoding, block_size=PARSE_BYTES,
                                             use_threads=False),  # blocks are parsed in parallel instead
            parse_options=pacsv.ParseOptions(newlines_in_values=False, invalid_row_handler=handler,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.large_string() for h in OFFICIAL_COLUMNS},
                                                 include_columns=list(OFFICIAL_COLUMNS),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None
    if invalid or table.num_rows != n_lines:
        return None
    return table.rename_columns(list(OFFICIAL_COLUMNS.values()))


def _careful_block(text: str, first_line: int, width: int) -> Iterator[tuple[int, list[str]]]:
    """Records of a decoded block with exact physical line numbers (see :func:`_records`)."""
    for line, fields in _records(io.StringIO(text, newline=""), width):
        yield first_line + line - 1, fields


class BlockBudget:
    """How many blocks may be parsed ahead at once: one budget for all files of an import bounds its memory
    (each block in flight is 8 MiB of CSV and 15–30 MB while parsed) while the next file starts early."""

    def __init__(self, limit: int | None = None) -> None:
        # one block per thread: a thread that finishes early waits for the oldest block to be taken (a few ms)
        self.limit = PREPARE_THREADS if limit is None else limit
        self.in_flight = 0


class SanggaBatches:
    """The iterator :func:`iter_sangga_batches` returns: (good rows, rejected rows) per block, in file order.

    :meth:`prime` hands the first blocks to the pool before iteration starts (used to start the next file
    while the current one finishes); :meth:`close` gives back blocks not taken (also when never iterated).
    """

    def __init__(self, gen: Iterator, prime: Callable[[], None], stop: Callable[[], None]) -> None:
        self._gen, self.prime, self._stop = gen, prime, stop

    def __iter__(self) -> SanggaBatches:
        return self

    def __next__(self):
        return next(self._gen)

    def close(self) -> None:
        self._gen.close()
        self._stop()


def iter_sangga_batches(
    path: Path,
    *,
    snapshot: str,
    dataset: str = IMPORTED_DATASET,
    seen: SeenIds | None = None,
    file_no: int = 0,
    chunk_rows: int = CHUNK_ROWS,
    sha256: str | None = None,
    block_bytes: int | None = None,
    on_bytes: Callable[[int], None] | None = None,
    pool: ThreadPoolExecutor | None = None,
    budget: BlockBudget | None = None,
    on_read_done: Callable[[], None] | None = None,
) -> tuple[FileFacts, SanggaBatches]:
    """Parse one published file lazily: (facts, iterator of (good rows as an Arrow table, rejected rows)).

    The header is checked before the iterator is returned, so an unreadable file raises
    :class:`ImportRejected` here, not half-way through. Blocks of ``block_bytes`` cut at line ends are
    parsed by pyarrow when clean and by the line-exact Python csv path otherwise; either way the rows are
    validated column-wise in Arrow. ``seen`` holds the IDs claimed before (stored snapshot, earlier files:
    give each file its own ``file_no``), so duplicates are found without keeping the rows.

    Blocks are parsed and checked in ``pool`` (its own of :data:`PREPARE_THREADS` threads when not given)
    while the iterator's thread checks duplicates in file order. An import of several files shares one pool
    and one :class:`BlockBudget` (blocks in flight at once, all files together) and, from ``on_read_done``
    (called each time this file has no more blocks to hand out), lets the next file :meth:`~SanggaBatches.prime`
    its first blocks, so both cores stay busy across file boundaries.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportRejected(f"'{path}' 파일이 없습니다. 경로를 확인해 주세요.", detail="no such file")
    if path.stat().st_size == 0:
        raise ImportRejected(f"'{path.name}' 파일이 비어 있습니다.", detail="empty file")
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    encoding = detect_encoding(head)
    facts = FileFacts(sha256=sha256 or file_sha256(path), encoding=encoding)
    end = head.find(b"\n")
    header_bytes = head if end < 0 else head[:end]
    header_text = header_bytes.decode(encoding, errors="replace").rstrip("\r")
    header = [h.strip().lstrip("\ufeff").strip('"') for h in next(csv.reader([header_text]), [])]
    missing = [c for c in OFFICIAL_COLUMNS if c not in header]
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        raise ImportRejected(
            f"'{path.name}'은(는) 상가(상권)정보 형식이 아닙니다: 필수 열 {len(missing)}개가 없습니다 ({shown}). "
            "소상공인시장진흥공단 상가(상권)정보 CSV를 그대로 올려 주세요.",
            detail=f"missing columns: {missing}; header has {len(header)} columns",
        )
    if len(set(header)) != len(header):
        raise ImportRejected(f"'{path.name}'의 머리글에 같은 열 이름이 두 번 있습니다.", detail="duplicate header names")
    header_index = [header.index(c) for c in OFFICIAL_COLUMNS]
    width = len(header)
    arrow_encoding = "utf8" if encoding.startswith("utf-8") else encoding
    codebook = _CodeBook()
    seen = seen if seen is not None else SeenIds()
    start = len(header_bytes) + 1 if end >= 0 else len(head)

    def prepare(table, lines, early: list[RowError], careful: bool = True) -> _Prepared:
        return _prepare_block(table, lines, codebook, snapshot, dataset, careful, early)

    def work(first_line: int, block: bytearray) -> list[_Prepared]:
        """Parse and prepare one block (in a worker thread): pyarrow when clean, the careful path otherwise."""
        fast = _fast_block(block, header, arrow_encoding)
        if fast is not None:
            return [prepare(fast, np.arange(first_line, first_line + fast.num_rows), [], careful=False)]
        text = block.decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace")
        out: list[_Prepared] = []
        rows: list[list[str]] = []
        lines: list[int] = []
        early: list[RowError] = []
        for line, fields in _careful_block(text, first_line, width):
            if len(fields) != width:
                early.append(RowError(line, _field_count_reason(len(fields), width), ",".join(fields[:3])[:60]))
                continue
            rows.append(fields)
            lines.append(line)
            if len(rows) >= chunk_rows:
                out.append(prepare(_table_from_records(rows, header_index), np.asarray(lines), early))
                rows, lines, early = [], [], []
        out.append(prepare(_table_from_records(rows, header_index), np.asarray(lines), early))
        return out

    own_pool = pool is None
    if own_pool:
        pool = ThreadPoolExecutor(max_workers=PREPARE_THREADS, thread_name_prefix="sangga-prepare")
    budget = budget if budget is not None else BlockBudget()
    # CP949 blocks are transcoded by Python's codec, which holds the GIL: two at once would not be faster, and
    # each thread's transcoding buffers stay in the allocator (measured +50 MB peak), so one block at a time
    limit = budget.limit if arrow_encoding == "utf8" else 1
    blocks = _byte_blocks(path, start, block_bytes or BLOCK_BYTES)
    pending: deque = deque()  # (block size, future) in file order
    read_done = False

    def fill() -> None:
        """Hand blocks to the pool while the budget allows; once the file is read, let the next one start."""
        nonlocal read_done
        while not read_done and budget.in_flight < limit:
            nxt = next(blocks, None)
            if nxt is None:
                read_done = True
                blocks.close()
                break
            budget.in_flight += 1
            pending.append((len(nxt[1]), pool.submit(work, *nxt)))
        if read_done and on_read_done is not None:
            on_read_done()

    def stop() -> None:
        for _, fut in pending:
            if fut.cancel():
                budget.in_flight -= 1
        for _, fut in pending:  # running ones finish in the pool; their blocks leave the budget
            if not fut.cancelled():
                budget.in_flight -= 1
        pending.clear()
        blocks.close()
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)

    def batches():
        # This thread takes the prepared blocks in file order for the duplicate check, which depends on every
        # earlier row; parsing and rules 1–5 of the next blocks run in the pool meanwhile.
        try:
            fill()
            while pending:
                size, fut = pending[0]
                prepared = fut.result()
                pending.popleft()
                budget.in_flight -= 1
                fill()
                if on_bytes is not None:
                    on_bytes(size)
                for p in prepared:
                    good, rej = _claim_block(p, seen, file_no, facts)
                    facts.rows_ok += good.num_rows
                    facts.rows_rejected += len(rej)
                    yield good, rej
        finally:
            stop()

    return facts, SanggaBatches(batches(), fill, stop)




def iter_sangga_chunks(path: Path, **kwargs) -> tuple[FileFacts, Iterator[tuple[pd.DataFrame, list[RowError]]]]:
    """:func:`iter_sangga_batches` with each block's good rows as a pandas frame (STORED_COLUMNS)."""
    facts, batches = iter_sangga_batches(path, **kwargs)
    return facts, ((table.to_pandas(), rej) for table, rej in batches)


def read_sangga_frame(
    path: str | Path, *, snapshot: str, dataset: str = IMPORTED_DATASET
) -> tuple[pd.DataFrame, list[RowError], FileFacts]:
    """Parse a whole published file into memory: (good rows with STORED_COLUMNS, rejected rows, facts).

    String columns are plain Python strings (object dtype), as a stored snapshot reads back from Parquet.
    """
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    facts, batches = iter_sangga_batches(Path(path), snapshot=snapshot, dataset=dataset)
    tables, rejected = [], []
    for table, rej in batches:
        tables.append(table)
        rejected.extend(rej)
    table = pa.concat_tables(tables) if tables else store_mod.arrow_schema().empty_table()
    return table.to_pandas(), rejected, facts
