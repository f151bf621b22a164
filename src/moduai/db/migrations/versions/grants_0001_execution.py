"""grants: a 지자체's own execution records (allocated, spent, as of a date).

Revision ID: grants_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "grants_0001"
down_revision = "core_0001"
branch_labels = ("grants",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grants_execution",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("region_code", sa.String(10), nullable=False, index=True),
        sa.Column("scheme_id", sa.String(60), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("allocated_krw", sa.BigInteger, nullable=False),
        sa.Column("spent_krw", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("owner_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.UniqueConstraint("region_code", "scheme_id", "year", "as_of", name="uq_grants_execution"),
    )


def downgrade() -> None:
    op.drop_table("grants_execution")
