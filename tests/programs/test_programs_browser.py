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
