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


# the lines a text node is drawn on (one rect per line box), for "does this cell wrap?"
_LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
  return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size; }"""


def test_search_and_sites_on_a_phone(page, live_server):
    """At 390 px: the search result's report button and the site ranking's report links are on screen (they sat
    past the right edge of a sideways-scrolling table); the site reasons are not squeezed into a one-word column."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server}/commerce?q=회기동", timeout=120_000)
    button = page.locator("tr", has_text="서울특별시 동대문구 회기동").get_by_role("link", name="카페 보고서")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box

    page.goto(f"{live_server}/commerce/sites?region=동대문구&category=카페&top=8", timeout=180_000)
    ranks = page.locator("section:has(h2:has-text('순위')) tbody tr")
    assert ranks.count() == 8
    for i in range(8):
        link = ranks.nth(i).get_by_role("link", name="보고서").bounding_box()
        assert link["x"] + link["width"] <= 390, (i, link)
    parts = page.locator("section:has(h2:has-text('점수 구성')) tbody tr")
    assert parts.count() == 8
    heights = [parts.nth(i).bounding_box()["height"] for i in range(8)]
    assert max(heights) < 60, heights  # one line of numbers (a reason column made rows of 180–270 px)
    assert page.locator("ol.site-reasons li").count() == 8
    assert page.locator("ol.site-reasons li").first.inner_text().startswith(page.locator(
        "section:has(h2:has-text('순위')) tbody tr td").nth(1).inner_text().split()[0] + " 일대")
    assert page.external_requests == []


def test_report_tables_on_a_phone(page, live_server):
    """At 390 px the report's distances stay on one line, its competitor heading counts the rows it lists, its
    floors read '2층'/'지하', its Huff table corner is not drawn as '₩' (a backslash in Korean fonts) and the time
    it was written is a reader's time, not an ISO stamp."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server}/commerce/report?place=회기동&category=카페&radius=500", timeout=120_000)
    section = page.locator("section:has(h2:has-text('경쟁 점포'))")
    rows = section.locator("tbody tr")
    shown = int(re.search(r"가까운 (\d+)곳\)", section.locator("h2").inner_text()).group(1))
    assert shown == rows.count() == 30  # 90 cafés in 500 m; the heading said 50 while 30 were listed
    distances = section.locator("tbody tr td:first-child")
    assert [d for d in distances.evaluate_all(f"els => els.map(e => ({_LINES})(e))") if d != 1] == []
    floors = set(section.locator("tbody tr td:last-child").all_inner_texts())
    assert floors and all(re.fullmatch(r"(\d+층|지하( \d+층)?|)", f) for f in floors), floors
    assert {"1층", "지하"} <= floors
    assert page.locator("table.sens thead th").first.inner_text() == "α ↓ · β →"
    # each short 업종's reason is on screen under its counts (a fourth column was cut at the right edge)
    gaps = page.locator("section:has(h2:has-text('부족 업종')) table")
    assert gaps.locator("tr.why td").count() == gaps.locator("tbody tr:not(.why)").count() >= 3
    edges = gaps.locator("tr.why td").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
    assert max(edges) <= 390, edges
    foot = page.locator("p.source", has_text="작성").inner_text()
    assert re.search(r"작성 20\d\d년 \d{1,2}월 \d{1,2}일 \d\d:\d\d \(한국 시간\)", foot), foot
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", foot), foot
    assert page.external_requests == []
