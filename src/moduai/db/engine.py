"""Engines, sessions and migrations."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from moduai.config import get_settings
from moduai.db.heads import MIGRATIONS_DIR, create_from_template, script_heads
from moduai.db.locks import database_lock

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATED: set[str] = set()  # URLs brought to every head by this process
_MIGRATE_LOCK = threading.Lock()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and its folder created."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _fk_on(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not url.startswith("sqlite:///:memory:"):
                # WAL: readers (every signed-in request looks up its session) keep answering while a large
                # import commits; in the default rollback journal they waited for the writer (seconds).
                # The mode is stored in the file; a connection that loses the race to set it just reads on.
                try:
                    cur.execute("PRAGMA journal_mode=WAL")
                except Exception:  # noqa: BLE001 - sqlite3.OperationalError: locked by a concurrent first start
                    pass
            cur.close()

    return engine


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    return make_engine(url or get_settings().database_url)


def sessionmaker_for(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error, so nothing is half-written."""
    session = sessionmaker_for(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # deferred: alembic ≈ 0.15 s to import; only needed when migrating

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def at_heads(url: str) -> bool:
    """True when the database at ``url`` records exactly the scripts' heads in ``alembic_version``.
    Any doubt (no such table, no database yet, an in-memory database) answers False, so Alembic runs."""
    if url.startswith("sqlite:///:memory:") or url == "sqlite://":
        return False
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).expanduser().is_file():
        return False
    try:
        with get_engine(url).connect() as conn:
            stored = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:  # noqa: BLE001 - a missing table or database means "not migrated": Alembic decides
        return False
    return stored == set(script_heads())


def migrate(url: str | None = None) -> None:
    """Bring the database at ``url`` to every branch head (idempotent).

    Serialised across processes (a file lock next to the SQLite file, ``pg_advisory_lock`` on
    PostgreSQL): three first starts at once on a fresh home run the migration once and the others find
    the schema at its heads, instead of crashing on ``table … already exists``."""
    url = url or get_settings().database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    create_from_template(url)  # a fresh SQLite home: the shipped empty database at every head
    if not at_heads(url):  # a restart on a database already at every head skips Alembic (≈ 1 CPU s)
        with database_lock(url, "migrate"):
            from alembic import command  # deferred: alembic ≈ 0.15 s to import; only needed when migrating

            command.upgrade(alembic_config(url), "heads")
    _MIGRATED.add(url)


def ensure_migrated(url: str | None = None) -> None:
    """:func:`migrate` once per process and URL, for code that may run before ``moduai serve`` migrated
    (an app built another way, a CLI import).  Alembic is not thread-safe, so concurrent first callers
    (two web workers) wait for one migration."""
    url = url or get_settings().database_url
    if url in _MIGRATED:
        return
    with _MIGRATE_LOCK:
        if url not in _MIGRATED:
            migrate(url)
