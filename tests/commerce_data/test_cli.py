"""`moduai commerce import / snapshots / generate` with --json: one JSON document, Korean errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from moduai.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args))


def test_import_json_then_reimport_is_a_no_op(db_url, fixture_data):
    path = str(fixture_data / "sangga/gangwon_first200_broken_shifted_row.csv")
    r = _run("commerce", "import", path, "--snapshot", "2024Q1", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert (doc["rows_ok"], doc["rows_rejected"], doc["rejected"][0]["line"]) == (199, 1, 2)
    doc = json.loads(_run("commerce", "import", path, "--snapshot", "2024Q1", "--json").stdout)
    assert doc["already_imported"] is True
    snaps = json.loads(_run("commerce", "snapshots", "--json").stdout)
    assert {s["id"]: s["rows"] for s in snaps}["2024Q1"] == 199


def test_old_code_files_infer_their_quarter(db_url, fixture_data):
    r = _run("commerce", "import", str(fixture_data / "sangga/old_codes_jeonnam_202212_2rows.csv"), "--json")
    doc = json.loads(r.stdout)
    assert doc["snapshot"] == "2022Q4" and doc["files"][0]["code_system"] == "old"


def test_errors_are_korean_json_on_stderr_with_exit_codes(db_url, fixture_data, tmp_path):
    r = _run("commerce", "import", str(fixture_data / "sangga/gangwon_first200.csv"), "--json")
    assert r.exit_code == 2 and r.stdout == ""
    err = json.loads(r.stderr)["error"]
    assert err["field"] == "snapshot" and "분기" in err["message"]
    r = _run("commerce", "import", str(tmp_path / "none.csv"), "--snapshot", "2024Q1", "--json")
    assert r.exit_code == 2 and "없습니다" in json.loads(r.stderr)["error"]["message"]
    r = _run("commerce", "import", str(tmp_path / "none.csv"), "--snapshot", "2024Q1")
    assert r.exit_code == 2 and "Traceback" not in r.output and "오류" in r.stderr


def test_generate_unit_json(tmp_path):
    out = tmp_path / "u.parquet"
    r = _run("commerce", "generate", "--unit", "39020", "--out", str(out), "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["rows"] > 1000 and doc["units"] == 1 and out.exists()
    r = _run("commerce", "generate", "--out", str(out), "--json")
    assert r.exit_code == 2 and "--national" in json.loads(r.stderr)["error"]["message"]
