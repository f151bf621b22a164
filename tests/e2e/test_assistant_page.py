"""The assistant page in headless Chromium at 390 and 1280 px: ask, get an answer with a tool card."""

from __future__ import annotations

import pytest

from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [390, 1280])
def test_ask_page(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/ask")
    page.fill("#question", "해남군 지방소멸위험지수 알려줘")
    page.click("button[type=submit]")
    page.wait_for_selector("text=자세히 보기", timeout=60_000)
    assert "소멸고위험" in page.locator("main").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"assistant_ask_{width}.png"), full_page=True)
    assert page.external_requests == []
