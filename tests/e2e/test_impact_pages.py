"""Impact pages in headless Chromium at 390 and 1280 px: rendered offline, charts drawn, no page-wide
horizontal scroll; screenshots in tests/screenshots/ (looked at by hand)."""

from __future__ import annotations

import pytest

from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

PAGES = {"index": "/impact", "study": "/impact/study", "concentration": "/impact/concentration", "did": "/impact/did"}


@pytest.mark.parametrize("width", [390, 1280])
def test_impact_pages(page, live_server, width):
    from moduai.impact.study import decline_study

    decline_study()  # the study's first computation takes seconds (regressions, bootstrap); the server is in-process
    page.set_viewport_size({"width": width, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        resp = page.goto(live_server + path)
        assert resp is not None and resp.status == 200, path
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} at {width}px is {overflow}px wider than the screen"
        if name in ("study", "concentration"):
            page.wait_for_selector(".chart .main-svg", timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / f"impact_{name}_{width}.png"), full_page=False)
    assert page.external_requests == []
