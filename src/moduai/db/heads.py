"""The migration scripts' heads and a SQLite file's recorded version, without SQLAlchemy or Alembic.

``moduai serve`` restarted on a database already at every head checks that here (stdlib ``sqlite3``) and so
does not import SQLAlchemy (≈ 0.3–0.5 CPU s) before its first answer; the first request that needs the
database imports it then.  :func:`moduai.db.engine.at_heads` is the general check (any URL, SQLAlchemy)."""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import sqlite3
from functools import lru_cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: an empty SQLite database migrated to every head at development time (``scripts/build_derived.py``), named
#: by :func:`migrations_key`: a fresh SQLite home copies it instead of running Alembic (≈ 1 CPU s)
TEMPLATE_DIR = Path(__file__).with_name("template")


@lru_cache(maxsize=1)
def script_heads() -> frozenset[str]:
    """The head revisions of the migration scripts, read from their ``revision``/``down_revision`` lines
    (no Alembic import: a restart that finds its database at these heads does not load it)."""
    revisions, downs = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name, value = node.targets[0].id, ast.literal_eval(node.value)
                if name == "revision":
                    revisions.add(value)
                elif name in ("down_revision", "depends_on") and value:
                    downs.update([value] if isinstance(value, str) else value)
    return frozenset(revisions - downs)


def sqlite_file_at_heads(url: str) -> bool:
    """True when ``url`` is a SQLite file whose ``alembic_version`` names exactly the scripts' heads.  Any other
    URL, a missing file or table, or any doubt answers False (the caller then runs ``migrate``)."""
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        return False
    path = Path(url.removeprefix("sqlite:///").split("?", 1)[0]).expanduser()
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)  # read-only: never creates a file
        try:
            stored = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return stored == set(script_heads())


@lru_cache(maxsize=1)
def migrations_key() -> str:
    """A digest of every migration script's bytes (and of ``env.py``): names the shipped empty database, so
    an edited, added or removed script means the shipped file is not found and Alembic runs."""
    h = hashlib.sha256()
    for path in sorted([MIGRATIONS_DIR / "env.py", *(MIGRATIONS_DIR / "versions").glob("*.py")]):
        h.update(f"{path.name}:".encode() + path.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def template_file() -> Path:
    return TEMPLATE_DIR / f"empty-at-heads-{migrations_key()}.sqlite3"


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for other URLs and in-memory databases)."""
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0]).expanduser()


def create_from_template(url: str) -> bool:
    """On a fresh SQLite home (no database file yet), put the shipped empty database at every head in place
    and answer True; anything else (another URL, an existing file, no current template) answers False and
    the caller migrates with Alembic.  The file appears whole or not at all (a copy under a temporary name,
    then a hard link that fails if a concurrent first start created the file first)."""
    path = sqlite_path(url)
    template = template_file()
    if path is None or path.exists() or not template.is_file():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.template")
    try:
        shutil.copyfile(template, tmp)
        os.link(tmp, path)
    except OSError:  # FileExistsError: another process created it; a read-only home: Alembic reports it
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True
