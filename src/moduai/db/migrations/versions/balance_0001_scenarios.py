"""balance: saved composite-index scenarios (weights, method, year, direction overrides).

Revision ID: balance_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "balance_0001"
down_revision = "core_0001"
branch_labels = ("balance",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "balance_scenarios",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("weights", sa.JSON, nullable=False),
        sa.Column("directions", sa.JSON, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("level", sa.String(20), nullable=False, server_default="sigungu"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.UniqueConstraint("name", name="uq_balance_scenarios_name"),
    )


def downgrade() -> None:
    op.drop_table("balance_scenarios")
