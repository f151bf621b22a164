"""The web shell: home page, one error shape, offline assets."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moduai.web.app import create_app


@pytest.fixture
def client():
    return TestClient(create_app())


def test_home_lists_modules_in_korean(client):
    r = client.get("/")
    assert r.status_code == 200
    for label in ("상권 분석", "지역균형", "지원사업", "마케팅"):
        assert label in r.text
    ctx = client.get("/?format=json").json()
    assert [m["href"] for m in ctx["modules"]][:4] == ["/commerce", "/balance", "/programs", "/marketing"]


def test_unknown_api_path_gets_the_one_error_shape(client):
    r = client.get("/api/v1/does-not-exist")
    assert r.status_code == 404
    body = r.json()
    assert body["error"]["type"] == "not_found"
    assert "찾을 수 없습니다" in body["error"]["message"]


def test_unknown_page_is_a_korean_html_page(client):
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]
    assert "찾을 수 없습니다" in r.text


def test_plotly_is_served_from_the_installed_wheel(client):
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200
    assert len(r.content) > 1_000_000


def test_pages_reference_no_external_hosts(client):
    html = client.get("/").text
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html
