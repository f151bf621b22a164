"""A 과밀 verdict reads in Korean everywhere a user meets it: 입지계수, never "LQ".

The place is the embedded default's 회기동 with 일식 at 300 m, where the verdict is 과밀 (the 시군구 baseline comes
from the generated 동대문구 rows around the real ones). The texts are read back from what a user gets: the page's
HTML, the API's JSON, the PDF (pypdf) and every XLSX cell (openpyxl).
"""

from __future__ import annotations

import io
import json
import re

import pytest

pypdf = pytest.importorskip("pypdf")

QUERY = {"place": "회기동", "radius": 300, "category": "일식"}
LQ = re.compile(r"(?<![A-Za-z])LQ(?![A-Za-z])")


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from moduai.web.app import create_app

    return TestClient(create_app())


@pytest.fixture(scope="module")
def saturated(client):
    res = client.get("/api/v1/commerce/report", params=QUERY)
    assert res.status_code == 200
    body = res.json()
    assert body["saturation"]["verdict"] == "과밀"  # the case this file is about
    return body


def test_the_checker_finds_lq_as_a_word():
    assert LQ.search("점포 구성 비중도 1.6배(LQ)입니다") and LQ.search("LQ 1.20")
    assert not LQ.search("입지계수 1.20") and not LQ.search("LQUID")


def test_verdict_sentences_say_ipjigyesu_for_every_verdict():
    from moduai.commerce.saturation import Baseline, _verdict

    class Cat:
        name = "한식"

    def base(level, per1000, share):
        return Baseline(level=level, code=None, name="대전 중구" if level == "sigungu" else "분석 상권",
                        category_count=0, store_count=0, residents=0.0, land_area_km2=0.0, per_km2=None,
                        per_1000_residents=per1000, share=share, coverage=None)

    gu = base("sigungu", 1.0, 0.10)
    seen = set()
    for per, share in [(2.0, 0.15), (0.5, 0.06), (4.4, 0.10), (0.5, 0.10), (1.2, 0.15), (1.0, 0.05), (1.0, 0.10)]:
        v, reason = _verdict(Cat, base("area", per, share), [gu], {"sigungu": share / 0.10}, {"sigungu": per})
        seen.add(v)
        assert not LQ.search(reason), reason
        assert "입지계수" in reason or v == "적정" and "모두 기준 안에" in reason
    v, reason = _verdict(Cat, base("area", 1.0, 0.1), [gu], {}, {})
    assert v == "판단 보류" and not LQ.search(reason) and "입지계수" in reason
    assert seen == {"과밀", "부족", "적정"}


def test_api_text_has_no_lq(saturated):
    texts = json.dumps(saturated, ensure_ascii=False)
    assert "입지계수" in saturated["saturation"]["verdict_reason"]
    assert not LQ.search(saturated["saturation"]["verdict_reason"])
    assert not any(LQ.search(s) for s in saturated["summary"]), saturated["summary"]
    assert not LQ.search(texts.replace('"location_quotient"', ""))


def test_page_text_has_no_lq(client, saturated):
    res = client.get("/commerce/report", params=QUERY)
    assert res.status_code == 200
    text = re.sub(r"<[^>]+>", " ", res.text)
    assert "과밀" in text and "입지계수" in text
    assert not LQ.search(text), LQ.findall(text)


def test_pdf_text_has_no_lq(client, saturated):
    res = client.get("/commerce/report.pdf", params=QUERY)
    assert res.status_code == 200
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(res.content)).pages)
    assert "과밀" in text and "입지계수" in text
    assert not LQ.search(text)


def test_xlsx_cells_have_no_lq(client, saturated):
    from openpyxl import load_workbook

    res = client.get("/commerce/report.xlsx", params=QUERY)
    wb = load_workbook(io.BytesIO(res.content))
    cells = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert any("과밀" in c for c in cells) and any("입지계수" in c for c in cells)
    assert [c for c in cells if LQ.search(c)] == []
