"""marketing: each import has an owner (the user who uploaded it; NULL for rows from before accounts).

The same file may now be imported by two owners under the same shop name, so the per-file unique key
includes the owner.

Revision ID: marketing_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "marketing_0002"
down_revision = "marketing_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("marketing_import") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer, nullable=True))
        batch.drop_constraint("uq_marketing_import_file", type_="unique")
        batch.create_unique_constraint("uq_marketing_import_file", ["shop_id", "kind", "sha256", "owner_id"])
    op.create_index("ix_marketing_import_owner_id", "marketing_import", ["owner_id"])


def downgrade() -> None:
    op.drop_index("ix_marketing_import_owner_id", "marketing_import")
    with op.batch_alter_table("marketing_import") as batch:
        batch.drop_constraint("uq_marketing_import_file", type_="unique")
        batch.create_unique_constraint("uq_marketing_import_file", ["shop_id", "kind", "sha256"])
        batch.drop_column("owner_id")
