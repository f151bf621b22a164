"""/commerce/data in headless Chromium: upload a broken file, see the rejected rows, offline."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_upload_shows_rejected_rows(page, live_server, fixture_data):
    from tests.helpers_auth import browser_login

    browser_login(page, live_server, "operator", "/commerce/data")  # importing snapshots is an operator's job
    assert page.locator("h1").first.inner_text().startswith("상가 자료")
    assert page.locator("#snapshots tbody tr").count() >= 3
    page.set_input_files("#files", str(fixture_data / "sangga/gangwon_first200_broken_truncated_rows.csv"))
    page.fill("#snapshot", "2024Q3")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-report")
    report = page.locator("#import-report").inner_text()
    assert "187" in report and "13" in report
    assert page.locator("#import-report table.rejected tbody tr").count() == 13
    assert "2024Q3" in page.locator("#snapshots").inner_text()
    path = screenshot(page, "commerce_data_import")
    assert path.stat().st_size > 20_000
    assert page.external_requests == []
