"""accounts: platform roles (user → member), hub/region of a user, revocable sessions, invites, login
throttling and the audit log.

Revision ID: accounts_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "accounts_0002"
down_revision = "accounts_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("hub_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("region_code", sa.String(10), nullable=True))
        batch.add_column(sa.Column("session_version", sa.Integer, nullable=False, server_default="0"))
        batch.alter_column("role", existing_type=sa.String(20), server_default="member")
    op.execute("UPDATE users SET role = 'member' WHERE role = 'user'")
    op.create_table(
        "account_invites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("hub_id", sa.Integer, nullable=True),
        sa.Column("region_code", sa.String(10), nullable=True),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.Integer, nullable=True),
        sa.UniqueConstraint("token_sha256", name="uq_account_invites_token"),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor_id", sa.Integer, nullable=True),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("object_type", sa.String(60), nullable=False),
        sa.Column("object_id", sa.String(100), nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor_id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("login_throttle")
    op.drop_table("account_invites")
    op.execute("UPDATE users SET role = 'user' WHERE role = 'member'")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
        batch.drop_column("region_code")
        batch.drop_column("hub_id")
        batch.alter_column("role", existing_type=sa.String(20), server_default="user")
