"""Tables of the hubs domain (migration branch ``hubs``): tenants, organisations, people, programs and
cohorts, the application → selection → participation → completion flow, consultations, support given,
dated outcomes, duplicate proposals and the merge log.  Every row carries ``hub_id``.

Personal identifiers never stand in clear: a person is ``person_key`` = keyed_hash(normalised name +
birth date + phone, purpose="person") with the name and phone stored masked only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from moduai.db.base import Base


def _hub_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), index=True)


class HubRow(Base):
    """One 거점센터 (tenant)."""

    __tablename__ = "hubs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(10))  # 시도 or 시군구 (행안부)
    sido_code: Mapped[str] = mapped_column(String(2))
    megaregion_id: Mapped[str] = mapped_column(String(20))  # 5극3특 (official variant)
    focus: Mapped[list] = mapped_column(JSON, default=list)  # 분야
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OrganisationRow(Base):
    """A firm (사업자등록번호) or a 예비창업자 team (no number) known to one hub."""

    __tablename__ = "hub_organisations"
    __table_args__ = (Index("ix_hub_organisations_brn", "brn"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    name: Mapped[str] = mapped_column(String(200))
    brn: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 10 digits, checksum valid
    is_prospective: Mapped[bool] = mapped_column(Boolean, default=False)  # 예비창업자
    region_code: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 본점 시군구 at registration
    sector: Mapped[str | None] = mapped_column(String(100), nullable=True)
    founded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    merged_into_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PersonRow(Base):
    """A founder, participant or consultee: keyed identity, masked name/phone, recorded consent."""

    __tablename__ = "hub_people"
    __table_args__ = (Index("ix_hub_people_hub_key", "hub_id", "person_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    person_key: Mapped[str] = mapped_column(String(64))
    name_masked: Mapped[str] = mapped_column(String(100))
    phone_masked: Mapped[str | None] = mapped_column(String(20), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("hub_organisations.id"), nullable=True)
    consent_on: Mapped[dt.date] = mapped_column(Date)
    consent_scope: Mapped[str] = mapped_column(String(200))
    merged_into_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HubProgramRow(Base):
    """A program a hub runs (e.g. 'AI 도입 액셀러레이팅'); optionally the moduai.programs entry it is."""

    __tablename__ = "hub_programs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    name: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(50))  # 분야
    program_slug: Mapped[str | None] = mapped_column(String(120), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)


class CohortRow(Base):
    """One intake (기수) of a program: capacity, dates, selection criteria (name, weight, max score)."""

    __tablename__ = "hub_cohorts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    program_id: Mapped[int] = mapped_column(ForeignKey("hub_programs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    field: Mapped[str] = mapped_column(String(50))
    criteria: Mapped[list] = mapped_column(JSON, default=list)


class ApplicationRow(Base):
    """An organisation's application to a cohort and where it went: 신청 → 선정/탈락 → 수료/중도 포기."""

    __tablename__ = "hub_applications"
    __table_args__ = (Index("ix_hub_applications_org", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    cohort_id: Mapped[int] = mapped_column(ForeignKey("hub_cohorts.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("hub_organisations.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("hub_people.id"), nullable=True)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="applied")  # applied|selected|rejected|completed|dropped
    selected_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    completed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class ScoreRow(Base):
    """One screening score on one criterion, with the written reason (required)."""

    __tablename__ = "hub_scores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    application_id: Mapped[int] = mapped_column(ForeignKey("hub_applications.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    scorer: Mapped[str | None] = mapped_column(String(100), nullable=True)


class ParticipationRow(Base):
    """One session of a selected application: attended or not, mentoring hours."""

    __tablename__ = "hub_participations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    application_id: Mapped[int] = mapped_column(ForeignKey("hub_applications.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    session_title: Mapped[str] = mapped_column(String(200))
    attended: Mapped[bool] = mapped_column(Boolean, default=True)
    mentoring_hours: Mapped[float] = mapped_column(Float, default=0.0)


class ConsultationRow(Base):
    """An AI 도입 상담 with, optionally, a moduai analysis saved with its inputs and sources."""

    __tablename__ = "hub_consultations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("hub_organisations.id"), nullable=True, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("hub_people.id"), nullable=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(Text, default="")
    analysis_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    analysis_inputs: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    analysis_result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    analysis_sources: Mapped[list | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SupportRow(Base):
    """Support given to an organisation: money (원), space, mentoring hours or a 지원사업 award."""

    __tablename__ = "hub_supports"
    __table_args__ = (Index("ix_hub_supports_org", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    organisation_id: Mapped[int] = mapped_column(ForeignKey("hub_organisations.id"))
    given_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # 자금 | 공간 | 멘토링 | 지원사업
    amount_krw: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    space_m2: Mapped[float | None] = mapped_column(Float, nullable=True)
    mentoring_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    program_slug: Mapped[str | None] = mapped_column(String(120), nullable=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("hub_cohorts.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutcomeRow(Base):
    """A dated outcome with its evidence: 투자 유치, 고용, 매출, 폐업/휴업/재개업, 본점 이전."""

    __tablename__ = "hub_outcomes"
    __table_args__ = (Index("ix_hub_outcomes_org", "organisation_id", "observed_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    organisation_id: Mapped[int] = mapped_column(ForeignKey("hub_organisations.id"))
    observed_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    amount_krw: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # 투자 유치
    headcount: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 고용
    revenue_band: Mapped[str | None] = mapped_column(String(30), nullable=True)  # 매출
    region_code: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 본점 이전
    evidence: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class DuplicateProposalRow(Base):
    """Two records that may be the same organisation/person, for a human to merge or dismiss."""

    __tablename__ = "hub_duplicate_proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    entity: Mapped[str] = mapped_column(String(20))  # organisation | person
    keep_id: Mapped[int] = mapped_column(Integer)
    other_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    similarity: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | merged | dismissed
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MergeLogRow(Base):
    """One merge: which rows were moved from ``merged_id`` to ``kept_id`` (so it can be undone)."""

    __tablename__ = "hub_merge_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hub_id: Mapped[int] = _hub_fk()
    entity: Mapped[str] = mapped_column(String(20))
    kept_id: Mapped[int] = mapped_column(Integer)
    merged_id: Mapped[int] = mapped_column(Integer)
    moved: Mapped[dict] = mapped_column(JSON)  # {"hub_applications.organisation_id": [ids], ...}
    proposal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    merged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
