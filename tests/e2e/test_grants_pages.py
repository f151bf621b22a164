"""Grants pages in headless Chromium at 390 and 1280 px: rendered, offline, no page-wide horizontal scroll,
charts drawn; screenshots in tests/screenshots/ (looked at by hand)."""

from __future__ import annotations

import pytest

from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

PAGES = {"index": "/grants", "simulate": "/grants/simulate", "compare": "/grants/compare",
         "portfolio": "/grants/portfolio", "editor": "/grants/editor", "capacity": "/grants/capacity"}


@pytest.mark.parametrize("width", [390, 1280])
def test_grants_pages(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        resp = page.goto(live_server + path)
        assert resp is not None and resp.status == 200, path
        assert "예시" in page.locator("main").inner_text()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} at {width}px is {overflow}px wider than the screen"
        if name in ("simulate", "portfolio"):
            page.wait_for_selector(".chart .main-svg", timeout=20_000)
        page.screenshot(path=str(SCREENSHOTS / f"grants_{name}_{width}.png"), full_page=False)
    assert page.external_requests == []
