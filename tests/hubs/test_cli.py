"""`moduai hubs …` with --json: one JSON document, the same as the domain result; errors as JSON on stderr."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from moduai.cli import app

runner = CliRunner()


def _run(*args):
    r = runner.invoke(app, list(args))
    return r


def test_cli_create_demo_kpis_export_merge(db_url, tmp_path):
    r = _run("hubs", "demo", "--orgs", "60", "--json")
    assert r.exit_code == 0, r.output
    demo = json.loads(r.stdout)
    assert demo["label"] == "합성" and demo["hub"]["slug"] == "demo" and demo["counts"]["orgs"] >= 60

    r = _run("hubs", "kpis", "--hub", "demo", "--year", "2025", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["label"] == "합성" and len(doc["kpis"]) == 13
    for k in doc["kpis"]:
        assert {"numerator", "denominator", "definition", "value", "rows"} <= set(k)
    sel = next(k for k in doc["kpis"] if k["id"] == "selection_rate")
    assert sel["value"] == round(sel["numerator"] / sel["denominator"], 6)
    assert len(sel["rows"]["numerator"]) == sel["numerator"]

    r = _run("hubs", "create", "--name", "전주 거점센터", "--region", "전주시", "--focus", "스마트팜", "--slug", "jeonju",
             "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["megaregion_name"] == "전북특별자치도"
    r = _run("hubs", "list", "--json")
    assert [h["slug"] for h in json.loads(r.stdout)["hubs"]] == ["demo", "jeonju"]

    out = tmp_path / "r.xlsx"
    r = _run("hubs", "export", "--hub", "demo", "--year", "2025", "--out", str(out), "--json")
    assert r.exit_code == 0 and out.read_bytes()[:2] == b"PK"

    r = _run("hubs", "merge", "--hub", "demo", "--json")
    props = json.loads(r.stdout)["proposals"]
    assert props
    r = _run("hubs", "merge", "--proposal", str(props[0]["id"]), "--json")
    merged = json.loads(r.stdout)
    r = _run("hubs", "merge", "--undo", str(merged["log_id"]), "--json")
    assert json.loads(r.stdout)["undone"] is True


def test_cli_import_template_and_rejected_rows(db_url, tmp_path):
    _run("hubs", "create", "--name", "포항", "--region", "47110", "--slug", "p", "--json")
    tpl = tmp_path / "orgs.csv"
    r = _run("hubs", "import", "--template", "organisations", "--out", str(tpl), "--json")
    assert r.exit_code == 0 and tpl.read_text(encoding="utf-8-sig").startswith("기관명,사업자등록번호")
    r = _run("hubs", "import", str(tpl), "--hub", "p", "--entity", "organisations", "--json")
    assert json.loads(r.stdout)["inserted"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("기관명,사업자등록번호,예비창업자,본점 시군구,업종,설립일\nX,124-81-00997,아니오,,,\n", encoding="utf-8")
    r = _run("hubs", "import", str(bad), "--hub", "p", "--entity", "organisations", "--json")
    assert r.exit_code == 2
    err = json.loads(r.stderr)["error"]
    assert err["type"] == "import_rejected" and err["rows"][0]["line"] == 2


def test_cli_kpis_json_equals_the_api_document(db_url):
    """`moduai hubs kpis --json` and GET /api/v1/hubs/{hub}/kpis (signed in as the hub's operator) are one document."""
    from fastapi.testclient import TestClient

    from moduai.web.app import create_app
    from tests.helpers_auth import login_as

    demo = json.loads(_run("hubs", "demo", "--orgs", "40", "--json").stdout)
    cli = _run("hubs", "kpis", "--hub", "demo", "--year", "2024", "--json")
    assert cli.exit_code == 0, cli.output
    client = TestClient(create_app())
    login_as(client, "operator", "op-demo@example.kr", hub_id=demo["hub"]["id"])
    api = client.get("/api/v1/hubs/demo/kpis?year=2024")
    assert api.status_code == 200, api.text[:300]
    assert api.json() == json.loads(cli.stdout)
    assert len(api.json()["kpis"]) == 13 and api.json()["label"] == "합성"
