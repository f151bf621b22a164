"""`moduai talent …`: --json prints one document equal to the domain result; errors are Korean JSON."""

import json

from typer.testing import CliRunner

from moduai.cli import app
from moduai.results import to_jsonable
from moduai.talent.outcomes import outcomes_report

runner = CliRunner()


def test_outcomes_json_is_the_domain_document():
    res = runner.invoke(app, ["talent", "outcomes", "--by", "sido", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc == json.loads(json.dumps(to_jsonable(outcomes_report("sido"))))
    assert doc["funnel"]["total"]["runs"] == 6523 and doc["cutoff"] == "2025-12-31"


def test_demo_match_and_retention_round_trip(tmp_path):
    res = runner.invoke(app, ["talent", "demo", "--out", str(tmp_path), "--trainees", "120", "--slots", "30", "--json"])
    assert res.exit_code == 0, res.output
    files = json.loads(res.stdout)["files"]
    res = runner.invoke(app, ["talent", "match", "--trainees", files[0], "--slots", files[1], "--cap", "수도권=0.7",
                              "--explain", "T00001", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    r = doc["result"]
    assert doc["synthetic"] and doc["label"].startswith("합성")
    assert r["nrmp_2024_match_rate"] == 0.802 and r["mechanism"] == "flexible_da"
    capital = next(g for g in r["regions"] if g["region"] == "capital")
    assert capital["filled"] <= 0.7 * r["placed"] + 1e-9
    assert doc["explanation"]["trainee_id"] == "T00001" and doc["explanation"]["lines"]
    assert len(r["placements"]) == 120
    res = runner.invoke(app, ["talent", "retention", files[2], "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["total"]["placements"] == 120


def test_bad_cap_is_a_korean_error(tmp_path):
    res = runner.invoke(app, ["talent", "demo", "--out", str(tmp_path), "--json"])
    files = json.loads(res.stdout)["files"]
    res = runner.invoke(app, ["talent", "match", "--trainees", files[0], "--slots", files[1], "--cap", "수도권:3", "--json"])
    assert res.exit_code == 2
    assert "권역=값" in json.loads(res.stderr.strip())["error"]["message"]
