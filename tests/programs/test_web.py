"""Pages and API through the app: contexts, operator sign-in, inline rule errors, ICS, JSON API."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from moduai.accounts.service import create_user, user_create
from moduai.db import migrate, session_scope
from tests.helpers_web import csrf_headers, csrf_token


@pytest.fixture
def client():
    migrate()
    from moduai.web.app import create_app

    return TestClient(create_app())


def _operator(client) -> TestClient:
    with session_scope() as s:
        create_user(s, user_create("op@example.kr", "a-long-password", role="operator"))
    r = client.post("/accounts/login", data={"email": "op@example.kr", "password": "a-long-password",
                                             "next": "/programs/admin",
                                             "csrf_token": csrf_token(client, "/accounts/login")},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/programs/admin"
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_home_and_match_pages(client):
    r = client.get("/programs")
    assert r.status_code == 200 and "표본 안내" in r.text and '<label for="age">만 나이</label>' in r.text
    ctx = client.get("/programs/match", params={"age": "29", "region": "강릉", "business_status": "예비",
                                                  "industry": "카페", "groups_answered": "1", "groups": "청년",
                                                  "today": "2026-12-01", "format": "json"}).json()
    assert ctx["place"] == "강원특별자치도 강릉시"
    assert ctx["result"]["eligible"][0]["slug"] == "sample-gangneung-youth-cafe"
    assert ctx["result"]["profile"]["region_code"] == "51150"
    html = client.get("/programs/match", params={"age": "29", "region": "강릉", "today": "2026-12-01"}).text
    assert "만 39세 이하 조건: 만 29세로 해당됩니다" in html and 'class="badge unknown"' in html


def test_ambiguous_region_is_shown_on_the_form(client):
    r = client.get("/programs/match", params={"region": "중구"})
    assert r.status_code == 422
    assert "입력을 확인해 주세요" in r.text and "중구" in r.text and "서울특별시 중구" in r.text


def test_search_page_and_api(client):
    html = client.get("/programs/search", params={"q": "스마트팜 청년", "method": "bm25"}).text
    assert "(예시) 청년 스마트팜 창업 보육" in html
    data = client.get("/api/v1/programs/search", params={"q": "강릉 카페", "method": "bm25", "limit": 3}).json()
    assert data["hits"][0]["slug"] == "sample-gangneung-youth-cafe" and data["places"] == ["강원특별자치도 강릉시"]
    bad = client.get("/api/v1/programs/search", params={"q": "x", "method": "magic"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "method"


def test_detail_list_calendar_and_ics(client):
    d = client.get("/programs/p/sample-smart-store", params={"format": "json"}).json()
    assert d["program"]["is_sample"] and d["program"]["rules"]["criteria"][1]["type"] == "employees"
    assert client.get("/programs/p/nope").status_code == 404
    assert "지원사업 목록" in client.get("/programs/list", params={"kind": "스마트팜"}).text
    cal = client.get("/programs/calendar", params={"start": "2027-01", "months": 2, "format": "json"}).json()
    january = cal["calendar"]["months"][0]
    # Hand check from the catalog: 2027-01 deadlines are the 10th, 15th, 20th, 25th and 31st.
    assert sorted({d["day"][-2:] for d in january["deadlines"]}) == ["10", "15", "20", "25", "31"]
    ics = client.get("/programs/calendar.ics")
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert ics.content.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nEND:VCALENDAR\r\n" in ics.content
    farm = client.get("/programs/calendar.ics", params={"kind": "스마트팜"}).content.decode("utf-8")
    # The four 스마트팜 samples have deadlines (2027-01-20 … 2027-03-31); past ones are left out.
    import datetime as dt

    from moduai.programs.catalog import load_starter_catalog

    ends = [p.apply_end for p in load_starter_catalog() if p.kind == "스마트팜"]
    assert len(ends) == 4
    assert farm.count("BEGIN:VEVENT") == sum(e >= dt.date.today() for e in ends)
    page = client.get("/programs/calendar", params={"start": "2027-01", "kind": "스마트팜"}).text
    assert "/programs/calendar.ics?kind=" in page


def test_api_match_and_rule_validation(client):
    h = csrf_headers(client)
    r = client.post("/api/v1/programs/match", params={"today": "2026-12-01"}, json={"age": 42, "region_code": "47111"},
                    headers=h)
    assert r.status_code == 200
    failed = {m["slug"]: m for m in r.json()["failed"] + r.json()["near_misses"]}
    assert failed["sample-gangwon-local-startup"]["results"][0]["reason"] == "만 19~39세 조건: 만 42세로 해당되지 않습니다"
    bad = client.post("/api/v1/programs/match", json={"employes": 3}, headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "employes"
    v = client.post("/api/v1/programs/rules/validate",
                    json={"rules_yaml": "version: 1\neffective_from: 2026-01-01\ncriteria: [{id: a, type: agee}]"},
                    headers=h)
    assert v.status_code == 422
    err = v.json()["error"]
    assert (err["type"], err["file"], err["rule"]) == ("rule_error", "입력", "a") and "agee" in err["reason"]


def test_operator_pages_need_sign_in(client):
    r = client.get("/programs/admin")
    # Not signed in: 401 with a link to sign in (the access middleware, before the route runs).
    assert r.status_code == 401 and "/accounts/login?next=/programs/admin" in r.text
    token = csrf_token(client, "/accounts/login")
    assert client.post("/programs/admin/sample-smart-store/status",
                       data={"status": "retired", "csrf_token": token}).status_code == 401
    bad = client.post("/accounts/login", data={"email": "x@example.kr", "password": "nope-nope-nope",
                                               "csrf_token": token})
    assert bad.status_code == 403 and "맞지 않습니다" in bad.text


def test_operator_adds_edits_and_retires_with_inline_rule_errors(client):
    _operator(client)
    page = client.get("/programs/admin/new")
    assert page.status_code == 200
    token = _csrf(page.text)
    form = {"slug": "sample-ops-cafe", "name": "운영자 카페 지원", "agency": "(예시) 시청", "kind": "소상공인",
            "rules_yaml": "version: 1\neffective_from: 2026-01-01\ncriteria:\n  - {id: emp, type: employees, min: 9, max: 4}\n",
            "is_sample": "1", "csrf_token": token}
    r = client.post("/programs/admin/new", data=form)
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "저장하지 않았습니다" in text and "규칙 'emp'" in text and "min(9)이 max(4)보다 큽니다" in text
    assert 'aria-invalid="true"' in r.text
    form["rules_yaml"] = form["rules_yaml"].replace("min: 9, ", "")
    ok = client.post("/programs/admin/new", data=form, follow_redirects=False)
    assert ok.status_code == 303
    detail = client.get("/programs/p/sample-ops-cafe", params={"format": "json"}).json()
    assert detail["program"]["name"] == "(예시) 운영자 카페 지원" and detail["history"][0]["author"] == "op@example.kr"
    form["rules_yaml"] = form["rules_yaml"].replace("max: 4", "max: 9")
    assert client.post("/programs/admin/sample-ops-cafe/edit", data=form, follow_redirects=False).status_code == 303
    detail = client.get("/programs/p/sample-ops-cafe", params={"format": "json"}).json()
    assert [h["version"] for h in detail["history"]] == [1, 2]
    # CSRF token is required for state changes.
    assert client.post("/programs/admin/sample-ops-cafe/status", data={"status": "retired", "csrf_token": "x.y"}).status_code == 403
    done = client.post("/programs/admin/sample-ops-cafe/status", data={"status": "retired", "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303
    assert "sample-ops-cafe" not in {p["slug"] for p in client.get("/api/v1/programs").json()["programs"]}


def test_form_is_refilled_from_the_query(client):
    r = client.get("/programs", params=[("age", "29"), ("groups", "청년"), ("business_status", "예비"),
                                        ("flag_국세체납", "no"), ("interests", "스마트팜")])
    text = r.text
    assert 'name="age" type="number" min="0" max="120" inputmode="numeric" value="29"' in text
    assert re.search(r'value="청년"\s+checked', text) and not re.search(r'value="여성"\s+checked', text)
    assert re.search(r'value="예비"\s+checked', text) and 'value="no" selected' in text
