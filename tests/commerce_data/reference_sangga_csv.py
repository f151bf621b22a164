"""FROZEN COPY of moduai.commerce.sangga_csv before the Arrow rewrite (commit f1f9b7a), kept as a test oracle.

tests/commerce_data/test_importer_equivalence.py runs the old pandas parser and the new Arrow one on the
same files and asserts the same rows, the same rejected lines and the same reasons.  Do not import it from
the package and do not "fix" it: its value is that it is the old behaviour.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.commerce import store as store_mod
from moduai.commerce import taxonomy
from moduai.commerce.spatial import KOREA_LAT, KOREA_LON, to_xy
from moduai.commerce.store import OFFICIAL_COLUMNS, STORED_COLUMNS
from moduai.errors import ImportRejected, InputError, RowError
from moduai.regions.spine import modernise_codes

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


def _modernise_regions(df: pd.DataFrame) -> None:
    """10-digit 행정동코드 → 8 digits; then old region codes to today's through the spine; in place."""
    adm = df["adm_dong_code"]
    ten = adm.str.len().eq(10) & adm.str.endswith("00")
    if ten.any():
        df.loc[ten, "adm_dong_code"] = adm[ten].str[:8]
    modernise_codes(df, ("sido_code", "sigungu_code", "adm_dong_code", "legal_dong_code"),
                    sido_name_column="sido_name")


class _CodeBook:
    """Vectorised 업종 validation and mapping, shared by every chunk."""

    def __init__(self) -> None:
        tax = taxonomy.taxonomy_frame().set_index("minor_code")
        self.tax = tax
        self.new_codes = set(tax.index)
        self.old_cache: dict[tuple[str, str], taxonomy.OldCodeMapping] = {}

    def name_arrays(self, codes: pd.Series) -> dict[str, pd.Series]:
        """major/mid/minor names of 2023 소분류 codes, taken from the 247-row table in Arrow (no Python loop)."""
        # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
        import pyarrow as pa
        import pyarrow.compute as pc

        if not hasattr(self, "_dicts"):
            self._dicts = {c: pa.array(self.tax[c].to_numpy(dtype=object), type=pa.string())
                           for c in ("major_name", "mid_name", "minor_name")}
        if not hasattr(self, "_codes_arrow"):
            self._codes_arrow = pa.array(self.tax.index.to_numpy(dtype=object), type=pa.string())
        idx = pc.index_in(pa.array(codes, from_pandas=True).cast(pa.string()), value_set=self._codes_arrow)
        return {c: pd.Series(pd.arrays.ArrowStringArray(pc.take(d, idx)), index=codes.index)
                for c, d in self._dicts.items()}

    def map_old(self, code: str, ksic: str) -> taxonomy.OldCodeMapping:
        key = (code, ksic[:1])
        m = self.old_cache.get(key)
        if m is None:
            m = taxonomy.map_old_code(code, ksic)
            self.old_cache[key] = m
        return m


_KEY_COLUMNS = ("store_id", "major_code", "mid_code", "minor_code", "ksic_code", "sido_code", "sigungu_code",
                "adm_dong_code", "legal_dong_code", "lon", "lat", "floor")


def _frame_from_records(rows: list[list[str]], header_index: list[int]) -> pd.DataFrame:
    """Records of the careful path → a frame with the normalised column names (all strings)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    names = list(OFFICIAL_COLUMNS.values())
    if not rows:
        return pd.DataFrame({n: pd.Series(dtype="str") for n in names})
    cols = list(zip(*rows, strict=True))
    table = pa.table({names[j]: pa.array(cols[header_index[j]], type=pa.string()) for j in range(N_COLUMNS)})
    return table.to_pandas(types_mapper=_str_mapper)


def _str_mapper(dtype):
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa

    if dtype in (pa.string(), pa.large_string()):
        return pd.StringDtype("pyarrow", na_value=np.nan)
    return None


def _to_float(col: pd.Series) -> np.ndarray:
    """Strings → float64; NaN where a value is empty or not a number (fast cast first, slow path on failure)."""
    # deferred: pyarrow (~0.4 s to import) is needed only for Parquet/Arrow I/O
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(pa.array(col, from_pandas=True), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, ValueError, TypeError):
        return pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _validate_chunk(
    df: pd.DataFrame,
    line_arr: np.ndarray,
    codebook: _CodeBook,
    seen_ids: set[str],
    facts: FileFacts,
    snapshot: str,
    dataset: str,
    check_replacement: bool = True,
) -> tuple[pd.DataFrame, list[RowError]]:
    """Validate and normalise a chunk (normalised column names, all strings); return good rows and rejections.

    ``check_replacement`` looks for U+FFFD left by a lenient decode; blocks parsed by pyarrow were decoded
    strictly (any bad byte sends the block to the careful path), so they skip that scan.
    """
    rejected: list[RowError] = []
    if len(df) == 0:
        return pd.DataFrame(columns=STORED_COLUMNS), rejected
    # Codes, IDs and coordinates are compared, so surrounding blanks must go; names and addresses are
    # kept exactly as published.
    df = df.copy()
    for c in _KEY_COLUMNS:
        df[c] = df[c].str.strip()
    line_arr = np.asarray(line_arr, dtype=np.int64)
    reason = np.full(len(df), None, dtype=object)
    value = np.full(len(df), None, dtype=object)

    def mark(mask: np.ndarray, text, val=None) -> None:
        new = mask & pd.isna(reason)
        if not new.any():
            return
        idx = np.flatnonzero(new)
        if callable(text):
            for i in idx:
                reason[i] = text(i)
                value[i] = val(i) if callable(val) else val
        else:
            reason[idx] = text
            if val is not None:
                value[idx] = val if not callable(val) else [val(i) for i in idx]

    # 2. undecodable characters
    joined_bad = np.zeros(len(df), dtype=bool)
    for c in () if not check_replacement else ("name", "sido_name", "sigungu_name", "adm_dong_name", "jibun_address", "road_address", "minor_name"):
        joined_bad |= df[c].str.contains("\ufffd", regex=False).to_numpy(dtype=bool, na_value=False)
    mark(joined_bad, "글자가 깨졌습니다(인코딩이 섞인 행). 원본 파일에서 이 행을 확인해 주세요")
    # 3. store id
    mark(df["store_id"].eq("").to_numpy(dtype=bool, na_value=True), "상가업소번호가 비어 있습니다")
    # 4. 업종 codes (object arrays only for the few rows that need a message or a crosswalk look-up)
    minor = df["minor_code"].str.upper()
    major = df["major_code"].str.upper()
    mid = df["mid_code"].str.upper()
    at = lambda col, i: str(col.iat[i])  # noqa: E731
    is_new = minor.isin(codebook.new_codes).to_numpy(dtype=bool)
    old_like = minor.str.match(r"^[A-Z]\d{2}[A-Z]\d{2}$").to_numpy(dtype=bool, na_value=False) & ~is_new
    mapped: dict[int, str] = {}
    for i in np.flatnonzero(old_like):
        m = codebook.map_old(at(minor, i), at(df["ksic_code"], i))
        if m.new_code is None:
            if reason[i] is None:
                reason[i] = f"{m.reason}"
                value[i] = at(minor, i)
        else:
            mapped[int(i)] = m.new_code
    unknown = ~is_new & ~old_like
    mark(unknown,
         lambda i: f"알 수 없는 업종 소분류코드 '{at(minor, i)}' (2023 코드도 구 코드도 아닙니다; 열이 밀렸을 수 있습니다)",
         lambda i: at(minor, i))
    bad_new = is_new & ((major.str[:2] != minor.str[:2]) | (mid.str[:4] != minor.str[:4]) | (major.str.len() != 2)).to_numpy(dtype=bool)
    bad_old = old_like & ((major != minor.str[:1]) | (mid != minor.str[:3])).to_numpy(dtype=bool)
    mark(bad_new | bad_old,
         lambda i: f"업종 대·중·소분류 코드가 서로 맞지 않습니다 ({at(major, i)} / {at(mid, i)} / {at(minor, i)}); 열이 밀렸을 수 있습니다",
         lambda i: f"{at(major, i)}/{at(mid, i)}/{at(minor, i)}")
    # 5. coordinates
    lon = _to_float(df["lon"])
    lat = _to_float(df["lat"])
    missing = np.isnan(lon) | np.isnan(lat)
    mark(missing, lambda i: "좌표(경도·위도)가 비어 있거나 숫자가 아닙니다",
         lambda i: f"경도={at(df['lon'], i)}, 위도={at(df['lat'], i)}")
    with np.errstate(invalid="ignore"):
        inside = (lon >= KOREA_LON[0]) & (lon <= KOREA_LON[1]) & (lat >= KOREA_LAT[0]) & (lat <= KOREA_LAT[1])
    mark(~missing & ~inside,
         lambda i: f"좌표가 대한민국 밖입니다 (경도 {lon[i]:g}, 위도 {lat[i]:g}; 허용 경도 {KOREA_LON[0]}–{KOREA_LON[1]}, 위도 {KOREA_LAT[0]}–{KOREA_LAT[1]})",
         lambda i: f"{lon[i]:g},{lat[i]:g}")
    # 6. duplicates (only rows that are otherwise good claim an ID); set look-ups in C, a Python loop only
    # over the duplicates themselves
    candidates = np.flatnonzero(pd.isna(reason))
    ids = df["store_id"].to_numpy(dtype=object)
    ids_c = ids[candidates]
    in_seen = np.fromiter((sid in seen_ids for sid in ids_c), dtype=bool, count=len(ids_c))
    dup_here = pd.Series(ids_c, dtype=object).duplicated().to_numpy()
    claim = ~in_seen & ~dup_here
    if (~claim).any():
        repeated = set(ids_c[dup_here])
        first_line = {ids[i]: int(line_arr[i]) for i in candidates[claim] if ids[i] in repeated}
        for i in candidates[~claim]:
            sid = ids[i]
            where = f" (먼저 나온 {first_line[sid]}행)" if sid in first_line else " (이미 저장된 행)"
            reason[i] = f"상가업소번호 '{sid}'가 중복됩니다{where}"
            value[i] = sid
    seen_ids.update(ids_c[claim])

    bad = ~pd.isna(reason)
    for i in np.flatnonzero(bad):
        rejected.append(RowError(int(line_arr[i]), str(reason[i]), None if value[i] is None else str(value[i])))
    good = ~bad
    out = df.loc[good].reset_index(drop=True)
    facts.old_code_rows += int((old_like & good).sum())
    facts.new_code_rows += int((is_new & good).sum())
    facts.pre2023_ids += int(out["store_id"].str.match(r"^\d+$").sum())
    if mapped:  # old codes: the crosswalk's 2023 code, the published one kept in source_minor_code
        codes_obj = minor.to_numpy(dtype=object).copy()
        for i, code in mapped.items():
            codes_obj[i] = code
        codes = pd.Series(codes_obj[good], dtype="str")
        out["source_minor_code"] = pd.Series(np.where(old_like, minor.to_numpy(dtype=object), "")[good], dtype="str")
    else:
        codes = minor[good].reset_index(drop=True)
        out["source_minor_code"] = ""
    out["minor_code"] = codes
    out["mid_code"] = codes.str[:4]
    out["major_code"] = codes.str[:2]
    for col, arr in codebook.name_arrays(codes).items():
        out[col] = arr
    out["lon"] = lon[good]
    out["lat"] = lat[good]
    x, y = to_xy(out["lon"].to_numpy(), out["lat"].to_numpy())
    out["x"] = np.asarray(x, dtype="float64")
    out["y"] = np.asarray(y, dtype="float64")
    _modernise_regions(out)
    # Rows made by moduai's generator (exported with `moduai commerce generate --format csv`) stay flagged
    # synthetic when imported back: their IDs start with SY and their names with "[합성]".
    synthetic = (out["store_id"].str.startswith("SY") & out["name"].str.startswith("[합성]")).to_numpy(dtype=bool)
    out["synthetic"] = synthetic
    out["snapshot"] = snapshot
    out["dataset"] = np.where(synthetic, "sangga-synthetic", dataset) if synthetic.any() else dataset
    facts.synthetic_rows += int(synthetic.sum())
    facts.sido_codes.update(out["sido_code"].unique().tolist())
    return out[STORED_COLUMNS], rejected


def _field_count_reason(n: int, width: int) -> str:
    if n == width - 1:
        return f"열이 하나 모자랍니다 ({n}개, {width}개여야 함): 필드 하나가 빠져 뒤의 열이 밀렸습니다"
    if n < width:
        return f"행이 중간에 잘렸습니다: 열이 {n}개뿐입니다 ({width}개여야 함)"
    return f"열이 {n}개로 많습니다 ({width}개여야 함): 따옴표가 깨졌거나 쉼표가 더 들어가 열이 밀렸습니다"


BLOCK_BYTES = 8 << 20


def _byte_blocks(path: Path, start: int, block_bytes: int) -> Iterator[tuple[int, bytes]]:
    """(first line number, bytes) blocks cut at line ends, from byte offset ``start`` (just after the header)."""
    with open(path, "rb") as f:
        f.seek(start)
        line, carry = 2, b""
        while True:
            data = f.read(block_bytes)
            if not data:
                if carry:
                    yield line, carry
                return
            data = carry + data
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            block, carry = data[: cut + 1], data[cut + 1:]
            yield line, block
            line += block.count(b"\n")


def _fast_block(block: bytes, header: list[str], encoding: str):
    """Parse a block with pyarrow (C++, all strings); None when the block needs the careful path.

    The careful path takes over whenever anything is unusual: a row with the wrong field count, a quote
    that swallows line ends, blank lines, undecodable bytes — so line numbers and reasons stay exact.
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
            pa.BufferReader(block),
            read_options=pacsv.ReadOptions(column_names=header, encoding=encoding, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, invalid_row_handler=handler,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None
    if invalid or table.num_rows != n_lines:
        return None
    names = list(OFFICIAL_COLUMNS.values())
    cols = {names[j]: table.column(c) for j, c in enumerate(OFFICIAL_COLUMNS)}
    if any(c.null_count for c in cols.values()):
        return None
    return pa.table(cols).to_pandas(types_mapper=_str_mapper)


def _careful_block(text: str, first_line: int, width: int) -> Iterator[tuple[int, list[str]]]:
    """Records of a decoded block with exact physical line numbers (see :func:`_records`)."""
    for line, fields in _records(io.StringIO(text, newline=""), width):
        yield first_line + line - 1, fields


def iter_sangga_chunks(
    path: Path,
    *,
    snapshot: str,
    dataset: str = IMPORTED_DATASET,
    seen_ids: set[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    sha256: str | None = None,
    block_bytes: int = BLOCK_BYTES,
    on_bytes: Callable[[int], None] | None = None,
) -> tuple[FileFacts, Iterator[tuple[pd.DataFrame, list[RowError]]]]:
    """Parse one published file lazily: (facts, iterator of (good rows frame, rejected rows)) per block.

    The header is checked before the iterator is returned, so an unreadable file raises
    :class:`ImportRejected` here, not half-way through. Blocks of ~32 MB are parsed by pyarrow when
    clean and by the line-exact Python csv path otherwise.
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
    seen = seen_ids if seen_ids is not None else set()
    start = len(header_bytes) + 1 if end >= 0 else len(head)

    def finish(frame: pd.DataFrame, lines: np.ndarray, early: list[RowError], careful: bool = True):
        good, rej = _validate_chunk(frame, lines, codebook, seen, facts, snapshot, dataset, careful)
        rej = sorted(early + rej, key=lambda r: r.line)
        facts.rows_ok += len(good)
        facts.rows_rejected += len(rej)
        return good, rej

    def parsed_blocks() -> Iterator[tuple[int, bytes, pd.DataFrame | None]]:
        # pyarrow parses the next block in a worker thread (it releases the GIL) while this thread
        # validates the current one.

        blocks = _byte_blocks(path, start, block_bytes)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sangga-parse") as pool:
            nxt = next(blocks, None)
            fut = pool.submit(_fast_block, nxt[1], header, arrow_encoding) if nxt else None
            while nxt is not None:
                first_line, block = nxt
                fast = fut.result()
                nxt = next(blocks, None)
                fut = pool.submit(_fast_block, nxt[1], header, arrow_encoding) if nxt else None
                yield first_line, block, fast

    def chunks() -> Iterator[tuple[pd.DataFrame, list[RowError]]]:
        for first_line, block, fast in parsed_blocks():
            if on_bytes is not None:
                on_bytes(len(block))
            if fast is not None:
                yield finish(fast, np.arange(first_line, first_line + len(fast)), [], careful=False)
                continue
            text = block.decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace")
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
                    yield finish(_frame_from_records(rows, header_index), np.asarray(lines), early)
                    rows, lines, early = [], [], []
            yield finish(_frame_from_records(rows, header_index), np.asarray(lines), early)

    return facts, chunks()


def read_sangga_frame(
    path: str | Path, *, snapshot: str, dataset: str = IMPORTED_DATASET
) -> tuple[pd.DataFrame, list[RowError], FileFacts]:
    """Parse a whole published file into memory: (good rows with STORED_COLUMNS, rejected rows, facts)."""
    facts, chunks = iter_sangga_chunks(Path(path), snapshot=snapshot, dataset=dataset)
    frames, rejected = [], []
    for frame, rej in chunks:
        frames.append(frame)
        rejected.extend(rej)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=STORED_COLUMNS)
    return frame, rejected, facts
