"""Impact pages and API: same documents as the CLI, uploads reported row by row, readings on every page."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.cli import app as cli_app
from moduai.web.app import create_app
from tests.helpers_web import with_csrf
from tests.impact.test_impact import AWARDS, _panel_sim


# per test: every test has its own MODUAI_HOME and so its own secret key, which signs the CSRF cookie;
# a module-wide client would carry a token the next test's key no longer accepts
@pytest.fixture
def client():
    return with_csrf(TestClient(create_app()))


@pytest.mark.parametrize("url", ["/impact", "/impact/study", "/impact/concentration", "/impact/did",
                                 "/impact/study?outcome=population&control=interest"])
def test_pages_render(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]


def test_study_page_shows_pretrend_warning_and_reading(client):
    text = client.get("/impact/study").text
    assert "효과로 읽으면 안" in text and "사건연구" in text


def test_study_api_equals_cli(client):
    api = client.get("/api/v1/impact/study").json()
    out = CliRunner().invoke(cli_app, ["impact", "did", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == api
    assert api["n_treated"] == 89


def test_concentration_api_equals_cli(client, tmp_path):
    f = tmp_path / "a.csv"
    AWARDS.to_csv(f, index=False)
    out = CliRunner().invoke(cli_app, ["impact", "concentration", str(f), "--json"])
    body = {"awards": [{**r, "amount": float(r["amount"])} for r in AWARDS.astype(str).to_dict("records")]}
    api = client.post("/api/v1/impact/concentration", json=body).json()
    assert json.loads(out.stdout) == api
    assert api["gini_recipients"] == pytest.approx(0.28)


def test_concentration_upload_reports_rows(client):
    bad = AWARDS.astype(str).copy()
    bad.loc[1, "amount"] = "많이"
    r = client.post("/impact/concentration", files={"file": ("a.csv", bad.to_csv(index=False).encode(), "text/csv")})
    assert r.status_code == 422 and "3행" in r.text


def test_did_upload_and_api(client):
    df = _panel_sim({2016: 1.5}, n_per=15, never=15)
    up = client.post("/impact/did", files={"file": ("p.csv", df.to_csv(index=False).replace("y,", "outcome,").encode(),
                                                     "text/csv")})
    assert up.status_code == 200 and "칼러웨이–산탄나 이중차분" in up.text  # the staggered estimate row
    rows = df.rename(columns={"y": "outcome"}).astype({"unit": str}).to_dict("records")
    api = client.post("/api/v1/impact/did", json={"rows": rows}).json()
    assert api["twfe"]["ci_low"] < 1.5 < api["twfe"]["ci_high"]
    r = client.post("/impact/did", files={"file": ("p.csv", b"unit,time\n1,2020\n", "text/csv")})
    assert r.status_code == 422 and "outcome" in r.text
