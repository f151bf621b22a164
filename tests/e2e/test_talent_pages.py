"""AI 인재 pages in headless Chromium at 390 px (phone) and 1280 px: dashboard, matching demo, explanation."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e


def _no_horizontal_scroll(page) -> None:
    # the page itself must fit; wide tables scroll inside their .table-scroll box
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= page.viewport_size["width"] + 1, (width, wide)


@pytest.mark.parametrize("width", [390, 1280])
def test_outcomes_dashboard(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/talent", wait_until="networkidle")
    assert "K-디지털 트레이닝" in page.locator("h1").inner_text()
    assert page.locator(".map svg path").count() == 17  # 17 시도
    page.wait_for_selector("#talent-funnel .main-svg")  # plotly drew the funnel (served from /vendor)
    page.wait_for_selector("#talent-rates .main-svg")
    assert "청년 1만 명당" in page.locator(".statement").inner_text()
    assert page.locator(".table-scroll").count() >= 3
    _no_horizontal_scroll(page)
    screenshot(page, f"talent_dashboard_{width}")
    page.select_option("#metric", "jobs")
    page.locator("form[aria-label='지도 지표 고르기'] button").click()
    page.wait_for_url("**metric=jobs**")
    assert "6개월 취업률" in page.locator("#map-h").inner_text()
    assert page.external_requests == []


@pytest.mark.parametrize("width", [390, 1280])
def test_matching_demo_and_one_explanation(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/talent/match", wait_until="networkidle")
    page.fill("#cap", "수도권=0.6")
    page.fill("#floor", "호남권=3")
    page.locator("form[aria-label='합성 예시 매칭'] button").click()
    page.wait_for_selector("#rank-chart .main-svg")
    assert "합성 자료" in page.locator("h1").inner_text()
    assert "배정률" in page.locator(".kpis").inner_text()
    page.select_option("#explain", "T00005")
    page.locator("form[aria-label='설명할 훈련생 고르기'] button").click()
    page.wait_for_url("**explain=T00005**")
    assert "T00005" in page.locator(".explain p").first.inner_text()
    lines = page.locator(".explain ol li")
    assert lines.count() >= 1 and "지망" in lines.last.inner_text()
    _no_horizontal_scroll(page)
    screenshot(page, f"talent_match_{width}")
    assert page.external_requests == []
