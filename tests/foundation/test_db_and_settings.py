"""Persistence and settings: migrations on SQLite and PostgreSQL, transactions, unsafe production values."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from moduai.config import load_settings
from moduai.db import migrate, session_scope
from moduai.db.engine import make_engine
from moduai.db.models import ImportLog
from moduai.errors import InputError


def test_migrations_reach_every_head_and_are_idempotent(db_url):
    migrate(db_url)  # second run: nothing to do, no error
    engine = make_engine(db_url)
    insp = sa.inspect(engine)
    assert "import_log" in insp.get_table_names()
    with engine.connect() as c:
        heads = {r[0] for r in c.execute(sa.text("select version_num from alembic_version"))}
    from alembic.script import ScriptDirectory

    from moduai.db.engine import alembic_config

    script = ScriptDirectory.from_config(alembic_config(db_url))
    assert heads == set(script.get_heads())
    engine.dispose()


def test_a_database_at_every_head_skips_alembic_and_one_below_a_head_still_migrates(db_url, monkeypatch):
    from alembic import command
    from alembic.script import ScriptDirectory

    from moduai.db.engine import alembic_config, at_heads, script_heads

    # the heads read from the scripts' text are the heads Alembic computes
    assert set(script_heads()) == set(ScriptDirectory.from_config(alembic_config(db_url)).get_heads())
    assert at_heads(db_url)
    calls = []
    real_upgrade = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda cfg, rev: (calls.append(rev), real_upgrade(cfg, rev)))
    migrate(db_url)  # a restart: the version table says every head, Alembic is not run
    assert calls == []
    # one branch one step back (marketing_0003 → marketing_0002): not at heads, so the next start upgrades
    command.downgrade(alembic_config(db_url), "marketing@-1")
    engine = make_engine(db_url)
    assert "duplicate_lines" not in {c["name"] for c in sa.inspect(engine).get_columns("marketing_import")}
    assert not at_heads(db_url)
    migrate(db_url)
    assert calls == ["heads"]
    assert "duplicate_lines" in {c["name"] for c in sa.inspect(engine).get_columns("marketing_import")}
    assert at_heads(db_url)
    engine.dispose()


def test_a_fresh_or_missing_database_is_not_at_heads(tmp_path):
    from moduai.db.engine import at_heads

    assert not at_heads(f"sqlite:///{tmp_path / 'none.db'}")
    assert not at_heads("sqlite:///:memory:")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    e = make_engine(url)
    with e.begin() as c:
        c.execute(sa.text("create table t (x int)"))
    e.dispose()
    assert not at_heads(url)


def test_session_scope_rolls_back_on_error(db_url):
    engine = make_engine(db_url)
    with pytest.raises(RuntimeError):
        with session_scope(engine) as s:
            s.add(ImportLog(domain="test", source_name="a.csv", sha256="0" * 64, rows_ok=1, rows_rejected=0))
            s.flush()
            raise RuntimeError("boom")
    with session_scope(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(ImportLog)) == 0
        s.add(ImportLog(domain="test", source_name="a.csv", sha256="1" * 64, rows_ok=3, rows_rejected=1))
    with session_scope(engine) as s:
        assert s.scalar(sa.select(ImportLog.rows_ok)) == 3
    engine.dispose()


def test_settings_defaults_and_env(tmp_path):
    s = load_settings({"MODUAI_HOME": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'moduai.db'}"
    assert s.llm_base_url is None
    s = load_settings({"MODUAI_HOME": str(tmp_path), "MODUAI_DATABASE_URL": "postgresql+psycopg://x@h/db"})
    assert s.database_url.startswith("postgresql")


def test_placeholder_secret_is_refused_in_every_mode_and_a_fresh_home_gets_its_own_key(tmp_path):
    for mode in ("development", "production"):
        with pytest.raises(InputError, match="MODUAI_SECRET_KEY"):
            load_settings({"MODUAI_HOME": str(tmp_path), "MODUAI_ENV": mode,
                           "MODUAI_SECRET_KEY": "moduai-dev-secret-change-me"})
    strong = "k" * 20 + "-strong-secret-0123456789"
    ok = load_settings({"MODUAI_HOME": str(tmp_path), "MODUAI_ENV": "production", "MODUAI_SECRET_KEY": strong})
    assert ok.secret_key == strong
    unset = load_settings({"MODUAI_HOME": str(tmp_path / "a"), "MODUAI_ENV": "production"})
    assert len(unset.secret_key) >= 32 and (tmp_path / "a" / "secret.key").stat().st_mode & 0o777 == 0o600
    with pytest.raises(InputError, match="MODUAI_LLM_TIMEOUT"):
        load_settings({"MODUAI_HOME": str(tmp_path), "MODUAI_LLM_TIMEOUT": "soon"})


def test_the_sqlite_start_up_check_agrees_with_at_heads_without_sqlalchemy(tmp_path):
    """``moduai serve``'s check (stdlib sqlite3) answers as ``at_heads`` on a missing, empty, migrated and
    one-step-behind SQLite file, never creates the file, and says False for anything but a SQLite file."""
    from alembic import command

    from moduai.db.engine import alembic_config, at_heads
    from moduai.db.heads import sqlite_file_at_heads

    url = f"sqlite:///{tmp_path / 'start.db'}"
    assert not sqlite_file_at_heads(url) and not (tmp_path / "start.db").exists()
    assert not sqlite_file_at_heads("sqlite:///:memory:")
    assert not sqlite_file_at_heads("postgresql+psycopg://u@localhost/x")
    (tmp_path / "start.db").write_bytes(b"")  # an empty file: no version table
    assert not sqlite_file_at_heads(url) and not at_heads(url)
    migrate(url)
    assert sqlite_file_at_heads(url) and at_heads(url)
    command.downgrade(alembic_config(url), "marketing@-1")
    assert not sqlite_file_at_heads(url) and not at_heads(url)
    migrate(url)
    assert sqlite_file_at_heads(url) and at_heads(url)
