"""/commerce/sites on the default store set (generated rows outside 회기동) says 합성 on the page and in the API."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_sites_page_and_api_label_synthetic_data():
    from moduai.web.app import create_app

    client = TestClient(create_app())
    q = {"region": "포항시 남구", "category": "카페", "top": "5"}
    api = client.get("/api/v1/commerce/sites", params=q)
    assert api.status_code == 200, api.text
    doc = api.json()
    assert doc["synthetic"] is True and doc["synthetic_share"] == 1.0
    assert "합성" in doc["data_note"] and all("합성" in c["reason"] for c in doc["cells"])
    assert "sangga-synthetic" in doc["sources"] and "sangga-hoegidong-2026q1" not in doc["sources"]
    assert all(c["stores"] > 0 for c in doc["cells"])
    page = client.get("/commerce/sites", params=q)
    assert page.status_code == 200
    assert 'class="badge synthetic"' in page.text and 'id="synthetic-note"' in page.text
    assert "합성 자료 100%" in page.text
