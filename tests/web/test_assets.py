"""Assets: versioned URLs cached for a year, others revalidated by ETag; plotly.js and pages sent gzipped."""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from moduai.web.app import create_app
from moduai.web.assets import LONG_CACHE, PLOTLY_JS, asset_url
from moduai.web.templating import STATIC_DIR


@pytest.fixture
def client():
    return TestClient(create_app())


def test_chart_page_names_the_versioned_plotly_url_and_it_is_cached_for_a_year(client):
    html = client.get("/grants").text if "plotly" in client.get("/grants").text else client.get("/talent").text
    url = re.search(r'src="(/vendor/plotly\.min\.js\?v=[0-9a-f]{12})"', html).group(1)
    assert url.endswith(hashlib.sha256(PLOTLY_JS.read_bytes()).hexdigest()[:12])
    r = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["cache-control"] == LONG_CACHE
    assert r.headers["content-encoding"] == "gzip"
    assert r.content == PLOTLY_JS.read_bytes()  # httpx undid the gzip: the same bytes as the wheel's file
    assert int(r.headers["content-length"]) < len(r.content) / 2.5  # 4.8 MB → ≈ 1.4 MB on the wire
    again = client.get(url, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_unversioned_or_stale_urls_are_revalidated(client):
    for url in ("/vendor/plotly.min.js", "/vendor/plotly.min.js?v=000000000000", "/static/moduai.css"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["cache-control"] == "no-cache" and r.headers.get("etag"), url
    plain = client.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.content) == PLOTLY_JS.stat().st_size


def test_static_css_versioned_url_follows_the_file_content(client):
    url = asset_url("/static/moduai.css")
    digest = hashlib.sha256((STATIC_DIR / "moduai.css").read_bytes()).hexdigest()[:12]
    assert url == f"/static/moduai.css?v={digest}"
    assert url in client.get("/").text
    r = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert r.headers["cache-control"] == LONG_CACHE and r.headers["content-encoding"] == "gzip"
    assert r.content == (STATIC_DIR / "moduai.css").read_bytes()


def test_pages_are_gzipped_when_accepted(client):
    r = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    raw = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert gzip.decompress(gzip.compress(raw.content)) == raw.content and "<html" in r.text
