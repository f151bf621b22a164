"""Cross-process locks for work that must not run twice at once: the first migration, and imports.

- SQLite: an exclusive ``flock`` on a small file next to the database file (``moduai.db.<name>.lock``);
  in-memory databases fall back to a thread lock.
- PostgreSQL: ``pg_advisory_lock`` on a dedicated connection (the key is the first 8 bytes of the
  SHA-256 of the name), released when the block ends or the process dies.

Threads of one process are serialised too: every ``with`` opens its own file / connection.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def advisory_key(name: str) -> int:
    """A signed 64-bit key for ``pg_advisory_lock`` derived from ``name``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def sqlite_lock_path(url: str, name: str) -> Path | None:
    """``<database file>.<name>.lock`` for a file-backed SQLite URL, else None."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    db = Path(u.database).expanduser()
    return db.with_name(f"{db.name}.{name}.lock")


@contextmanager
def database_lock(url: str, name: str) -> Iterator[None]:
    """Hold the lock ``name`` for the database at ``url`` across processes (see the module docstring)."""
    backend = make_url(url).get_backend_name()
    if backend == "postgresql":
        engine = create_engine(url, poolclass=NullPool, future=True)
        try:
            with engine.connect() as conn:
                key = advisory_key(name)
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        finally:
            engine.dispose()
        return
    path = sqlite_lock_path(url, name) if backend == "sqlite" else None
    if path is None:
        with _GUARD:
            lock = _THREAD_LOCKS.setdefault(f"{url}|{name}", threading.Lock())
        with lock:
            yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            import fcntl  # POSIX only: Windows has no flock
        except ImportError:  # pragma: no cover - Windows: serialise this process's threads only
            with _GUARD:
                lock = _THREAD_LOCKS.setdefault(str(path), threading.Lock())
            with lock:
                yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
