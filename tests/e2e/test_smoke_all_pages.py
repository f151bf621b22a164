"""Every page reachable from the navigation renders in Chromium: no server error, no external request,
Korean text on the page, and no console errors from our own scripts."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

import pytest

from moduai.web.templating import NAV

pytestmark = pytest.mark.e2e


def test_nav_pages_and_their_first_level_links(page, live_server):
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    seen: set[str] = set()
    queue = [href for href, _ in NAV]
    while queue and len(seen) < 60:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        resp = page.goto(live_server + path)
        assert resp is not None and resp.status < 500, f"{path}: HTTP {resp and resp.status}"
        if resp.status >= 400:
            continue
        if "text/html" not in (resp.headers.get("content-type") or ""):
            continue
        body = page.locator("body").inner_text()
        assert any("\uac00" <= ch <= "\ud7a3" for ch in body), f"{path}: no Korean text"
        if path in {href for href, _ in NAV}:  # follow one level of in-site links from the nav pages
            for a in page.locator("main a[href]").all()[:25]:
                href = a.get_attribute("href") or ""
                url = urlparse(urljoin(live_server + path, href))
                if url.netloc == urlparse(live_server).netloc and not url.path.startswith(("/api/", "/vendor/")) \
                        and not url.path.endswith((".pdf", ".xlsx", ".csv", ".ics")):
                    queue.append(url.path + (f"?{url.query}" if url.query else ""))
    assert page.external_requests == [], page.external_requests
    # a page that needs signing in (거점센터) answers 401 to an anonymous visitor; the browser logs that as an error
    console_errors = [m for m in console_errors if "status of 401" not in m]
    assert console_errors == [], console_errors
