"""The report pages in headless Chromium with the embedded default data (offline)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_report_page_in_chromium(page, live_server):
    page.goto(f"{live_server}/commerce/report?place=회기동&category=카페&radius=500", timeout=120_000)
    h1 = page.locator("h1").inner_text()
    assert "회기동" in h1 and "카페" in h1
    # the default set mixes real 회기동 rows with generated neighbours: the badge says so
    assert page.locator(".badge.synthetic").count() >= 1
    assert "카페" in page.locator(".summary").inner_text()
    assert page.locator(".map svg circle.competitor").count() > 0
    assert page.locator(".map svg circle.radius").count() == 1
    page.wait_for_selector("#chart-major .main-svg", timeout=30_000)  # plotly drew offline
    rows = page.locator("section:has(h2:has-text('경쟁 점포')) tbody tr")
    first = rows.nth(0).locator("td").nth(0).inner_text()
    assert re.match(r"^[\d,]+ m$", first)
    screenshot(page, "commerce_report")
    assert page.external_requests == []
    # clicking the map re-centres the report there
    svg = page.locator(".map[data-click-target] svg")
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    with page.expect_navigation(timeout=120_000):
        page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    assert "/commerce/report" in page.url and "lat=" in page.url
    assert page.locator(".summary").count() == 1
    assert page.external_requests == []


def test_index_search_and_bad_input_in_chromium(page, live_server):
    page.goto(f"{live_server}/commerce", timeout=120_000)
    page.get_by_label("동·리·시군구 이름 또는 주소").fill("회기동")
    page.locator("#search-form button").click()
    page.wait_for_selector("text=검색 결과")
    assert page.locator("td", has_text="서울특별시 동대문구 회기동").count() >= 1
    screenshot(page, "commerce_index")
    page.goto(f"{live_server}/commerce/report?lat=37.3&lon=125.5&radius=500&category=카페", timeout=60_000)
    assert "바다" in page.locator("[role=alert]").inner_text()
    page.goto(f"{live_server}/commerce/report?lat=37.5898&lon=127.0579&radius=0&category=카페", timeout=60_000)
    assert "반경" in page.locator("[role=alert]").inner_text()
    screenshot(page, "commerce_bad_radius")
    assert page.external_requests == []


def test_synthetic_region_is_labelled(page, live_server):
    # 포항시청 (36.019, 129.343): no real rows ship for 포항, so every store is generated and says so
    page.goto(f"{live_server}/commerce/report?lat=36.019&lon=129.343&radius=700&category=편의점", timeout=180_000)
    assert "포항시 남구" in page.locator("h1").inner_text()
    assert "합성 자료 100%" in page.locator(".badge.synthetic").first.inner_text()
    assert "합성 자료" in page.locator(".warn").first.inner_text()
    page.wait_for_selector("#chart-major .main-svg", timeout=30_000)
    screenshot(page, "commerce_report_pohang")
    assert page.external_requests == []


def test_sites_page_in_chromium(page, live_server):
    page.goto(f"{live_server}/commerce/sites", timeout=60_000)
    page.get_by_label("시군구").fill("동대문구")
    page.get_by_label("업종").fill("카페")
    page.get_by_label("후보 수").fill("8")
    with page.expect_navigation(timeout=180_000):
        page.locator("form button").click(no_wait_after=True)
    page.wait_for_selector("text=점수 구성", timeout=180_000)
    assert "서울특별시 동대문구" in page.locator("h1").inner_text()
    assert page.locator(".map svg path.cell").count() == 8
    assert page.locator(".map svg text.rank-label").count() == 8
    rows = page.locator("section:has(h2:has-text('순위')) tbody tr")
    assert rows.count() == 8
    screenshot(page, "commerce_sites")
    with page.expect_navigation(timeout=180_000):
        rows.nth(0).get_by_role("link", name="보고서").click()
    assert page.locator(".summary").count() == 1
    assert page.external_requests == []


def test_typed_dong_name_reaches_its_report(page, live_server):
    """Issue 13: '양덕동' typed in the search box → the candidates → 포항 북구 양덕동's report, no coordinates."""
    page.goto(f"{live_server}/commerce", timeout=120_000)
    page.get_by_label("동·리·시군구 이름 또는 주소").fill("양덕동")
    page.locator("#search-form button").click()
    page.wait_for_selector("text=검색 결과")
    row = page.locator("tr", has_text="경상북도 포항시 북구 양덕동")
    assert page.locator("tr", has_text="경상남도 창원시 마산회원구 양덕동").count() == 1
    with page.expect_navigation(timeout=180_000):
        row.locator("a").click()
    assert "/commerce/report" in page.url and "place=47113122" in page.url
    assert "포항시 북구 양덕동" in page.locator("h1").inner_text()
    assert page.locator(".summary").count() == 1
    assert page.external_requests == []
