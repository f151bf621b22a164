"""Reading a logger or PLC export (CSV/XLSX) into a time-indexed table of sensors, and profiling it.

What a real export brings, and what happens to it (each step leaves a Korean note in the profile):

- encodings UTF-8 (with or without BOM) or CP949; delimiters ``,`` ``;`` tab; XLSX via openpyxl;
- the time column is found by name (time, date, 일시, 시각 …) or by content, and read in any of:
  ISO 8601 (with ``T``, ``Z`` or ``+09:00``, converted to KST), ``2024.05.04 13:20``, ``5/4/20 0:00``
  (month first unless a first field is above 12), ``2024년 5월 4일 13시 20분``, ``2024-05-04 오후 1:20:00``,
  a trailing ``KST``, Excel serial days (``45123.5``) and Unix seconds.  A file may mix them;
- a unit row under the header (``°C``, ``%``, ``ppm`` …) is taken as units and skipped;
- numbers with thousands separators, decimal commas (``;`` files), units in the cell (``23.5℃``);
- rows out of time order are sorted (and the note says how many were out of order); exact duplicate rows
  are dropped; several rows at one time are averaged, unless the file is event data (many rows per time
  stamp on average (≥ 1.5 rows per time), like press strokes, which keeps every row in order;
- a time cell that cannot be read: up to 1 % of rows are dropped and named; more refuses the file with
  every row named (:class:`~moduai.errors.ImportRejected`); sensors more than 60 % empty are left out.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from moduai.errors import ImportRejected, InputError, RowError
from moduai.fieldai.names import ColumnName, normalise_unit, read_header
from moduai.korean import josa

MAX_BYTES = 200 * 1024 * 1024  # the CLI reads local files; the web upload limit is lower (web.routes.fieldai)
MAX_EMPTY_SHARE = 0.6
MAX_BAD_TIME_SHARE = 0.01
_TIME_WORDS = ("time", "date", "timestamp", "datetime", "일시", "시각", "시간", "날짜", "일자", "측정시간", "수집시간")
_ID_WORDS = {"id", "_id", "no", "index", "idx", "번호", "순번", "seq", "unnamed: 0"}
_LABEL_WORDS = {"passorfail", "pass_fail", "passfail", "label", "defect", "불량", "양불", "판정", "ok_ng", "result"}
_MISSING = {"", "-", "--", "na", "n/a", "nan", "null", "none", "#n/a", "결측", "nat", "?"}
_DEFECT_VALUES = {"1": 1, "0": 0, "fail": 1, "pass": 0, "ng": 1, "ok": 0, "불량": 1, "양품": 0, "true": 1, "false": 0,
                  "1.0": 1, "0.0": 0}


@dataclass
class Gap:
    start: str
    end: str
    minutes: float


@dataclass
class StuckRun:
    """A run of one repeated value long enough to suspect a stuck sensor."""

    sensor: str
    start: str
    end: str
    points: int
    value: float
    hours: float | None
    first_row: int = 0
    last_row: int = 0


@dataclass
class SensorProfile:
    name: str
    label: str
    unit: str
    unit_guessed: bool
    role: str | None
    count: int
    missing: int
    missing_share: float
    min: float | None
    max: float | None
    mean: float | None
    median: float | None
    p01: float | None
    p99: float | None
    constant_share: float
    stuck_runs: list[StuckRun] = field(default_factory=list)


@dataclass
class FieldProfile:
    """What a file holds: time range, interval, gaps, duplicates, and per sensor range, missing share, stuck runs."""

    file: str
    rows_read: int
    rows_used: int
    time_column: str
    time_formats: dict[str, int]
    start: str
    end: str
    interval_seconds: float | None
    interval_label: str
    event_data: bool
    gaps: list[Gap]
    gap_count: int
    duplicates_dropped: int
    times_averaged: int
    out_of_order: int
    sensors: list[SensorProfile]
    excluded: dict[str, str]
    category_columns: list[str]
    label_column: str | None
    label_counts: dict[str, int] | None
    notes: list[str]
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)


@dataclass
class FieldData:
    """The cleaned table (DatetimeIndex, one float column per sensor) and how it was read."""

    frame: pd.DataFrame
    columns: dict[str, ColumnName]
    file: str
    rows_read: int
    time_column: str
    time_formats: dict[str, int]
    event_data: bool
    interval_seconds: float | None
    duplicates_dropped: int = 0
    times_averaged: int = 0
    out_of_order: int = 0
    excluded: dict[str, str] = field(default_factory=dict)
    category_columns: list[str] = field(default_factory=list)
    labels: pd.Series | None = None
    label_column: str | None = None
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)

    @property
    def sensors(self) -> list[str]:
        return list(self.frame.columns)

    def label(self, sensor: str) -> str:
        return self.columns[sensor].label

    def unit(self, sensor: str) -> str:
        return self.columns[sensor].unit


# ------------------------------------------------------------------------------------ reading files
def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("파일 인코딩을 읽을 수 없습니다. UTF-8 또는 CP949(EUC-KR)로 저장한 CSV를 올려 주세요.", field="file")


def _read_table(raw: bytes, filename: str) -> tuple[pd.DataFrame, str]:
    """Read the file as text cells (header kept as read); returns (table, delimiter)."""
    if len(raw) > MAX_BYTES:
        raise InputError(f"파일이 너무 큽니다({len(raw) / 1e6:.1f} MB). {MAX_BYTES // 1024 // 1024} MB 이하로 나눠 올려 주세요.",
                         field="file")
    if not raw.strip():
        raise InputError("빈 파일입니다. 첫 줄에 열 이름, 그 아래에 측정값이 있는 CSV 또는 XLSX를 올려 주세요.", field="file")
    if filename.lower().endswith((".xlsx", ".xlsm")) or raw[:2] == b"PK":
        try:
            df = pd.read_excel(io.BytesIO(raw), dtype=object, engine="openpyxl")
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a broken workbook
            raise InputError("XLSX 파일을 열 수 없습니다. 엑셀에서 다시 저장하거나 CSV로 내보내 올려 주세요.",
                             field="file", detail=str(exc)) from None
        df.columns = [str(c) for c in df.columns]
        return df.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)), ","
    text = _decode(raw)
    sample = text[:20000]
    try:
        delim = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t").delimiter
    except csv.Error:
        delim = ","
    try:
        # the C parser types plain numeric columns itself (fast on a million rows); everything else stays
        # text and goes through the checks below
        df = pd.read_csv(io.StringIO(text), sep=delim, keep_default_na=False, na_values=sorted(_MISSING - {""}) + [""],
                         skipinitialspace=True, engine="c", low_memory=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f"{m.group(1)}행에서 " if m else ""
        raise InputError(f"{where}열 개수가 머리글과 다릅니다. 구분자(쉼표)와 따옴표를 확인해 주세요.", field="file",
                         detail=str(exc)) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df, delim


# ------------------------------------------------------------------------------------ time parsing
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_ISO_TZ = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$")
_YMD_OTHER = re.compile(r"^\d{4}[./]\d{1,2}[./]\d{1,2}\.?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_KOREAN = re.compile(r"^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s*(?:(오전|오후)\s*)?(?:(\d{1,2})시\s*)?(?:(\d{1,2})분\s*)?"
                     r"(?:(\d{1,2})초)?$")
_AMPM = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?\s*(오전|오후|AM|PM|am|pm)\s*(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")

TIME_FORMAT_LABELS = {
    "iso": "ISO (2024-05-04 13:20:00)", "iso_tz": "ISO + 시간대 (KST로 변환)", "ymd": "2024.05.04 13:20",
    "mdy": "월/일/연 (5/4/20 0:00)", "dmy": "일/월/연 (24/5/20 0:00)", "korean": "2024년 5월 4일 13시 20분",
    "ampm": "오전/오후 (2024-05-04 오후 1:20)", "excel": "엑셀 일련번호", "unix": "유닉스 초",
}


def _assemble(y, mo, d, h, mi, s) -> pd.Series:
    frame = pd.DataFrame({"year": y, "month": mo, "day": d, "hour": h, "minute": mi, "second": s}).astype(float)
    return pd.to_datetime(frame.fillna({"hour": 0, "minute": 0, "second": 0}), errors="coerce")


def _parse_iso(s: pd.Series) -> pd.Series:
    m = s.str.match(_ISO)
    return pd.to_datetime(s.where(m), format="ISO8601", errors="coerce")


def _parse_iso_tz(s: pd.Series) -> pd.Series:
    m = s.str.match(_ISO_TZ)
    if not m.any():
        return pd.Series(pd.NaT, index=s.index)
    t = pd.to_datetime(s.where(m), format="ISO8601", errors="coerce", utc=True)
    return t.dt.tz_convert("Asia/Seoul").dt.tz_localize(None)


def _parse_ymd(s: pd.Series) -> pd.Series:
    m = s.str.match(_YMD_OTHER)
    if not m.any():
        return pd.Series(pd.NaT, index=s.index)
    t = s.where(m).str.replace(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})\.?", r"\1-\2-\3", regex=True)
    return pd.to_datetime(t, format="ISO8601", errors="coerce")


def _slash_parts(s: pd.Series) -> pd.DataFrame:
    p = s.str.extract(_SLASH).astype(float)
    year = p[2].where(p[2] >= 100, p[2] + 2000)
    p[2] = year
    return p


def _parse_mdy(s: pd.Series, dayfirst: bool) -> pd.Series:
    p = _slash_parts(s)
    mo, d = (p[1], p[0]) if dayfirst else (p[0], p[1])
    ok = p[0].notna()
    out = _assemble(p[2], mo, d, p[3], p[4], p[5])
    return out.where(ok)


def _parse_korean(s: pd.Series) -> pd.Series:
    p = s.str.extract(_KOREAN)
    if p[0].isna().all():
        return pd.Series(pd.NaT, index=s.index)
    h = p[4].astype(float)
    pm = p[3] == "오후"
    h = h.where(~(pm & (h < 12)), h + 12).where(~((p[3] == "오전") & (h == 12)), 0)
    return _assemble(p[0], p[1], p[2], h, p[5], p[6])


def _parse_ampm(s: pd.Series) -> pd.Series:
    p = s.str.extract(_AMPM)
    if p[0].isna().all():
        return pd.Series(pd.NaT, index=s.index)
    h = p[4].astype(float)
    pm = p[3].isin(["오후", "PM", "pm"])
    am = p[3].isin(["오전", "AM", "am"])
    h = h.where(~(pm & (h < 12)), h + 12).where(~(am & (h == 12)), 0)
    return _assemble(p[0], p[1], p[2], h, p[5], p[6])


def _parse_number(s: pd.Series, kind: str) -> pd.Series:
    m = s.str.match(_NUMBER)
    v = pd.to_numeric(s.where(m), errors="coerce")
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if kind == "excel":
        ok = (v > 20000) & (v < 80000)
    else:
        ok = (v > 9e8) & (v < 4e9)
    if not ok.any():
        return out
    # only the numbers in range go to pandas: its float → datetime cast turns NaN into an undefined integer
    # under np.errstate(over="raise"), which now and then raised FloatingPointError on rows that held no number
    if kind == "excel":
        out[ok] = pd.to_datetime(v[ok], unit="D", origin="1899-12-30", errors="coerce").dt.round("s")
    else:
        out[ok] = (pd.to_datetime(v[ok], unit="s", errors="coerce", utc=True).dt.tz_convert("Asia/Seoul")
                   .dt.tz_localize(None))
    return out


def parse_times(values: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Read timestamps in every format above, row by row; returns (times, {format: rows}).

    Each distinct text is parsed once (loggers and PLCs repeat time stamps).

    >>> t, used = parse_times(pd.Series(["5/4/20 0:00", "2020-05-04 01:00", "2020년 5월 4일 2시"]))
    >>> [str(x) for x in t], sorted(used)
    (['2020-05-04 00:00:00', '2020-05-04 01:00:00', '2020-05-04 02:00:00'], ['iso', 'korean', 'mdy'])
    """
    codes, uniques = pd.factorize(values.astype(str), sort=False)
    times_u, fmt_u = _parse_distinct(pd.Series(uniques, dtype=object))
    times = pd.Series(times_u.to_numpy()[codes], index=values.index)
    fmts = pd.Series(fmt_u[codes]).value_counts()
    used = {k: int(fmts[k]) for k in _PARSER_ORDER if k in fmts.index}
    return times, used


_PARSER_ORDER = ("iso", "iso_tz", "ymd", "mdy", "dmy", "korean", "ampm", "excel", "unix")


_FAST_ISO = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


def _parse_distinct(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    fmt = np.full(len(raw), "", dtype=object)
    for f in _FAST_ISO:  # exact formats parse in C; a million ISO stamps take well under a second
        t = pd.to_datetime(raw, format=f, errors="coerce")
        ok = t.notna().to_numpy()
        if ok.mean() > 0.5:
            out[ok] = t[ok]
            fmt[ok] = "iso"
            if ok.all():
                return out, fmt
            break
    todo = out.isna()
    s = raw.str.strip().str.replace(r"\s*KST$", "", regex=True)
    remaining = ~s.str.lower().isin(_MISSING) & todo
    slash = s[remaining].str.extract(_SLASH)
    dayfirst = bool((slash[0].astype(float) > 12).any()) if not slash.empty else False
    parsers = [("iso", _parse_iso), ("iso_tz", _parse_iso_tz), ("ymd", _parse_ymd),
               ("dmy" if dayfirst else "mdy", lambda x: _parse_mdy(x, dayfirst)), ("korean", _parse_korean),
               ("ampm", _parse_ampm), ("excel", lambda x: _parse_number(x, "excel")),
               ("unix", lambda x: _parse_number(x, "unix"))]
    for name, fn in parsers:
        if not remaining.any():
            break
        sub = s[remaining]
        parsed = fn(sub)
        ok = parsed.notna()
        if ok.any():
            idx = ok.index[ok.to_numpy()]
            out.loc[idx] = parsed[ok].astype("datetime64[ns]")
            fmt[idx] = name
            remaining.loc[idx] = False
    return out, fmt


def _find_time_column(df: pd.DataFrame) -> str:
    names = list(df.columns)
    by_name = [c for c in names if any(w in c.lower().replace(" ", "") for w in _TIME_WORDS)
               and not any(x in c.lower() for x in ("cycle", "filling", "injection", "plasticizing", "clamp", "press_time"))]
    head = df.head(300)
    scored = []
    for c in by_name + [c for c in names if c not in by_name]:
        col = head[c].astype(str)
        col = col[~col.str.strip().str.lower().isin(_MISSING)]
        if col.empty:
            continue
        numeric_only = col.str.strip().str.match(_NUMBER).all()
        if numeric_only and c not in by_name:
            continue  # a numeric column is a time column only when its name says so
        t, _ = parse_times(col)
        share = t.notna().mean()
        if share >= 0.5:
            scored.append((c in by_name, share, -names.index(c), c))
    if not scored:
        raise InputError(
            "시간 열을 찾지 못했습니다. 측정 시각이 든 열(예: '일시', '측정시간')에 '2024-05-04 13:20' 같은 날짜·시각을 "
            f"넣어 주세요. 읽은 열: {', '.join(names[:12])}.", field="time_column")
    scored.sort(reverse=True)
    return scored[0][3]


# -------------------------------------------------------------------------------- numeric columns
def _to_number(col: pd.Series, decimal_comma: bool) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers from text cells; returns (values, cells not empty but not numbers, empty cells).

    The C parser takes the plain cells; only the rest (units in the cell, thousands separators, decimal
    commas, missing-value words) go through the slower string path.
    """
    v = pd.to_numeric(col, errors="coerce").astype(float)
    empty = pd.Series(False, index=col.index)
    bad = pd.Series(False, index=col.index)
    nan = v.isna().to_numpy()
    if nan.any():
        sub = col[nan].astype(str).str.strip()
        miss = sub.str.lower().isin(_MISSING)
        empty.loc[miss.index[miss.to_numpy()]] = True
        t = sub[~miss]
        if len(t):
            if decimal_comma:
                t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            else:
                t = t.str.replace(r"(?<=\d),(?=\d{3}(?:\D|$))", "", regex=True)
            t = t.str.extract(r"^\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*[^\d\s]{0,8}\s*$")[0]
            fixed = pd.to_numeric(t, errors="coerce")
            v.loc[fixed.index] = fixed.astype(float)
            still = fixed.isna()
            bad.loc[still.index[still.to_numpy()]] = True
    return v, bad, empty


def _unit_row(df: pd.DataFrame, time_col: str) -> dict[str, str] | None:
    """The first row holds units (°C, %, ppm …) rather than values: return {column: unit}."""
    if len(df) < 3:
        return None
    first = df.iloc[0]
    units, others = {}, 0
    for c in df.columns:
        if c == time_col:
            continue
        cell = str(first[c]).strip()
        if not cell:
            continue
        if normalise_unit(cell.strip("[]()")):
            units[c] = normalise_unit(cell.strip("[]()"))
        elif not _NUMBER.match(cell.lstrip("-")):
            others += 1
        else:
            return None
    return units if units and len(units) >= others else None


def _interval_label(seconds: float | None) -> str:
    if seconds is None or not np.isfinite(seconds):
        return "일정하지 않음"
    s = int(round(seconds))
    if s % 86400 == 0:
        return f"{s // 86400}일"
    if s % 3600 == 0:
        return f"{s // 3600}시간"
    if s % 60 == 0:
        return f"{s // 60}분"
    if s > 60:
        return f"{s // 60}분 {s % 60}초"
    return f"{s}초"


def _fmt_time(t) -> str:
    return pd.Timestamp(t).strftime("%Y-%m-%d %H:%M")


def read_field_file(source: str | Path | bytes, filename: str | None = None) -> FieldData:
    """Read a CSV/XLSX logger export into :class:`FieldData` (see the module text for what is handled).

    Raises :class:`InputError` for a file that cannot be read at all (no time column, bad encoding) and
    :class:`ImportRejected` naming every row whose time cannot be read when there are too many of them.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise InputError(f"파일을 찾을 수 없습니다: {path}. 경로를 확인해 주세요.", field="file")
        raw, filename = path.read_bytes(), filename or path.name
    else:
        raw = source
    filename = filename or "upload.csv"
    df, delim = _read_table(raw, filename)
    if df.shape[1] < 2:
        raise InputError("열이 하나뿐입니다. 시간 열과 측정값 열이 쉼표(,)로 구분된 CSV인지 확인해 주세요.", field="file")
    rows_read = len(df)
    notes: list[str] = []
    time_col = _find_time_column(df)
    first_line = 2
    units = _unit_row(df, time_col)
    if units:
        df = df.iloc[1:]
        first_line = 3
        notes.append(f"머리글 아래 2행을 단위 행으로 읽었습니다({', '.join(f'{c}: {u}' for c, u in list(units.items())[:6])}).")
    lines = np.arange(len(df)) + first_line
    df = df.reset_index(drop=True)

    times, formats = parse_times(df[time_col])
    bad_time = times.isna().to_numpy()
    if bad_time.any():
        bad_rows = [RowError(int(lines[i]), f"'{time_col}' 열의 시각을 읽을 수 없습니다", str(df[time_col].iloc[i]))
                    for i in np.flatnonzero(bad_time)[:200]]
        share = bad_time.mean()
        if share > MAX_BAD_TIME_SHARE:
            raise ImportRejected(
                f"{josa(repr(time_col).replace(chr(39), ''), '은/는')} 시간 열인데 {bad_time.sum():,}행({share:.1%})의 시각을 "
                f"읽을 수 없어 파일을 받지 않았습니다. 첫 문제: {bad_rows[0].line}행 '{bad_rows[0].value}'. "
                "'2024-05-04 13:20' 같은 형식으로 고쳐 주세요.", bad_rows)
        notes.append(f"시각을 읽을 수 없는 {bad_time.sum()}행을 뺐습니다: "
                     + ", ".join(f"{r.line}행 '{r.value}'" for r in bad_rows[:5]) + ("…" if len(bad_rows) > 5 else ""))
    if len(formats) > 1:
        notes.append("날짜 형식이 섞여 있어 모두 읽었습니다: "
                     + ", ".join(f"{TIME_FORMAT_LABELS[k]} {v:,}행" for k, v in formats.items()) + ".")
    if "iso_tz" in formats:
        notes.append("시간대가 붙은 시각(Z, +09:00 등)은 한국 표준시(KST)로 바꿨습니다.")

    # columns: label, ids, categories, sensors
    decimal_comma = delim == ";"
    columns: dict[str, ColumnName] = {}
    values: dict[str, np.ndarray] = {}
    excluded: dict[str, str] = {}
    categories: list[str] = []
    label_col, labels = None, None
    bad_cells: list[str] = []
    synthetic = False
    keep = ~bad_time
    for c in df.columns:
        if c == time_col:
            continue
        low = c.lower().strip()
        if low in _LABEL_WORDS or low.replace(" ", "") in _LABEL_WORDS:
            mapped = df[c].astype(str).str.strip().str.lower().map(_DEFECT_VALUES)
            if mapped.notna().mean() > 0.95:
                label_col, labels = c, mapped
                continue
        v, bad, empty = _to_number(df[c], decimal_comma)
        filled = int((~empty).sum())
        if filled == 0:
            excluded[c] = "값이 하나도 없음"
            continue
        if (v.notna().sum() / filled) < 0.6:
            categories.append(c)
            if df[c].astype(str).str.strip().isin(["합성", "예시"]).all():
                synthetic = True
            continue
        if low in _ID_WORDS or (len(v) > 10 and v.notna().all() and bool((v.diff().iloc[1:] == 1).all())):  # a row counter
            excluded[c] = "행 번호(식별자) 열"
            continue
        if bad.any():
            idx = np.flatnonzero(bad.to_numpy())
            bad_cells.append(f"'{c}' 열 {len(idx)}칸(예: {lines[idx[0]]}행 '{df[c].iloc[idx[0]]}')")
        columns[c] = read_header(c, units.get(c) if units else None)
        values[c] = v.to_numpy()
    if bad_cells:
        notes.append("숫자가 아닌 값을 빈 값으로 두었습니다: " + "; ".join(bad_cells[:6]) + ".")
    if not values:
        raise InputError("측정값(숫자) 열을 찾지 못했습니다. 시간 열 말고 숫자가 든 열이 한 개 이상 있어야 합니다.", field="file")

    frame = pd.DataFrame(values, index=times)
    frame["__line"] = lines
    if labels is not None:
        frame["__label"] = labels.to_numpy()
    frame = frame[keep]
    frame.index.name = "time"

    # order, duplicates, event data
    t = frame.index.to_numpy()
    out_of_order = int((np.diff(t.astype("int64")) < 0).sum()) if len(t) > 1 else 0
    if out_of_order:
        frame = frame.iloc[np.argsort(t, kind="stable")]
        notes.append(f"행이 시간순이 아니어서({out_of_order:,}곳에서 시각이 거꾸로 감) 시각 순으로 정렬했습니다.")
    sensor_cols = list(values)
    dup_exact = frame.reset_index().duplicated(subset=["time", *sensor_cols]).to_numpy()
    same_time = frame.index.duplicated(keep=False)
    # event data (shots, strokes): on average ≥ 1.5 rows per distinct time stamp
    event_data = bool(len(frame) >= 1.5 * max(frame.index.nunique(), 1))
    dropped = 0
    averaged = 0
    if event_data:
        notes.append(f"같은 시각에 여러 행이 있는 사건 단위 자료입니다(시각이 겹치는 행 {same_time.mean():.0%}). "
                     "행 순서를 유지하고, 시간대별 기준선 대신 앞뒤 행 기준으로 봅니다.")
    else:
        if dup_exact.any():
            dropped = int(dup_exact.sum())
            frame = frame[~dup_exact]
            notes.append(f"완전히 같은 행 {dropped:,}개를 한 번만 남겼습니다.")
        if frame.index.duplicated().any():
            averaged = int(frame.index.duplicated().sum())
            agg = {c: "mean" for c in sensor_cols}
            agg["__line"] = "first"
            if "__label" in frame:
                agg["__label"] = "max"
            frame = frame.groupby(level=0, sort=True).agg(agg)
            notes.append(f"같은 시각의 서로 다른 행 {averaged:,}개를 평균했습니다.")

    # missing share per sensor
    for c in list(sensor_cols):
        share = float(frame[c].isna().mean())
        if share > MAX_EMPTY_SHARE:
            excluded[c] = f"{share:.0%}가 비어 있어 분석에서 뺌"
            sensor_cols.remove(c)
            columns.pop(c)
        elif share >= 0.05:
            notes.append(f"{josa(columns[c].label, '은/는')} {share:.0%}가 비어 있습니다. 값이 있는 시각만 씁니다.")
    if not sensor_cols:
        raise InputError("모든 측정값 열이 60 % 넘게 비어 있어 분석할 수 없습니다. 빈 칸이 적은 구간을 골라 올려 주세요.",
                         field="file")
    interval = None
    if not event_data and len(frame) > 2:
        d = np.diff(frame.index.to_numpy().astype("int64")) / 1e9
        d = d[d > 0]
        if len(d):
            vals, counts = np.unique(np.round(d), return_counts=True)
            interval = float(vals[np.argmax(counts)])
    result = FieldData(frame=frame[sensor_cols], columns=columns, file=filename, rows_read=rows_read,
                       time_column=time_col, time_formats=formats, event_data=event_data, interval_seconds=interval,
                       duplicates_dropped=dropped, times_averaged=averaged, out_of_order=out_of_order,
                       excluded=excluded, category_columns=categories, notes=notes,
                       label_column=label_col, synthetic=synthetic)
    if synthetic:
        result.sources = ["fieldai-greenhouse-synthetic"]
        result.notes.insert(0, "합성 자료입니다('구분' 열이 모두 '합성'): 실제 측정값이 아닙니다.")
    result.frame.attrs["lines"] = frame["__line"].to_numpy()
    if "__label" in frame:
        result.labels = frame["__label"]
    return result


# ---------------------------------------------------------------------------------------- profile
def stuck_runs(data: FieldData, sensor: str, *, min_points: int = 12, min_hours: float = 1.0) -> list[StuckRun]:
    """Runs where a sensor repeats one value for ≥ ``min_points`` samples and ≥ ``min_hours`` (time data).

    Sensors that sit on one value most of the time (set points, counters: ≥ 50 % of steps unchanged) are
    skipped: for them a flat run is normal.
    """
    v = data.frame[sensor].to_numpy()
    ok = ~np.isnan(v)
    if ok.sum() < min_points * 2:
        return []
    same = np.zeros(len(v), dtype=bool)
    same[1:] = (v[1:] == v[:-1]) & ok[1:] & ok[:-1]
    if same[ok].mean() >= 0.5:
        return []
    # run boundaries: a run starts where same is False
    starts = np.flatnonzero(~same)
    ends = np.append(starts[1:], len(v)) - 1
    lengths = ends - starts + 1
    idx = data.frame.index
    out = []
    for s, e, n in zip(starts[lengths >= min_points], ends[lengths >= min_points], lengths[lengths >= min_points]):
        if not ok[s]:
            continue
        hours = None if data.event_data else (idx[e] - idx[s]).total_seconds() / 3600
        if hours is not None and hours < min_hours:
            continue
        out.append(StuckRun(sensor, _fmt_time(idx[s]), _fmt_time(idx[e]), int(n), float(v[s]),
                            None if hours is None else round(hours, 2), int(s) + 1, int(e) + 1))
    return out


def profile(data: FieldData) -> FieldProfile:
    """Per sensor range, missing share, constant share and stuck runs; for the file interval and gaps."""
    f = data.frame
    sensors = []
    for c in f.columns:
        v = f[c].to_numpy()
        ok = v[~np.isnan(v)]
        name = data.columns[c]
        q = np.percentile(ok, [1, 50, 99]) if len(ok) else [None] * 3
        const = float(np.mean(ok[1:] == ok[:-1])) if len(ok) > 1 else 1.0
        sensors.append(SensorProfile(
            c, name.label, name.unit, name.unit_guessed, name.role, int(len(ok)), int(len(v) - len(ok)),
            round(float(1 - len(ok) / max(len(v), 1)), 4),
            float(ok.min()) if len(ok) else None, float(ok.max()) if len(ok) else None,
            float(ok.mean()) if len(ok) else None, float(q[1]) if len(ok) else None,
            float(q[0]) if len(ok) else None, float(q[2]) if len(ok) else None, round(const, 4),
            stuck_runs(data, c)))
    gaps: list[Gap] = []
    gap_count = 0
    notes = list(data.notes)
    if data.interval_seconds and len(f) > 2:
        t = f.index.to_numpy().astype("int64") / 1e9
        d = np.diff(t)
        big = np.flatnonzero(d > 2 * data.interval_seconds)
        gap_count = len(big)
        for i in big[np.argsort(-d[big])][:10]:
            gaps.append(Gap(_fmt_time(f.index[i]), _fmt_time(f.index[i + 1]), round(d[i] / 60, 1)))
        if gap_count:
            notes.append(f"측정 간격({_interval_label(data.interval_seconds)})의 2배 넘게 빈 구간이 {gap_count}곳 있습니다.")
    n_stuck = sum(len(s.stuck_runs) for s in sensors)
    if n_stuck:
        names = sorted({s.label for s in sensors if s.stuck_runs})
        notes.append(f"같은 값이 1시간 넘게 이어진 구간이 {n_stuck}곳 있습니다(센서 고착 의심: {', '.join(names[:5])}).")
    label_counts = None
    if data.labels is not None:
        vc = data.labels.value_counts()
        label_counts = {"양품": int(vc.get(0, 0)), "불량": int(vc.get(1, 0))}
    return FieldProfile(
        file=data.file, rows_read=data.rows_read, rows_used=len(f), time_column=data.time_column,
        time_formats={TIME_FORMAT_LABELS[k]: v for k, v in data.time_formats.items()},
        start=_fmt_time(f.index[0]), end=_fmt_time(f.index[-1]), interval_seconds=data.interval_seconds,
        interval_label=_interval_label(data.interval_seconds) if not data.event_data else "사건 단위(행마다)",
        event_data=data.event_data, gaps=gaps, gap_count=gap_count, duplicates_dropped=data.duplicates_dropped,
        times_averaged=data.times_averaged, out_of_order=data.out_of_order, sensors=sensors,
        excluded=data.excluded, category_columns=data.category_columns, label_column=data.label_column,
        label_counts=label_counts, notes=notes, synthetic=data.synthetic, sources=list(data.sources))


def profile_file(source: str | Path | bytes, filename: str | None = None) -> FieldProfile:
    """Read and profile a file in one call (the CLI ``profile`` command and the upload page)."""
    return profile(read_field_file(source, filename))
