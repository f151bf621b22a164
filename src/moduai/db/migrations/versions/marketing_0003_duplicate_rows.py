"""marketing: remember which rows of an imported file were exact duplicates (left out and reported).

Revision ID: marketing_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "marketing_0003"
down_revision = "marketing_0002"
branch_labels = None
depends_on = None


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite rebuilds a table to change a constraint (copy, DROP, rename). With foreign keys enforced the
    DROP would cascade and delete every review and sale of the imports, so enforcement is paused around the
    rebuild (the PRAGMA only takes effect outside a transaction, hence the autocommit block)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade() -> None:
    with op.batch_alter_table("marketing_import") as batch:
        batch.add_column(sa.Column("duplicate_lines", sa.Text, nullable=True))


def downgrade() -> None:
    # dropping a column rebuilds the table on SQLite: reviews and sales must not cascade away with it
    _sqlite_foreign_keys(False)
    with op.batch_alter_table("marketing_import") as batch:
        batch.drop_column("duplicate_lines")
    _sqlite_foreign_keys(True)
