"""Spreadsheet-safe cells for every CSV and XLSX the platform writes (floor module: standard library only).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula: a shop called ``=HYPERLINK("http://…","클릭")`` in a report
becomes a live link, and ``=cmd|' /C calc'!A0`` can run a program (CSV injection, OWASP).  Following the
OWASP rule, such a cell is written with a leading apostrophe (``'=HYPERLINK(…)``) so it stays text; the
XLSX writers also store it with the string type, never as a formula.  Numbers stay numbers (int, float,
and text that is only a number such as ``-12,000`` or ``+3.5`` is left as it is: it cannot run).

Use :func:`safe_cell` / :func:`safe_row` for row writers (``csv.writer``, ``openpyxl`` ``ws.append``) and
:func:`safe_frame` for pandas frames before ``to_csv`` / ``to_excel``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would evaluate (see the module docstring)."""
    return isinstance(value, str) and value.startswith(FORMULA_LEADERS) and not _PLAIN_NUMBER.match(value)


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is formula-like text; anything else unchanged."""
    return "'" + value if is_formula_like(value) else value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def safe_frame(df):
    """A copy of a pandas DataFrame with formula-like text cells and column names neutralised."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def force_text_cells(ws) -> int:
    """Make sure no cell of an openpyxl worksheet is a formula: any cell openpyxl typed as a formula is
    turned into neutralised text.  Returns how many cells were changed (0 when every writer used
    :func:`safe_row`)."""
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.value = safe_cell(str(cell.value))
                cell.data_type = "s"
                changed += 1
    return changed
