"""Saved composite-index scenarios (migration branch ``balance``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from moduai.db.base import Base


class BalanceScenarioRow(Base):
    """A named set of weights (and method, year, direction overrides) for the composite balance index."""

    __tablename__ = "balance_scenarios"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    weights: Mapped[dict] = mapped_column(JSON)
    directions: Mapped[dict] = mapped_column(JSON, default=dict)
    method: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20), default="sigungu")
    # The user who saved it (accounts.users.id); NULL for scenarios from before accounts (admin only).
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
