"""Several processes at once: the first migration, identical imports, and what a killed import leaves.

Real processes (``subprocess``), each with the same MODUAI_HOME / database, started together."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
CLI = "from moduai.cli import main; main()"


def _env(home: Path, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODUAI_")}
    env.update(MODUAI_HOME=str(home), PYTHONPATH=str(ROOT / "src"))
    if url:
        env["MODUAI_DATABASE_URL"] = url
    return env


def _run_together(args_list: list[list[str]], env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, "-c", CLI, *args], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in args_list]
    out = []
    for p, args in zip(procs, args_list, strict=True):
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(args, p.returncode, stdout, stderr))
    return out


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_db(request, tmp_path):
    """A database URL nobody has migrated yet (SQLite file in a fresh home, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        yield None  # the default: MODUAI_HOME/moduai.db
        return
    from tests.conftest import PG_ADMIN_URL, _pg_available

    reason = _pg_available()
    if reason:
        pytest.skip(reason)
    name = f"moduai_fresh_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.execute(sa.text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def test_three_first_runs_on_a_fresh_home(tmp_path, fresh_db):
    home = tmp_path / "home"
    results = _run_together([["db-upgrade", "--json"]] * 3, _env(home, fresh_db))
    for r in results:
        assert r.returncode == 0, r.stderr[-2000:]
        assert "already exists" not in r.stderr and "UniqueViolation" not in r.stderr
    heads = {tuple(json.loads(r.stdout)["heads"]) for r in results}
    assert len(heads) == 1
    url = fresh_db or f"sqlite:///{home / 'moduai.db'}"
    eng = sa.create_engine(url)
    with eng.connect() as c:
        versions = sorted(row[0] for row in c.execute(sa.text("SELECT version_num FROM alembic_version")))
    eng.dispose()
    assert versions == sorted(next(iter(heads)))


def test_concurrent_identical_program_imports(tmp_path, fresh_db):
    from moduai.programs.synthetic import write_synthetic_bizinfo_csv

    home = tmp_path / "home"
    csv_path = tmp_path / "bizinfo_synthetic.csv"
    n = write_synthetic_bizinfo_csv(csv_path, rows=1500, description_chars=300)["rows"]
    env = _env(home, fresh_db)
    results = _run_together([["programs", "import", str(csv_path)]] * 2, env)
    for r in results:
        assert r.returncode == 0, r.stderr[-2000:]
    again = [r for r in results if "이미 가져옴" in r.stdout]
    stored = [r for r in results if f"{n}건 중 {n}건 저장 (새로 {n}" in r.stdout]
    assert len(again) == 1 and len(stored) == 1, [r.stdout for r in results]
    url = fresh_db or f"sqlite:///{home / 'moduai.db'}"
    eng = sa.create_engine(url)
    with eng.connect() as c:
        count = c.execute(sa.text("SELECT count(*) FROM programs WHERE slug LIKE 'bizinfo-SYN-%'")).scalar()
        logs = c.execute(sa.text("SELECT count(*) FROM import_log WHERE domain = 'programs'")).scalar()
    eng.dispose()
    assert count == n and logs == 2


def test_concurrent_identical_commerce_imports(tmp_path, fresh_db):
    from moduai.commerce.generator import generate_units_file

    home = tmp_path / "home"
    made = generate_units_file(["39020"], tmp_path / "csv", fmt="csv")  # 서귀포시, 합성
    path = made["files"][0]
    env = _env(home, fresh_db)
    results = _run_together([["commerce", "import", path, "--snapshot", "2026Q1", "--json"]] * 2, env)
    for r in results:
        assert r.returncode == 0, r.stderr[-2000:]
    docs = [json.loads(r.stdout) for r in results]
    assert sorted(d["already_imported"] for d in docs) == [False, True]
    assert {d["message"] for d in docs} == {"가져오기 완료", "이미 가져옴"}
    first = next(d for d in docs if not d["already_imported"])
    assert first["rows_ok"] == made["rows"]
    snaps = json.loads(subprocess.run([sys.executable, "-c", CLI, "commerce", "snapshots", "--json"], env=env,
                                      capture_output=True, text=True, check=True).stdout)["snapshots"]
    assert {s["id"]: s["rows"] for s in snaps}["2026Q1"] == made["rows"]
    leftovers = [p.name for p in (home / "imports" / "commerce").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_orphaned_temp_files_are_cleaned_on_next_start(tmp_path, monkeypatch):
    """A killed import leaves `.2026Q1.parquet.<pid>.<hex>.tmp`; the next start removes it, and keeps the
    temporary file of an import that is still running (its process is alive)."""
    from moduai.config import get_settings

    home = Path(os.environ["MODUAI_HOME"])
    folder = home / "imports" / "commerce"
    folder.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = folder / f".2026Q1.parquet.{dead.pid}.0123abcd.tmp"
    orphan.write_bytes(b"PAR1 half a file")
    live = folder / f".2026Q2.parquet.{os.getpid()}.89abcdef.tmp"
    live.write_bytes(b"being written")
    from moduai.housekeeping import new_spool_folder, owner_pid

    spool = home / "tmp" / f"upload-{dead.pid}-0123abcd9k_x2ab1"  # the shape new_spool_folder makes
    spool.mkdir(parents=True)
    mine = new_spool_folder()
    assert owner_pid(mine.name) == os.getpid()
    (spool / "ledger.csv").write_text("고객,날짜,금액\n")
    keep = folder / "2026Q1.parquet"
    keep.write_bytes(b"a real snapshot")
    get_settings.cache_clear()

    from fastapi.testclient import TestClient

    from moduai.web.app import create_app

    with TestClient(create_app()) as client:  # the lifespan runs: this is "the next start"
        assert client.get("/api/v1/megaregions").status_code == 200
    assert not orphan.exists() and not spool.exists()
    assert live.exists() and keep.exists() and mine.exists()
