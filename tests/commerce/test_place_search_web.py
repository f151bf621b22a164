"""/commerce?q= and /commerce/report?place= find places through the region spine, and every link they
offer opens a report (never the search that just failed)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from moduai.commerce.place_search import find_places
from moduai.regions import get_region


@pytest.fixture(scope="module")
def client():
    from moduai.web.app import create_app

    return TestClient(create_app())


def _result_links(page: str) -> list[str]:
    """Report links of the result table and of the suggestions (not the fixed 업종 examples)."""
    rows = re.findall(r'<td><a class="button" href="([^"]+)"', page)
    sugg = re.findall(r'class="suggestion" href="([^"]+)"', page)
    return [html.unescape(u) for u in rows + sugg]


def _title(page: str) -> str:
    return html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))


def test_search_lists_every_yangdeok_dong_with_a_working_report(client):
    r = client.get("/commerce", params={"q": "양덕동", "category": "카페"})
    assert r.status_code == 200
    links = _result_links(r.text)
    places = [parse_qs(urlsplit(u).query)["place"][0] for u in links]
    assert places[:2] == ["47113122", "48127105"]  # 포항 북구 양덕동, 창원 마산회원구 양덕동
    assert all(u.startswith("/commerce/report?") for u in links)
    rep = client.get(links[0])
    assert rep.status_code == 200
    # the report's own place label (point → 읍면동) is the 동 that was chosen
    assert "포항시 북구 양덕동" in _title(rep.text)


def test_report_by_ambiguous_name_offers_reports_not_the_search(client):
    r = client.get("/commerce/report", params={"place": "양덕동", "category": "카페"})
    assert r.status_code == 409
    links = _result_links(r.text)
    assert [parse_qs(urlsplit(u).query)["place"][0] for u in links] == ["47113122", "48127105"]
    assert "/commerce?q=" not in "".join(links)
    rep = client.get(links[1])
    assert rep.status_code == 200 and "마산회원구 양덕동" in _title(rep.text)


@pytest.mark.parametrize("q, code", [("포항시 남구 대잠동", "47111116"), ("경북 군위군", "27720"), ("동탄구", "41597"),
                                     ("인천 영종구 운서동", "28110147")])
def test_typed_forms_lead_to_one_place(client, q, code):
    r = client.get("/commerce", params={"q": q})
    links = _result_links(r.text)
    assert parse_qs(urlsplit(links[0]).query)["place"][0] == code
    label = get_region(code).full_name
    assert label in html.unescape(r.text)


def test_unknown_name_suggests_reports(client):
    r = client.get("/commerce", params={"q": "양덩동"})
    assert "찾지 못했습니다" in html.unescape(r.text)
    links = _result_links(r.text)
    assert links and all(u.startswith("/commerce/report?place=") for u in links)
    assert any(parse_qs(urlsplit(u).query)["place"][0] == "47113122" for u in links)


def test_address_is_found_and_the_page_says_it_used_the_dong(client):
    r = client.get("/commerce", params={"q": "서울 동대문구 회기동 42"})
    text = html.unescape(r.text)
    assert "서울특별시 동대문구 회기동" in text and "좌표 자료는 오프라인으로 제공되지 않아" in text


def test_census_admin_dong_names_still_work():
    hits = find_places("양덕1동").hits
    assert [h.label for h in hits] == ["경상남도 창원시 마산회원구 양덕1동"] and hits[0].kind == "행정동"


def test_old_name_rows_say_why_they_lead_there(client):
    text = html.unescape(client.get("/commerce", params={"q": "마산시"}).text)
    assert "경상남도 창원시 마산합포구" in text and "경상남도 창원시 마산회원구" in text
    assert "'마산시'는 옛 이름입니다" in text
