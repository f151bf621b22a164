"""Database tables of the programs domain (migrations: branch ``programs``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moduai.db.base import Base


class ProgramRow(Base):
    """One support program: a shipped sample, an imported real announcement or an operator's entry."""

    __tablename__ = "programs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)  # 'sample-…' or '<source>-<source id>'
    source_kind: Mapped[str] = mapped_column(String(20))  # sample | bizinfo | kstartup | sbiz | smtech | operator
    source_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    name: Mapped[str] = mapped_column(String(500))
    agency: Mapped[str] = mapped_column(String(200))
    operator_agency: Mapped[str | None] = mapped_column(String(200), nullable=True)  # 수행기관
    kind: Mapped[str] = mapped_column(String(40))
    target: Mapped[list] = mapped_column(JSON, default=list)
    region_scope: Mapped[dict] = mapped_column(JSON, default=dict)  # region-criterion parameters
    region_sido: Mapped[str] = mapped_column(String(80), default="")  # ',11,26,' for LIKE filters
    support: Mapped[str | None] = mapped_column(Text, nullable=True)
    support_max_krw: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    apply_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    apply_end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    rolling: Mapped[bool] = mapped_column(Boolean, default=False)
    how_to_apply: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    source_label: Mapped[str] = mapped_column(String(200))
    source_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    dataset_id: Mapped[str] = mapped_column(String(80))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | retired
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                    onupdate=func.now())

    rulesets: Mapped[list[RuleSetRow]] = relationship(back_populates="program", order_by="RuleSetRow.version",
                                                      cascade="all, delete-orphan")


class RuleSetRow(Base):
    """One dated version of a program's eligibility rules, kept as the YAML the operator wrote."""

    __tablename__ = "program_rulesets"
    __table_args__ = (UniqueConstraint("program_id", "version", name="uq_program_rulesets_program_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    rules_yaml: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    program: Mapped[ProgramRow] = relationship(back_populates="rulesets")


class DraftRejectionRow(Base):
    """An operator's rejection of one draft criterion read from an announcement: who, when, why.

    It holds for the announcement text it was made on (``text_sha256``): the same reading of the same text
    is not proposed again; an edited announcement is read afresh."""

    __tablename__ = "program_draft_rejections"
    __table_args__ = (UniqueConstraint("program_id", "text_sha256", "criterion_id", "span_text",
                                       name="uq_program_draft_rejections_reading"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    text_sha256: Mapped[str] = mapped_column(String(64))
    criterion_id: Mapped[str] = mapped_column(String(40))
    criterion_type: Mapped[str] = mapped_column(String(40))
    span_text: Mapped[str] = mapped_column(String(500))
    params: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    rejected_by: Mapped[str] = mapped_column(String(200))
    rejected_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
