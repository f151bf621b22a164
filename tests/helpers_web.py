"""Web test helpers: a CSRF token the way a browser gets it (load a page, read the hidden field).

The server checks a token on every POST/PUT/PATCH/DELETE (moduai.web.security). A test client keeps the
``moduai_csrf`` cookie between requests, so: ``token = csrf_token(client)`` once, then
``post(client, url, data=...)`` or ``client.post(url, json=..., headers=csrf_headers(client))``.
"""

from __future__ import annotations

import re

_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, page: str | None = None) -> str:
    """The token of a page's form (``page``) or, by default, of ``GET /api/v1/csrf``."""
    if page is None:
        r = client.get("/api/v1/csrf")
        assert r.status_code == 200, r.text
        return r.json()["csrf_token"]
    r = client.get(page)
    match = _FIELD.search(r.text)
    assert match, f"no csrf_token field on {page}"
    return match.group(1)


def csrf_headers(client, page: str | None = None) -> dict[str, str]:
    return {"X-CSRF-Token": csrf_token(client, page)}


def post(client, url: str, *, page: str | None = None, data: dict | None = None, **kwargs):
    """POST like a browser form: ``csrf_token`` in the form data (or the header for JSON/files-only posts)."""
    token = csrf_token(client, page)
    if data is not None or "files" in kwargs:
        data = {**(data or {}), "csrf_token": token}
        return client.post(url, data=data, **kwargs)
    headers = {**kwargs.pop("headers", {}), "X-CSRF-Token": token}
    return client.post(url, headers=headers, **kwargs)


def with_csrf(client):
    """The client sends a real token (from ``GET /api/v1/csrf``) in ``X-CSRF-Token`` on every request from now
    on, as a JavaScript API client would; its cookie jar already holds the matching cookie."""
    client.headers["X-CSRF-Token"] = csrf_token(client)
    return client
