"""현장 AI pages in a real headless Chromium: upload → profile → anomalies chart (zoom, sensor toggle) →
forecast → alerts, at 1280 px and on a 390 px phone, with every non-local request blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def greenhouse_csv(tmp_path_factory) -> Path:
    from moduai.fieldai.generator import generate_greenhouse, greenhouse_csv

    path = tmp_path_factory.mktemp("gh") / "합성_온실.csv"
    path.write_bytes(greenhouse_csv(generate_greenhouse(days=20, seed=3)))
    return path


def _upload(page, live_server, path: Path, site: str = ""):
    page.set_default_timeout(180_000)  # the analysis runs on a shared 2-core machine
    page.goto(live_server + "/fieldai")
    assert page.locator("h1").first.inner_text().startswith("현장 AI")
    page.set_input_files("#file", str(path))
    page.select_option("#site", site)
    with page.expect_navigation(timeout=180_000):
        page.click("form.upload button[type=submit]")
    page.wait_for_selector("#timeline .main-svg", timeout=60_000)


def test_upload_analyse_zoom_toggle_and_alert_evidence_1280(page, live_server, greenhouse_csv):
    _upload(page, live_server, greenhouse_csv, "greenhouse")
    assert "합성 자료" in page.locator("h1").inner_text()  # the file says 구분 = 합성
    for anchor in ("#profile", "#anomalies", "#forecast", "#alerts"):
        assert page.locator(anchor).count() == 1
    assert page.locator("#profile tbody tr").count() == 5
    # sensor toggle: 습도 starts hidden; a tap on its legend entry shows it
    visible = page.evaluate("() => document.getElementById('timeline').data.map(t => t.visible)")
    assert visible[0] is True and visible[1] == "legendonly"
    page.locator("#timeline .legend .traces .legendtoggle").nth(1).click()
    page.wait_for_timeout(1200)  # plotly waits for a possible double click first
    assert page.evaluate("() => document.getElementById('timeline').data[1].visible") is True
    # an alert's evidence link zooms the chart to its window
    link = page.locator("a.evidence").first
    x0 = link.get_attribute("data-x0")
    link.click()
    page.wait_for_timeout(600)
    rng = page.evaluate("() => document.getElementById('timeline').layout.xaxis.range")
    assert str(rng[0]).startswith(x0[:10])
    # forecast charts drawn, one per sensor
    assert page.locator("#forecast .chart .main-svg").count() >= 5
    path = screenshot(page, "fieldai_result_1280")
    assert path.stat().st_size > 30_000
    assert page.external_requests == []


def test_phone_390_upload_and_result_fit(browser, live_server, fixture_data):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR", device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    external: list[str] = []

    def _guard(route):
        url = route.request.url
        if url.startswith(live_server) or url.startswith(("data:", "blob:")):
            return route.continue_()
        external.append(url)
        return route.abort()

    context.route("**/*", _guard)
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        page.goto(live_server + "/fieldai")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 392
        screenshot(page, "fieldai_upload_390")
        page.set_input_files("#file", str(fixture_data / "fieldai" / "nab" / "machine_temperature_system_failure.csv"))
        with page.expect_navigation(timeout=180_000):
            page.click("form.upload button[type=submit]")
        page.wait_for_selector("#timeline .main-svg", timeout=60_000)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 392
        rows = page.locator("#anomalies li.item")
        assert rows.count() >= 4
        assert "지난 7일 같은 시간대 중앙값보다" in page.locator("#anomalies").inner_text()
        path = screenshot(page, "fieldai_result_390")
        assert path.stat().st_size > 30_000
        assert external == []
    finally:
        context.close()


def test_bad_file_gets_a_korean_message_with_rows(page, live_server, tmp_path):
    bad = tmp_path / "bad.csv"
    lines = ["일시,온도"] + [f"2026-01-01 {h:02d}:00,{h}" for h in range(24)]
    lines[3] = "어제 오후,5"
    lines[9] = "??,1"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.set_default_timeout(120_000)
    page.goto(live_server + "/fieldai")
    page.set_input_files("#file", str(bad))
    with page.expect_navigation(timeout=60_000):
        page.click("form.upload button[type=submit]")
    text = page.locator("main").inner_text()
    assert "4행 '어제 오후'" in text and "일시" in text
    screenshot(page, "fieldai_error_1280")
