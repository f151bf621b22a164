"""Reading owners' CSV files: encoding (UTF-8, UTF-8 with BOM, CP949), Korean/English headers, row checks.

Excel workbooks (.xlsx, first sheet) are read too, with Excel's row numbers.

Every problem becomes a :class:`~moduai.errors.RowError` with the file's line number (the header is
line 1) and a Korean reason; a file with any problem is refused as a whole (:class:`ImportRejected`),
so nothing is half-imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field

from moduai.errors import ImportRejected, RowError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_ERRORS_LISTED = 200


@dataclass
class CsvTable:
    """Decoded rows keyed by canonical column names, with their line numbers."""

    columns: list[str]  # canonical names found
    rows: list[tuple[int, dict[str, str]]]
    encoding: str
    sha256: str
    source_name: str
    # Rows identical in every column to an earlier row of the same file: (line, line of the first copy).
    # They are left out of ``rows`` (an export pasted twice would double every total) and reported.
    duplicates: list[tuple[int, int]] = field(default_factory=list)


def decode_bytes(data: bytes, source_name: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not) first, then CP949 (엑셀 '다른 이름으로 저장' 기본값)."""
    if len(data) > MAX_BYTES:
        raise ImportRejected(f"{source_name}: 파일이 너무 큽니다 ({len(data) / 1e6:.1f} MB). 20 MB 이하로 나눠 주세요.")
    if not data.strip():
        raise ImportRejected(f"{source_name}: 빈 파일입니다. 머리글(열 이름)과 자료가 있는 CSV를 올려 주세요.")
    for enc, label in (("utf-8-sig", "UTF-8"), ("cp949", "CP949")):
        try:
            return data.decode(enc), label
        except UnicodeDecodeError:
            continue
    raise ImportRejected(f"{source_name}: 글자 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR) CSV로 저장해 주세요.")


# C0 control characters other than tab/newline/carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _canon(header: str) -> str:
    return re.sub(r"[\s_\-()/]", "", header.strip().lower())


def read_csv_table(
    data: bytes,
    source_name: str,
    *,
    required: dict[str, tuple[str, ...]],
    optional: dict[str, tuple[str, ...]] | None = None,
    label: str,
) -> CsvTable:
    """Decode and split ``data``; map headers (aliases) to canonical names; refuse missing columns.

    ``required``/``optional`` map canonical name → accepted header spellings (Korean and English).
    Rows with the wrong number of fields are reported by line; blank lines are skipped.
    """
    if data[:4] == b"PK\x03\x04":  # a ZIP container: an Excel .xlsx workbook
        lines, encoding = _xlsx_lines(data, source_name), "XLSX"
    else:
        text, encoding = decode_bytes(data, source_name)
        # Sniff ; or tab separated exports; default comma.
        first = text.splitlines()[0] if text.splitlines() else ""
        delimiter = "\t" if first.count("\t") > first.count(",") else ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        lines = ((reader.line_num, record) for record in reader)
    try:
        _first_line, header = next(lines)
    except StopIteration:
        raise ImportRejected(f"{source_name}: 머리글(열 이름) 줄이 없습니다.") from None
    wanted = {**required, **(optional or {})}
    alias_to_name = {_canon(a): name for name, aliases in wanted.items() for a in (name, *aliases)}
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        name = alias_to_name.get(_canon(h))
        if name and name not in positions:
            positions[name] = i
    missing = [n for n in required if n not in positions]
    if missing:
        # Korean header names to try (the Latin aliases are accepted too, but are not what a Korean file says)
        expect = "; ".join(f"{n}({'/'.join([a for a in required[n] if not re.search('[a-z]', a)][:3])})" for n in missing)
        raise ImportRejected(
            f"{source_name}: {label} 파일에 필요한 열이 없습니다: {expect}. 받은 머리글: {', '.join(header) or '(없음)'}. "
            + ("빠진 열을 더하거나, 같은 내용이 든 열의 이름(첫 줄)을 위 이름 가운데 하나로 바꿔 주세요."
               if any(h.strip() for h in header) else "첫 줄에 열 이름을 넣어 주세요."),
            [RowError(1, f"필요한 열 없음: {', '.join(f'{n}({required[n][0]})' for n in missing)}", ",".join(header)[:200])],
        )
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, ...], int] = {}
    duplicates: list[tuple[int, int]] = []
    for line, record in lines:
        if not any(cell.strip() for cell in record):
            continue
        key = tuple(cell.strip() for cell in record)
        if key in first_seen:
            duplicates.append((line, first_seen[key]))
            continue
        first_seen[key] = line
        if len(record) != len(header):
            errors.append(RowError(line, f"열 개수가 머리글과 다릅니다 (머리글 {len(header)}개, 이 줄 {len(record)}개). "
                                         "쉼표가 든 값은 큰따옴표로 감싸 주세요.", ",".join(record)[:120]))
            continue
        if any(_CONTROL.search(cell) for cell in record):  # NUL cannot be stored in PostgreSQL text
            errors.append(RowError(line, "보이지 않는 제어 문자(NUL 등)가 들어 있습니다. 그 문자를 지우고 다시 저장해 "
                                         "주세요.", _CONTROL.sub("?", ",".join(record))[:120]))
            continue
        rows.append((line, {name: record[i].strip() for name, i in positions.items()}))
        if len(rows) > MAX_ROWS:
            raise ImportRejected(f"{source_name}: 행이 너무 많습니다 (최대 {MAX_ROWS:,}행). 파일을 나눠 주세요.")
    if errors:
        raise_rejected(source_name, label, errors)
    if not rows:
        raise ImportRejected(f"{source_name}: 머리글만 있고 자료 행이 없습니다.")
    return CsvTable(list(positions), rows, encoding, hashlib.sha256(data).hexdigest(), source_name, duplicates)


def duplicates_note(duplicates: list[tuple[int, int]], label: str) -> str | None:
    """The Korean sentence shown with an import that had duplicate rows (None when there were none)."""
    if not duplicates:
        return None
    shown = ", ".join(f"{line}행(= {first}행)" for line, first in duplicates[:20])
    more = f" 외 {len(duplicates) - 20}행" if len(duplicates) > 20 else ""
    return (f"{label} 파일에서 앞 행과 모든 열이 같은 중복 행 {len(duplicates)}개를 빼고 한 번만 셌습니다: {shown}{more}. "
            "같은 날 같은 금액의 결제가 정말 두 번이었다면 주문번호나 시각 열을 넣어 다시 올려 주세요.")


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_lines(data: bytes, source_name: str):
    """(row number, cells as text) of the first sheet of an .xlsx file, header included.

    Row numbers are Excel's, so a message such as "3행" points at the row the owner sees.  Trailing empty
    cells are trimmed, then every row is padded to the header's width (Excel does not store empty cells).
    """
    # deferred: openpyxl (~0.25 s to import) is needed only for XLSX export
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same Korean message
        raise ImportRejected(f"{source_name}: 엑셀 파일을 열 수 없습니다. 손상되지 않은 .xlsx 또는 CSV로 저장해 주세요.",
                             detail=type(exc).__name__) from exc
    ws = wb.worksheets[0]
    width = None
    for idx, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_xlsx_cell(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        if width is None:
            if not cells:
                continue
            width = len(cells)
        yield idx, cells + [""] * (width - len(cells)) if len(cells) < width else cells
    wb.close()


def raise_rejected(source_name: str, label: str, errors: list[RowError]) -> None:
    errors = sorted(errors, key=lambda e: e.line)
    shown = errors[:MAX_ERRORS_LISTED]
    more = f" (처음 {MAX_ERRORS_LISTED}건만 표시)" if len(errors) > MAX_ERRORS_LISTED else ""
    raise ImportRejected(
        f"{source_name}: {label} 파일의 {len(errors)}개 행에 문제가 있어 아무것도 저장하지 않았습니다{more}. "
        "아래 행을 고친 뒤 다시 올려 주세요.",
        shown,
    )


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./]\s?(\d{1,2})[-./]\s?(\d{1,2})\.?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})년\s?(\d{1,2})월\s?(\d{1,2})일$"),
)


def parse_date(value: str, *, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """A date from 2025-03-04, 2025.3.4, 2025/03/04, 20250304, 2025년 3월 4일 (time part ignored).

    Returns ``(date, None)`` or ``(None, Korean reason)``; future dates are refused.
    """
    v = value.strip()
    if not v:
        return None, "날짜가 비어 있습니다"
    for pat in _DATE_PATTERNS:
        m = pat.match(v)
        if m:
            try:
                d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None, f"없는 날짜입니다: '{v}'"
            if d > (today or dt.date.today()):
                return None, f"미래 날짜입니다: '{v}'"
            if d.year < 1990:
                return None, f"너무 오래된 날짜입니다: '{v}'"
            return d, None
    return None, f"날짜 형식을 알 수 없습니다: '{v}' (예: 2025-03-04)"


def parse_amount(value: str) -> tuple[int | None, str | None]:
    """Won amounts: ``12,000``, ``12000원``, ``₩12,000`` → 12000; negatives and non-numbers refused."""
    v = value.strip().replace(",", "").replace("원", "").replace("₩", "").replace(" ", "")
    if not v:
        return None, "금액이 비어 있습니다"
    try:
        amount = float(v)
    except ValueError:
        return None, f"금액이 숫자가 아닙니다: '{value}'"
    if amount < 0:
        return None, f"금액이 음수입니다: '{value}' (환불·취소는 원래 결제 행을 빼고 올려 주세요)"
    if amount != amount or amount > 1e10:
        return None, f"금액이 너무 큽니다: '{value}'"
    return int(round(amount)), None
