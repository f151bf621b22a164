"""marketing: each import has an owner (the user who uploaded it; NULL for rows from before accounts).

The same file may now be imported by two owners under the same shop name, so the per-file unique key
includes the owner.

Legacy customer keys (32 hex: HMAC under the session secret, which defaulted to a published string, so
they could be brute-forced back to phone numbers) are re-keyed by chaining under the identifier key —
``h → HMAC(K_id, "rekey" ‖ h)`` — which keeps each ledger's grouping and removes the brute-force path.

Revision ID: marketing_0002
"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op

from moduai.config import get_settings

revision = "marketing_0002"
down_revision = "marketing_0001"
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
    _sqlite_foreign_keys(False)
    with op.batch_alter_table("marketing_import") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer, nullable=True))
        batch.drop_constraint("uq_marketing_import_file", type_="unique")
        batch.create_unique_constraint("uq_marketing_import_file", ["shop_id", "kind", "sha256", "owner_id"])
    _sqlite_foreign_keys(True)
    op.create_index("ix_marketing_import_owner_id", "marketing_import", ["owner_id"])
    _rekey_legacy_customer_keys()


def _rekey_legacy_customer_keys() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, customer_key FROM marketing_sale WHERE length(customer_key) = 32")).all()
    if not rows:
        return
    key = get_settings().identifier_key
    for pk, value in rows:
        # the same chaining as moduai.accounts.keys.rekey_hash (a migration may not import a domain; a test
        # checks the two agree)
        new = hmac.new(key, f"rekey\x00{value}".encode(), hashlib.sha256).hexdigest()
        bind.execute(sa.text("UPDATE marketing_sale SET customer_key = :k WHERE id = :i"), {"k": new, "i": pk})


def downgrade() -> None:
    op.drop_index("ix_marketing_import_owner_id", "marketing_import")
    _sqlite_foreign_keys(False)
    with op.batch_alter_table("marketing_import") as batch:
        batch.drop_constraint("uq_marketing_import_file", type_="unique")
        batch.create_unique_constraint("uq_marketing_import_file", ["shop_id", "kind", "sha256"])
        batch.drop_column("owner_id")
    _sqlite_foreign_keys(True)
