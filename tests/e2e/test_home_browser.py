"""Home page in a real headless Chromium, with every non-local request blocked."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_home_renders_offline(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("h1").first.inner_text().startswith("모두의 AI")
    assert page.locator(".card").count() >= 4
    path = screenshot(page, "home")
    assert path.stat().st_size > 10_000
    assert page.external_requests == []


@pytest.mark.parametrize("width", [390, 1280])
def test_home_search_shows_its_whole_example(page, live_server, width):
    """The region search box is wide enough for its example: it showed '예: 포항시 북구, 강릉, 9' (cut) at both
    widths.  Measured with the input's own font; the box stays inside the screen."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/")
    box = page.locator("form.search input#q")
    text_px, inner_px = box.evaluate("""e => { const st = getComputedStyle(e);
        const ctx = document.createElement('canvas').getContext('2d'); ctx.font = st.font;
        return [ctx.measureText(e.placeholder).width,
                e.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight)]; }""")
    assert text_px <= inner_px, (text_px, inner_px)
    b = box.bounding_box()
    assert b["x"] + b["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
