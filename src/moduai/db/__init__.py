"""Persistence: SQLAlchemy 2 models, sessions and Alembic migrations.

SQLite by default, PostgreSQL when ``MODUAI_DATABASE_URL`` says so.  Each domain keeps its tables in
``moduai.<domain>.models`` on the shared :class:`Base`, and its migrations on its own Alembic branch
(``branch_labels=("<domain>",)``, ``down_revision`` = the core revision) so domains evolve independently;
:func:`migrate` applies every head.

The names below resolve on first use (PEP 562), so ``moduai.db.heads`` (the start-up check of ``moduai
serve``) can be imported without SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moduai.db.base import Base
    from moduai.db.engine import ensure_migrated, get_engine, migrate, session_scope, sessionmaker_for

_WHERE = {"Base": "base", "ensure_migrated": "engine", "get_engine": "engine", "migrate": "engine",
          "session_scope": "engine", "sessionmaker_for": "engine"}
__all__ = ["Base", "ensure_migrated", "get_engine", "migrate", "session_scope", "sessionmaker_for"]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"moduai.db.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
