"""Rows repeated inside one ledger or review file are counted once and reported (count + row numbers),
on both databases, through the domain, the API, the page and the CLI."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

# Line numbers (header = line 1): line 4 repeats line 2, line 6 repeats line 3.  Line 5 is the same sale
# amount and day as line 2 for another customer: not a duplicate.
LEDGER = ("고객,날짜,금액\n"
          "010-1111-2222,2025-01-02,12000\n"
          "C-0001,2025-01-03,5000\n"
          "010-1111-2222,2025-01-02,12000\n"
          "C-0002,2025-01-02,12000\n"
          "C-0001,2025-01-03,5000\n").encode()
REVIEWS = ("날짜,평점,내용\n"
           "2025-01-02,5,맛있어요\n"
           "2025-01-03,1,불친절해요\n"
           "2025-01-02,5,맛있어요\n").encode()


def test_parser_leaves_duplicates_out_and_names_them():
    from moduai.marketing.customers import analyze_customers, parse_ledger_csv

    table, sales = parse_ledger_csv(LEDGER, key=b"k" * 32)
    assert table.duplicates == [(4, 2), (6, 3)]
    assert [s.line for s in sales] == [2, 3, 5]
    res = analyze_customers(sales)
    assert res.revenue == 12000 + 5000 + 12000  # not 46,000 with the copies
    assert res.transaction_count == 3


def test_store_reports_duplicates_and_keeps_them_after_reload(db_url):
    from moduai.marketing.store import get_import, import_ledger, import_reviews, load_sales

    s = import_ledger(LEDGER, "ledger.csv", "중복 가게")
    assert s.rows == 3 and s.duplicate_rows == [(4, 2), (6, 3)]
    assert "중복 행 2개" in s.duplicates_note and "4행(= 2행)" in s.duplicates_note and "6행(= 3행)" in s.duplicates_note
    assert sum(x.amount for x in load_sales(s.import_id)) == 29000
    again = get_import(s.import_id, "ledger")
    assert again.duplicate_rows == [(4, 2), (6, 3)] and again.duplicates_note == s.duplicates_note
    r = import_reviews(REVIEWS, "reviews.csv", "중복 가게")
    assert r.rows == 2 and r.duplicate_rows == [(4, 2)] and "리뷰 파일" in r.duplicates_note


def test_api_and_page_say_so(db_url):
    from moduai.web.app import create_app
    from tests.helpers_auth import login_as

    client = TestClient(create_app())
    login_as(client, "member")  # imports belong to a signed-in owner; login_as also sets the CSRF header
    res = client.post("/api/v1/marketing/customers", files={"file": ("ledger.csv", LEDGER, "text/csv")},
                      data={"shop": "중복 가게"})
    assert res.status_code == 200, res.text
    doc = res.json()
    assert doc["import"]["duplicate_rows"] == [[4, 2], [6, 3]]
    assert doc["analysis"]["revenue"] == 29000
    page = client.get(f"/marketing/customers/{doc['import']['import_id']}")
    assert 'data-duplicates="2"' in page.text and "4행(= 2행)" in page.text


def test_cli_reports_duplicates(tmp_path):
    from moduai.cli import app

    f = tmp_path / "ledger.csv"
    f.write_bytes(LEDGER)
    out = CliRunner().invoke(app, ["marketing", "customers", str(f), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["duplicate_rows"] == [[4, 2], [6, 3]] and doc["analysis"]["revenue"] == 29000
