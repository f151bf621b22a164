"""programs: operators' rejections of draft criteria read from announcements (who, when, why).

Revision ID: programs_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "programs_0002"
down_revision = "programs_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program_draft_rejections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id", ondelete="CASCADE",
                                                          name="fk_program_draft_rejections_program_id_programs"),
                  nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("criterion_id", sa.String(40), nullable=False),
        sa.Column("criterion_type", sa.String(40), nullable=False),
        sa.Column("span_text", sa.String(500), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("rejected_by", sa.String(200), nullable=False),
        sa.Column("rejected_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.UniqueConstraint("program_id", "text_sha256", "criterion_id", "span_text",
                            name="uq_program_draft_rejections_reading"),
    )


def downgrade() -> None:
    op.drop_table("program_draft_rejections")
