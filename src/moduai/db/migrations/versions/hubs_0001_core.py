"""hubs: 거점센터 tenants, organisations, people, programs/cohorts, applications → completion,
consultations, support, outcomes, duplicate proposals and the merge log.

Revision ID: hubs_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "hubs_0001"
down_revision = "core_0001"
branch_labels = ("hubs",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hubs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("sido_code", sa.String(length=2), nullable=False),
        sa.Column("megaregion_id", sa.String(length=20), nullable=False),
        sa.Column("focus", sa.JSON(), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hubs")),
        sa.UniqueConstraint("slug", name=op.f("uq_hubs_slug")),
    )
    op.create_table(
        "hub_duplicate_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("keep_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_duplicate_proposals_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_duplicate_proposals")),
    )
    op.create_index(
        op.f("ix_hub_duplicate_proposals_hub_id"), "hub_duplicate_proposals", ["hub_id"], unique=False
    )
    op.create_table(
        "hub_merge_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_merge_log_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_merge_log")),
    )
    op.create_index(op.f("ix_hub_merge_log_hub_id"), "hub_merge_log", ["hub_id"], unique=False)
    op.create_table(
        "hub_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("brn", sa.String(length=10), nullable=True),
        sa.Column("is_prospective", sa.Boolean(), nullable=False),
        sa.Column("region_code", sa.String(length=10), nullable=True),
        sa.Column("sector", sa.String(length=100), nullable=True),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_organisations_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_organisations")),
    )
    op.create_index("ix_hub_organisations_brn", "hub_organisations", ["brn"], unique=False)
    op.create_index(op.f("ix_hub_organisations_hub_id"), "hub_organisations", ["hub_id"], unique=False)
    op.create_table(
        "hub_programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("program_slug", sa.String(length=120), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_programs_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_programs")),
    )
    op.create_index(op.f("ix_hub_programs_hub_id"), "hub_programs", ["hub_id"], unique=False)
    op.create_table(
        "hub_cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_cohorts_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["hub_programs.id"],
            name=op.f("fk_hub_cohorts_program_id_hub_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_cohorts")),
    )
    op.create_index(op.f("ix_hub_cohorts_hub_id"), "hub_cohorts", ["hub_id"], unique=False)
    op.create_index(op.f("ix_hub_cohorts_program_id"), "hub_cohorts", ["program_id"], unique=False)
    op.create_table(
        "hub_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount_krw", sa.BigInteger(), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("revenue_band", sa.String(length=30), nullable=True),
        sa.Column("region_code", sa.String(length=10), nullable=True),
        sa.Column("evidence", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_outcomes_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["hub_organisations.id"],
            name=op.f("fk_hub_outcomes_organisation_id_hub_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_outcomes")),
    )
    op.create_index(op.f("ix_hub_outcomes_hub_id"), "hub_outcomes", ["hub_id"], unique=False)
    op.create_index(
        "ix_hub_outcomes_org", "hub_outcomes", ["organisation_id", "observed_on"], unique=False
    )
    op.create_table(
        "hub_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("name_masked", sa.String(length=100), nullable=False),
        sa.Column("phone_masked", sa.String(length=20), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("consent_on", sa.Date(), nullable=False),
        sa.Column("consent_scope", sa.String(length=200), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_people_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["hub_organisations.id"],
            name=op.f("fk_hub_people_organisation_id_hub_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_people")),
    )
    op.create_index(op.f("ix_hub_people_hub_id"), "hub_people", ["hub_id"], unique=False)
    op.create_index("ix_hub_people_hub_key", "hub_people", ["hub_id", "person_key"], unique=False)
    op.create_table(
        "hub_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("selected_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["hub_cohorts.id"],
            name=op.f("fk_hub_applications_cohort_id_hub_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_applications_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["hub_organisations.id"],
            name=op.f("fk_hub_applications_organisation_id_hub_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["hub_people.id"], name=op.f("fk_hub_applications_person_id_hub_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_applications")),
    )
    op.create_index(op.f("ix_hub_applications_cohort_id"), "hub_applications", ["cohort_id"], unique=False)
    op.create_index(op.f("ix_hub_applications_hub_id"), "hub_applications", ["hub_id"], unique=False)
    op.create_index(
        "ix_hub_applications_org", "hub_applications", ["organisation_id"], unique=False
    )
    op.create_table(
        "hub_consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=30), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("analysis_kind", sa.String(length=40), nullable=True),
        sa.Column("analysis_inputs", sa.JSON(), nullable=True),
        sa.Column("analysis_result", sa.JSON(), nullable=True),
        sa.Column("analysis_sources", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_consultations_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["hub_organisations.id"],
            name=op.f("fk_hub_consultations_organisation_id_hub_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["hub_people.id"], name=op.f("fk_hub_consultations_person_id_hub_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_consultations")),
    )
    op.create_index(op.f("ix_hub_consultations_hub_id"), "hub_consultations", ["hub_id"], unique=False)
    op.create_index(
        op.f("ix_hub_consultations_organisation_id"), "hub_consultations", ["organisation_id"], unique=False
    )
    op.create_table(
        "hub_supports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount_krw", sa.BigInteger(), nullable=True),
        sa.Column("space_m2", sa.Float(), nullable=True),
        sa.Column("mentoring_hours", sa.Float(), nullable=True),
        sa.Column("program_slug", sa.String(length=120), nullable=True),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["hub_cohorts.id"], name=op.f("fk_hub_supports_cohort_id_hub_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_supports_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["hub_organisations.id"],
            name=op.f("fk_hub_supports_organisation_id_hub_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_supports")),
    )
    op.create_index(op.f("ix_hub_supports_hub_id"), "hub_supports", ["hub_id"], unique=False)
    op.create_index("ix_hub_supports_org", "hub_supports", ["organisation_id"], unique=False)
    op.create_table(
        "hub_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("session_title", sa.String(length=200), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("mentoring_hours", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["hub_applications.id"],
            name=op.f("fk_hub_participations_application_id_hub_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_participations_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_participations")),
    )
    op.create_index(
        op.f("ix_hub_participations_application_id"), "hub_participations", ["application_id"], unique=False
    )
    op.create_index(op.f("ix_hub_participations_hub_id"), "hub_participations", ["hub_id"], unique=False)
    op.create_table(
        "hub_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("scorer", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["hub_applications.id"],
            name=op.f("fk_hub_scores_application_id_hub_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_scores_hub_id_hubs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_scores")),
    )
    op.create_index(op.f("ix_hub_scores_application_id"), "hub_scores", ["application_id"], unique=False)
    op.create_index(op.f("ix_hub_scores_hub_id"), "hub_scores", ["hub_id"], unique=False)


def downgrade() -> None:
    op.drop_table("hub_scores")
    op.drop_table("hub_participations")
    op.drop_table("hub_supports")
    op.drop_table("hub_consultations")
    op.drop_table("hub_applications")
    op.drop_table("hub_people")
    op.drop_table("hub_outcomes")
    op.drop_table("hub_cohorts")
    op.drop_table("hub_programs")
    op.drop_table("hub_organisations")
    op.drop_table("hub_merge_log")
    op.drop_table("hub_duplicate_proposals")
    op.drop_table("hubs")
