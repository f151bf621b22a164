"""Commerce API documents (`/api/v1/commerce…`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from moduai.commerce.importer import ImportReport
from moduai.commerce.report import CommerceReport
from moduai.commerce.sites import SiteRanking
from moduai.commerce.snapshots import SnapshotList
from moduai.web.schemas.derive import public_model

CommerceReportPublic = public_model(CommerceReport)
SiteRankingPublic = public_model(SiteRanking)
SnapshotListPublic = public_model(SnapshotList)
ImportReportPublic = public_model(ImportReport)


class CategoryPublic(BaseModel):
    """A 2023 업종 (대·중·소분류) and how the input was understood."""

    level: str = Field(description="major | mid | minor")
    code: str
    name: str
    label: str
    major_code: str | None = None
    major_name: str | None = None
    mid_code: str | None = None
    mid_name: str | None = None
    minor_code: str | None = None
    minor_name: str | None = None
    matched_by: str | None = None
    input: str | None = None
    note: str | None = None


class CategoryListPublic(BaseModel):
    categories: list[CategoryPublic]
    sources: list[str]


class CategoryAnswerPublic(BaseModel):
    category: CategoryPublic
    sources: list[str]


__all__ = ["Any", "CategoryAnswerPublic", "CategoryListPublic", "CategoryPublic", "CommerceReportPublic",
           "ImportReportPublic", "SiteRankingPublic", "SnapshotListPublic"]
