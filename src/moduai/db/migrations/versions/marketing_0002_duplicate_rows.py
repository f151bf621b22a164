"""marketing: remember which rows of an imported file were exact duplicates (left out and reported).

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
        batch.add_column(sa.Column("duplicate_lines", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("marketing_import") as batch:
        batch.drop_column("duplicate_lines")
