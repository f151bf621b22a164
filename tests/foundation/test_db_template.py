"""The empty database shipped for a fresh SQLite home (``moduai/db/template/``, built by
``scripts/build_derived.py``): it is current (named by today's migration scripts), it is exactly what Alembic
builds (schema, indexes, rows, recorded heads), and a fresh home gets it without Alembic.  When the first test
fails after a change to a migration, rebuild: ``PYTHONPATH=src python scripts/build_derived.py``."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from moduai.db import heads


def _dump(path) -> tuple[list[str], int]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump()), conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_the_shipped_template_is_current_and_alone():
    assert heads.template_file().is_file(), "the migrations changed: rebuild the template"
    assert sorted(p.name for p in heads.TEMPLATE_DIR.glob("*.sqlite3")) == [heads.template_file().name]


def test_the_template_equals_a_fresh_alembic_migration(tmp_path, monkeypatch):
    from moduai.db.engine import get_engine, migrate

    monkeypatch.setattr(heads, "TEMPLATE_DIR", tmp_path / "none")  # Alembic, as before the template
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate(url)
    get_engine(url).dispose()
    monkeypatch.undo()
    fresh, template = _dump(tmp_path / "fresh.db"), _dump(heads.template_file())
    assert len(fresh[0]) > 50 and any("CREATE TABLE" in line for line in fresh[0])
    assert template == fresh  # every table, index, trigger and row (the recorded heads included)
    conn = sqlite3.connect(heads.template_file())
    try:
        stored = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
    finally:
        conn.close()
    assert stored == set(heads.script_heads())


def test_a_fresh_sqlite_home_gets_the_template_without_alembic(tmp_path):
    db = tmp_path / "home" / "moduai.db"
    code = (
        "import sys; from moduai.db import migrate; from moduai.db.engine import at_heads\n"
        f"url = {f'sqlite:///{db}'!r}\n"
        "migrate(url); assert at_heads(url); print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"
    assert _dump(db) == _dump(heads.template_file())


def test_the_template_is_used_only_for_a_new_file_and_a_current_key(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert heads.create_from_template(url) is True
    assert heads.create_from_template(url) is False  # the file exists (a concurrent first start): left alone
    assert heads.sqlite_file_at_heads(url)
    (tmp_path / "b.db").write_bytes(b"")
    assert heads.create_from_template(f"sqlite:///{tmp_path / 'b.db'}") is False
    assert (tmp_path / "b.db").read_bytes() == b""
    assert heads.create_from_template("postgresql+psycopg://postgres@127.0.0.1:5432/x") is False
    assert heads.create_from_template("sqlite:///:memory:") is False
    monkeypatch.setattr(heads, "migrations_key", lambda: "0" * 20)  # an edited migration: stale template
    assert heads.create_from_template(f"sqlite:///{tmp_path / 'c.db'}") is False
    assert not (tmp_path / "c.db").exists()
    assert list(tmp_path.glob(".*template")) == []  # no temporary file left behind
