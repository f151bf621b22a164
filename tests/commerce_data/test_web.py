"""The /commerce/data page and the /api/v1/commerce data endpoints through the real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moduai.web.app import create_app

TRUNC = "sangga/gangwon_first200_broken_truncated_rows.csv"


@pytest.fixture
def client(db_url):
    """An operator signed in: importing 상가 snapshots changes what everyone sees."""
    from tests.helpers_auth import login_as

    c = TestClient(create_app())
    login_as(c, "operator")
    return c


def test_api_import_reports_every_rejected_row_then_is_a_no_op(client, fixture_data):
    data = (fixture_data / TRUNC).read_bytes()
    r = client.post("/api/v1/commerce/import", files=[("files", ("gangwon_2024q1.csv", data, "text/csv"))])
    assert r.status_code == 200
    body = r.json()
    assert body["snapshot"] == "2024Q1" and (body["rows_ok"], body["rows_rejected"]) == (187, 13)
    assert [e["line"] for e in body["rejected"]] == [2, 3, 4, 11, 15, 19, 25, 30, 34, 37, 54, 57, 59]
    assert all(e["reason"] for e in body["rejected"])
    again = client.post("/api/v1/commerce/import", files=[("files", ("renamed_2024q1.csv", data, "text/csv"))]).json()
    assert again["already_imported"] and again["rows_ok"] == 0
    snaps = {s["id"]: s for s in client.get("/api/v1/commerce/snapshots").json()["snapshots"]}
    assert snaps["2024Q1"]["rows"] == 187 and snaps["2024Q1"]["synthetic"] is False
    assert snaps["default"]["synthetic"] is True


def test_api_import_refuses_a_file_that_is_not_sangga_data(client):
    r = client.post("/api/v1/commerce/import", files=[("files", ("x.csv", b"a,b\n1,2\n", "text/csv"))],
                    data={"snapshot": "2024Q3"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["type"] == "import_rejected" and "필수 열" in err["message"]
    r = client.post("/api/v1/commerce/import", files=[("files", ("x.csv", b"a,b\n", "text/csv"))], data={"snapshot": "26Q1"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "snapshot"


def test_data_page_lists_snapshots_and_shows_an_upload_report(client, fixture_data):
    page = client.get("/commerce/data")
    assert page.status_code == 200
    for text in ("상가 자료", "회기동", "합성 포함", 'label for="files"', 'label for="snapshot"'):
        assert text in page.text
    ctx = client.get("/commerce/data?format=json").json()
    assert [s["id"] for s in ctx["snapshots"]][:3] == ["default", "hoegidong-2026Q1", "gangwon-sample"]
    assert len(ctx["majors"]) == 10 and sum(m["minors"] for m in ctx["majors"]) == 247
    data = (fixture_data / "sangga/gangwon_first200_broken_shifted_row.csv").read_bytes()
    r = client.post("/commerce/data", files=[("files", ("shifted.csv", data, "text/csv"))], data={"snapshot": "2024q2"})
    assert r.status_code == 200
    assert "199" in r.text and "열이 하나 모자랍니다" in r.text
    r = client.post("/commerce/data", files=[("files", ("x.csv", b"\x00\x01", "text/csv"))], data={"snapshot": "2024Q3"})
    assert r.status_code == 422 and "가져오지 못했습니다" in r.text and "이미 저장된 자료는 그대로" in r.text


def test_category_endpoints(client):
    r = client.get("/api/v1/commerce/categories/resolve", params={"text": "커피"})
    assert r.status_code == 200 and r.json()["category"]["code"] == "I21201"
    r = client.get("/api/v1/commerce/categories/resolve", params={"text": "카패"})
    assert r.status_code == 422 and r.json()["error"]["candidates"][0] == "카페"
    assert len(client.get("/api/v1/commerce/categories", params={"level": "mid"}).json()["categories"]) == 75
    assert client.get("/api/v1/commerce/categories", params={"level": "x"}).status_code == 422
