"""marketing: shops, imports (reviews, sales ledgers) and their masked rows.

Revision ID: marketing_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "marketing_0001"
down_revision = "core_0001"
branch_labels = ("marketing",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "marketing_shop",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.UniqueConstraint("name", name="uq_marketing_shop_name"),
    )
    op.create_table(
        "marketing_import",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("shop_id", sa.Integer, sa.ForeignKey("marketing_shop.id", ondelete="CASCADE",
                                                        name="fk_marketing_import_shop_id_marketing_shop"),
                  nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source_name", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("encoding", sa.String(20), nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.UniqueConstraint("shop_id", "kind", "sha256", name="uq_marketing_import_file"),
    )
    op.create_index("ix_marketing_import_shop_id", "marketing_import", ["shop_id"])
    op.create_table(
        "marketing_review",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("marketing_import.id", ondelete="CASCADE",
                                                          name="fk_marketing_review_import_id_marketing_import"),
                  nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("review_date", sa.Date, nullable=False),
        sa.Column("rating", sa.Float, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(100), nullable=True),
    )
    op.create_index("ix_marketing_review_import_id", "marketing_review", ["import_id"])
    op.create_table(
        "marketing_sale",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("marketing_import.id", ondelete="CASCADE",
                                                          name="fk_marketing_sale_import_id_marketing_import"),
                  nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("customer_key", sa.String(64), nullable=False),
        sa.Column("customer_display", sa.String(100), nullable=False),
        sa.Column("sale_date", sa.Date, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
    )
    op.create_index("ix_marketing_sale_import_id", "marketing_sale", ["import_id"])
    op.create_index("ix_marketing_sale_customer_key", "marketing_sale", ["customer_key"])


def downgrade() -> None:
    op.drop_table("marketing_sale")
    op.drop_table("marketing_review")
    op.drop_table("marketing_import")
    op.drop_table("marketing_shop")
