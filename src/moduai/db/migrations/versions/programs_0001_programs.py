"""programs: support programs and their versioned eligibility rule sets.

Revision ID: programs_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "programs_0001"
down_revision = "core_0001"
branch_labels = ("programs",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("source_kind", sa.String(20), nullable=False),
        sa.Column("source_id", sa.String(80), nullable=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("operator_agency", sa.String(200), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("target", sa.JSON, nullable=False),
        sa.Column("region_scope", sa.JSON, nullable=False),
        sa.Column("region_sido", sa.String(80), nullable=False, server_default=""),
        sa.Column("support", sa.Text, nullable=True),
        sa.Column("support_max_krw", sa.BigInteger, nullable=True),
        sa.Column("apply_start", sa.Date, nullable=True),
        sa.Column("apply_end", sa.Date, nullable=True),
        sa.Column("rolling", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("how_to_apply", sa.Text, nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("url", sa.String(1000), nullable=True),
        sa.Column("source_label", sa.String(200), nullable=False),
        sa.Column("source_date", sa.Date, nullable=True),
        sa.Column("dataset_id", sa.String(80), nullable=False),
        sa.Column("is_sample", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.UniqueConstraint("slug", name="uq_programs_slug"),
    )
    op.create_index("ix_programs_status_kind", "programs", ["status", "kind"])
    op.create_index("ix_programs_apply_end", "programs", ["apply_end"])
    op.create_table(
        "program_rulesets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id", ondelete="CASCADE",
                                                          name="fk_program_rulesets_program_id_programs"),
                  nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("rules_yaml", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.UniqueConstraint("program_id", "version", name="uq_program_rulesets_program_version"),
    )


def downgrade() -> None:
    op.drop_table("program_rulesets")
    op.drop_index("ix_programs_apply_end", "programs")
    op.drop_index("ix_programs_status_kind", "programs")
    op.drop_table("programs")
