"""balance: each saved scenario has an owner (NULL for scenarios saved before accounts: admin only).

Revision ID: balance_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "balance_0002"
down_revision = "balance_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("balance_scenarios") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("balance_scenarios") as batch:
        batch.drop_column("owner_id")
