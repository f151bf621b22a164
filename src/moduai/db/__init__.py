"""Persistence: SQLAlchemy 2 models, sessions and Alembic migrations.

SQLite by default, PostgreSQL when ``MODUAI_DATABASE_URL`` says so.  Each domain keeps its tables in
``moduai.<domain>.models`` on the shared :class:`Base`, and its migrations on its own Alembic branch
(``branch_labels=("<domain>",)``, ``down_revision`` = the core revision) so domains evolve independently;
:func:`migrate` applies every head.
"""

from moduai.db.base import Base
from moduai.db.engine import ensure_migrated, get_engine, migrate, session_scope, sessionmaker_for

__all__ = ["Base", "ensure_migrated", "get_engine", "migrate", "session_scope", "sessionmaker_for"]
