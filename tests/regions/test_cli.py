"""`moduai region` and `moduai megaregions` from the command line: JSON documents and exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from moduai.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_region_by_name_json():
    r = run("region", "포항시 북구", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["region"]["code"] == "47113"
    assert doc["region"]["full_name"] == "경상북도 포항시 북구"
    assert [p["code"] for p in doc["parents"]] == ["47", "47110"]
    assert doc["megaregion"]["name"] == "대경권"
    assert "\\u" not in r.stdout  # Korean is not escaped


def test_region_by_point_is_pohang_city_hall():
    doc = json.loads(run("region", "--lat", "36.019", "--lon", "129.343", "--json").stdout)
    assert doc["region"]["full_name"] == "경상북도 포항시 남구"
    assert doc["point"]["emd"]["name"] == "대잠동"


def test_gangwon_do_finds_the_special_province():
    doc = json.loads(run("region", "강원도", "--json").stdout)
    assert doc["region"]["full_name"] == "강원특별자치도"
    assert doc["megaregion"]["kind"] == "특"


def test_errors_are_korean_on_stderr_with_nonzero_exit():
    r = run("region", "포함시", "--json")
    assert r.exit_code == 3
    err = json.loads(r.stderr)["error"]
    assert err["type"] == "not_found" and "포항시" in err["message"]
    assert r.stdout == ""
    r = run("region", "--lat", "91", "--lon", "129")
    assert r.exit_code == 2 and "대한민국 밖" in r.stderr and "Traceback" not in r.output
    r = run("region", "--lat", "36.0")
    assert r.exit_code == 2 and "--lon" in r.stderr
    r = run("region", "--code", "99999")
    assert r.exit_code == 3 and "찾을 수 없습니다" in r.stderr


def test_ambiguous_name_lists_candidates():
    r = run("region", "양덕동", "--json")
    assert r.exit_code == 2
    cands = json.loads(r.stderr)["error"]["candidates"]
    assert {c["code"] for c in cands} == {"47113122", "48127105"}


def test_megaregions_both_variants():
    off = json.loads(run("megaregions", "--json").stdout)
    seed = json.loads(run("megaregions", "--variant", "seed-blog", "--json").stdout)
    assert sum(len(g["sido_codes"]) for g in off["groups"]) == 17
    assert [g["name"] for g in seed["groups"] if g["kind"] == "특"] == ["제주특별자치도", "세종특별자치시"]


def test_help_of_every_group_exits_cleanly():
    for group in ([], ["commerce"], ["balance"], ["programs"], ["marketing"], ["data"], ["region"]):
        r = run(*group, "--help")
        assert r.exit_code == 0, (group, r.output)
        assert "내부 오류" not in r.output


# ---- the fast path of `moduai region` (moduai.cli.fast): same documents, no Typer ------------------------------

FAST_CASES = [
    ["region", "포항시 북구", "--json"],
    ["region", "--json", "--lat", "36.019", "--lon=129.343"],
    ["region", "--code", "47113", "--json"],
    ["region", "포항시 북구"],
    ["region", "--lat", "36.019", "--lon", "129.343"],
]


def _console_script(args, env_src):
    import os
    import subprocess
    import sys

    code = ("import sys; from moduai.cli import main; sys.argv[0] = 'moduai'; main(); "
            "print('@@', sorted(m for m in ('typer', 'click', 'pydantic') if m in sys.modules), file=sys.stderr)")
    env = dict(os.environ, PYTHONPATH=env_src, COLUMNS="100")
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120)


def test_fast_path_prints_what_the_typer_command_prints_without_importing_typer():
    from pathlib import Path

    import moduai

    src = str(Path(moduai.__file__).parent.parent)
    for args in FAST_CASES:
        p = _console_script(args, src)
        assert p.returncode == 0, p.stderr
        assert "@@ []" in p.stderr, (args, p.stderr)  # answered without Typer, click or pydantic
        via_typer = CliRunner().invoke(app, args, env={"COLUMNS": "100"}, terminal_width=100)
        assert via_typer.exit_code == 0
        if "--json" in args:
            assert json.loads(p.stdout) == json.loads(via_typer.stdout)
        else:
            assert p.stdout.split() == via_typer.stdout.split()  # Rich pads the table to the terminal width
            assert "47113" in p.stdout or "대잠동" in p.stdout


def test_fast_path_leaves_help_errors_and_odd_arguments_to_typer():
    from pathlib import Path

    import moduai
    from moduai.cli.fast import parse_region_args

    assert parse_region_args(["포항", "--json"]) == {"query": "포항", "lat": None, "lon": None, "code": None,
                                                     "as_json": True}
    assert parse_region_args(["--lat=36.0", "--lon", "129"])["lon"] == 129.0
    for odd in (["--help"], ["포항", "강릉"], ["--lat", "북쪽"], ["--lat"], ["--radius", "3"]):
        assert parse_region_args(odd) is None, odd
    src = str(Path(moduai.__file__).parent.parent)
    # an error of the look-up: Typer reports it as before (Korean message, JSON on stderr, exit code)
    p = _console_script(["region", "없는동네이름", "--json"], src)
    via_typer = CliRunner().invoke(app, ["region", "없는동네이름", "--json"])
    assert p.returncode == via_typer.exit_code != 0
    assert json.loads(p.stderr.splitlines()[0]) == json.loads(via_typer.stderr)
