"""Region pages in headless Chromium: search, a region page with its offline map, 5극3특."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_search_then_region_page(page, live_server):
    page.goto(live_server + "/regions")
    page.fill("#q", "포항시 북구")
    page.click("form.search button")
    page.wait_for_url("**/regions/47113")
    assert page.locator("h1").inner_text().startswith("경상북도 포항시 북구")
    assert page.locator(".map svg path").count() >= 2  # the city's two 구
    assert "대경권" in page.content()
    screenshot(page, "region_pohang_buk")
    assert page.external_requests == []


def test_ambiguous_search_lists_candidates(page, live_server):
    page.goto(live_server + "/regions?q=양덕동")
    rows = page.locator("table >> nth=0 >> tbody tr")
    assert rows.count() == 2
    screenshot(page, "regions_search_ambiguous")


def test_sido_page_and_megaregions(page, live_server):
    page.goto(live_server + "/regions/51")
    assert "강원특별자치도" in page.locator("h1").inner_text()
    assert page.locator(".map svg path").count() == 18  # 18 시군구
    screenshot(page, "region_gangwon")
    page.goto(live_server + "/megaregions")
    assert page.locator(".map svg path").count() == 17
    screenshot(page, "megaregions")
    assert page.external_requests == []
