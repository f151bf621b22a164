"""CLI and API give the same documents; upload limit; every fieldai route is in the permission table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.cli import app as cli_app
from moduai.web.app import create_app
from tests.helpers_web import with_csrf


# per test: every test has its own MODUAI_HOME and so its own secret key, which signs the CSRF cookie;
# a module-wide client would carry a token the next test's key no longer accepts
@pytest.fixture
def client():
    with TestClient(create_app()) as c:
        with_csrf(c)
        yield c


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory) -> Path:
    t = pd.date_range("2026-01-05", periods=6 * 24 * 8, freq="10min")
    rng = np.random.default_rng(2)
    temp = np.asarray(12 + 3 * np.sin(2 * np.pi * (t.hour + t.minute / 60) / 24)) + rng.normal(0, 0.2, len(t))
    temp[700:730] = 4.0  # a cold spell at night (day 4, 20:40–01:30)
    path = tmp_path_factory.mktemp("f") / "온실.csv"
    pd.DataFrame({"일시": t.strftime("%Y-%m-%d %H:%M"), "온도(℃)": temp.round(2)}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("command", ["profile", "detect", "forecast", "alerts"])
def test_cli_json_equals_api_json(client, small_csv, command):
    res = CliRunner().invoke(cli_app, ["fieldai", command, str(small_csv), "--json"])
    assert res.exit_code == 0, res.output
    cli_doc = json.loads(res.stdout)
    api = client.post(f"/api/v1/fieldai/{command}", files={"file": (small_csv.name, small_csv.read_bytes(), "text/csv")})
    assert api.status_code == 200, api.text
    assert api.json() == cli_doc


def test_detect_finds_the_cold_spell_and_alerts_name_it(client, small_csv):
    api = client.post("/api/v1/fieldai/analyse", files={"file": (small_csv.name, small_csv.read_bytes(), "text/csv")})
    doc = api.json()
    assert any(w["label"] == "온도" and "낮음" in w["reason"] for w in doc["detection"]["windows"])
    frost = [a for a in doc["alerts"]["alerts"] if a["rule_id"] == "frost"]
    assert frost and frost[0]["start"] == "2026-01-09 22:00" and frost[0]["evidence"]["from"] <= "2026-01-09 22:00"


def test_cli_error_is_korean_json_with_exit_code(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\nx,1\ny,2\n", encoding="utf-8")
    res = CliRunner().invoke(cli_app, ["fieldai", "profile", str(bad), "--json"])
    assert res.exit_code == 2
    assert "시간 열을 찾지 못했습니다" in res.output


def test_upload_limit_and_missing_file(client, monkeypatch):
    from moduai.web.routes import fieldai as route

    monkeypatch.setattr(route, "UPLOAD_LIMIT", 1000)
    r = client.post("/api/v1/fieldai/profile", files={"file": ("big.csv", b"x" * 5000, "text/csv")})
    assert r.status_code == 422 and "MB보다 큽니다" in r.json()["error"]["message"]
    r = client.post("/fieldai/analyse", data={"site": ""})
    assert r.status_code == 422 and "올릴 파일을 골라 주세요" in r.text


def test_bad_rows_refused_with_rows_over_the_api(client):
    t = pd.date_range("2026-01-01", periods=50, freq="h").strftime("%Y-%m-%d %H:%M").tolist()
    t[3], t[10] = "??", "2026-99-01 00:00"
    raw = pd.DataFrame({"time": t, "v": range(50)}).to_csv(index=False).encode()
    r = client.post("/api/v1/fieldai/profile", files={"file": ("b.csv", raw, "text/csv")})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["type"] == "import_rejected" and [row["line"] for row in err["rows"]] == [5, 12]


def test_example_is_labelled_synthetic_everywhere(client):
    doc = client.get("/api/v1/fieldai/example?days=20").json()
    assert doc["synthetic"] and doc["profile"]["synthetic"] and doc["detection"]["synthetic"]
    assert doc["sources"] == ["fieldai-greenhouse-synthetic"]
    page = client.get("/fieldai/example?days=20")
    assert page.status_code == 200 and page.text.count("합성") >= 3
    ctx = client.get("/fieldai/example?days=20&format=json").json()
    assert set(ctx) == {"analysis", "timeline_chart", "forecast_charts", "sites", "example"}
    assert ctx["timeline_chart"]["data"][0]["visible"] is True
    assert all(t["visible"] == "legendonly" for t in ctx["timeline_chart"]["data"][1:-1])


def test_pages_are_offline_and_every_route_is_in_the_permission_table(client):
    from moduai.accounts.policy import permission_table
    from moduai.web.routes import fieldai as route

    table = permission_table()
    routes = [(m, r.path) for r in route.router.routes for m in r.methods]
    assert len(routes) == 10
    assert all(f"{m} {p}" in table for m, p in routes)
    html = client.get("/fieldai").text
    assert "http://" not in html and "https://" not in html and "/vendor/plotly.min.js" in html
