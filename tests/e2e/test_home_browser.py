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
