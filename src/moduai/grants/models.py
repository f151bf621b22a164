"""A 지자체's own record of how much of a grant it has spent (migration branch ``grants``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from moduai.db.base import Base


class ExecutionRow(Base):
    """Allocated and spent amounts of one scheme, one year, one 시군구, as of a date (self-reported)."""

    __tablename__ = "grants_execution"
    __table_args__ = (UniqueConstraint("region_code", "scheme_id", "year", "as_of", name="uq_grants_execution"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(10), index=True)
    scheme_id: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[dt.date] = mapped_column(Date)
    allocated_krw: Mapped[int] = mapped_column(BigInteger)
    spent_krw: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
