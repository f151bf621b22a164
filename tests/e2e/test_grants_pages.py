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


def test_portfolio_reasons_on_a_phone(page, live_server):
    """At 390 px every project's reason is on screen under its numbers (as a sixth column it sat past the
    right edge, and squeezed every row to five lines)."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server + "/grants/portfolio")
    table = page.locator("section:has(h2:has-text('사업별 결정과 이유')) table")
    reasons = table.locator("tr.why td[colspan]")
    projects = table.locator("tbody tr:not(.why)")
    assert projects.count() == reasons.count() == 14  # the 14 projects of src/moduai/grants/data/haenam_projects_example.csv
    edges = reasons.evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
    assert max(edges) <= 390, edges
    assert all(t.strip() for t in reasons.all_inner_texts())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
