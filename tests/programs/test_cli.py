"""`moduai programs …` commands: one JSON document with --json, Korean errors with exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from moduai.cli import app
from moduai.db import migrate

runner = CliRunner()


def test_match_json(tmp_path):
    migrate()
    profile = tmp_path / "profile.yaml"
    profile.write_text("age: 29\nregion_code: '51150'\nbusiness_status: 예비\nindustry: 카페\ngroups: [청년]\n",
                       encoding="utf-8")
    r = runner.invoke(app, ["programs", "match", "--profile", str(profile), "--today", "2026-12-01", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["eligible"][0]["slug"] == "sample-gangneung-youth-cafe"
    assert doc["sources"] == ["programs-samples"]


def test_bad_profile_exits_2_with_korean_message(tmp_path):
    migrate()
    profile = tmp_path / "p.yaml"
    profile.write_text("employes: 3\n", encoding="utf-8")
    r = runner.invoke(app, ["programs", "match", "--profile", str(profile), "--json"])
    assert r.exit_code == 2
    assert "모르는 항목" in r.stderr and "Traceback" not in r.output


def test_search_seed_list_and_import(fixture_data):
    migrate()
    s = runner.invoke(app, ["programs", "search", "스마트팜 청년", "--method", "bm25", "--json"])
    assert s.exit_code == 0 and json.loads(s.stdout)["hits"][0]["kind"] == "스마트팜"
    seed = json.loads(runner.invoke(app, ["programs", "seed", "--json"]).stdout)
    assert seed["unchanged"] == seed["programs"] >= 30
    imp = runner.invoke(app, ["programs", "import", str(fixture_data / "programs/kstartup_announcements_sample.json"),
                              "--json"])
    assert imp.exit_code == 0 and json.loads(imp.stdout)["created"] == 30
    listed = json.loads(runner.invoke(app, ["programs", "list", "--json"]).stdout)
    assert listed["count"] == seed["programs"] + 30
    missing = runner.invoke(app, ["programs", "import", "/nonexistent.csv"])
    assert missing.exit_code == 2 and "없습니다" in missing.stderr


def test_calendar_ics_file_is_written_atomically(tmp_path):
    migrate()
    out = tmp_path / "deadlines.ics"
    r = runner.invoke(app, ["programs", "calendar", "--ics", str(out), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    raw = out.read_bytes()
    assert doc["events"] == raw.count(b"BEGIN:VEVENT") > 0
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and not list(tmp_path.glob("*.tmp"))
