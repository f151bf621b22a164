"""Profile form → results, search, detail and calendar in headless Chromium, offline."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _migrated_test_home(live_server):
    # The live server runs in this process and reads settings per request; the autouse per-test
    # MODUAI_HOME of tests/conftest.py points it at a fresh, empty SQLite file, so migrate that one.
    from moduai.db import migrate

    migrate()


def test_profile_form_to_results(page, live_server):
    page.goto(live_server + "/programs")
    assert page.locator("h1").inner_text() == "지원사업 매칭"
    # Labels are wired to their fields (accessible names), so fill by label.
    page.get_by_label("만 나이").fill("29")
    page.get_by_label("사업장(또는 주소) 지역").fill("강릉시")
    page.get_by_label("예비창업자 (사업자등록 전)").check()
    page.get_by_label("업종", exact=True).fill("카페")
    page.get_by_label("청년", exact=True).check()
    screenshot(page, "programs_form")
    page.get_by_role("button", name="지원사업 찾기").click()
    page.wait_for_url("**/programs/match**")
    assert "지원사업 매칭 결과" in page.locator("h1").inner_text()
    first = page.locator("#h-eligible ~ article").first
    assert "강릉 청년 카페" in first.inner_text()
    assert page.locator(".badge.fail").count() > 0 and page.locator(".badge.unknown").count() >= 0
    assert "표본 안내" in page.content()
    screenshot(page, "programs_results")
    assert page.external_requests == []


def test_search_and_detail(page, live_server):
    page.goto(live_server + "/programs/search")
    page.get_by_label("검색어").fill("스마트팜 청년")
    page.get_by_role("button", name="검색").click()
    page.wait_for_selector("ol.hits li", timeout=90_000)
    hits = page.locator("ol.hits li")
    assert "스마트팜" in hits.first.inner_text()
    screenshot(page, "programs_search")
    hits.first.locator("a").first.click()
    page.wait_for_url("**/programs/p/**")
    assert "자격 조건" in page.content() and "표본" in page.content()
    screenshot(page, "programs_detail")
    page.goto(live_server + "/programs/calendar?start=2027-01&months=1")
    assert page.locator("table.calendar").count() == 1
    screenshot(page, "programs_calendar")
    assert page.external_requests == []


def test_operator_sees_rule_errors_inline(page, live_server):
    from moduai.accounts.service import create_user, user_create
    from moduai.db import session_scope

    with session_scope() as s:
        create_user(s, user_create("e2e-op@example.kr", "a-long-password", role="operator"))
    page.goto(live_server + "/programs/admin")
    assert "로그인이 필요한" in page.content()  # 401 from the access middleware, with a sign-in link
    page.goto(live_server + "/accounts/login?next=/programs/admin/new")
    page.get_by_label("이메일").fill("e2e-op@example.kr")
    page.get_by_label("비밀번호").fill("a-long-password")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/programs/admin/new")
    page.get_by_label("주소용 이름 (영문 소문자·숫자·하이픈)").fill("sample-e2e-broken")
    page.get_by_label("사업명").fill("(예시) 브라우저 시험")
    page.get_by_label("기관", exact=True).fill("(예시) 시험 기관")
    page.get_by_label("자격 규칙 (YAML)").fill(
        "version: 1\neffective_from: 2026-01-01\ncriteria:\n  - {id: age, type: age_rnage, max: 39}\n")
    page.get_by_role("button", name="저장").click()
    alert = page.get_by_role("alert")
    assert "알 수 없는 조건 유형 'age_rnage'" in alert.inner_text()
    assert page.get_by_label("자격 규칙 (YAML)").get_attribute("aria-invalid") == "true"
    screenshot(page, "programs_admin_rule_error")
    assert page.external_requests == []
