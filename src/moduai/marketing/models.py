"""Marketing tables: shops, accepted imports (reviews, ledgers) and their rows — personal data masked.

One import = one file accepted as a whole (all rows valid); a file is identified by its SHA-256 per shop
and kind, so importing the same file again is a no-op.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moduai.db.base import Base


class MarketingShop(Base):
    __tablename__ = "marketing_shop"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MarketingImport(Base):
    __tablename__ = "marketing_import"
    __table_args__ = (UniqueConstraint("shop_id", "kind", "sha256", "owner_id", name="uq_marketing_import_file"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("marketing_shop.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # 'reviews' | 'ledger'
    source_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str] = mapped_column(String(20))
    row_count: Mapped[int] = mapped_column(Integer)
    # JSON [[line, line of the first copy], …]: rows identical to an earlier row, left out (not stored).
    duplicate_lines: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The user who uploaded it (accounts.users.id); NULL for imports from before accounts (admin only).
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    shop: Mapped[MarketingShop] = relationship()


class MarketingReview(Base):
    __tablename__ = "marketing_review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("marketing_import.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    review_date: Mapped[dt.date] = mapped_column(Date)
    rating: Mapped[float | None] = mapped_column(Float, nullable=True)
    text: Mapped[str] = mapped_column(Text)  # phone numbers masked
    author: Mapped[str | None] = mapped_column(String(100), nullable=True)  # masked


class MarketingSale(Base):
    __tablename__ = "marketing_sale"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("marketing_import.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    customer_key: Mapped[str] = mapped_column(String(64), index=True)  # HMAC of the identifier
    customer_display: Mapped[str] = mapped_column(String(100))  # masked: 010-****-1234, 김*수
    sale_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)
