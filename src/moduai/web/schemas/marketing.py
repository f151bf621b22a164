"""Marketing API documents (`/api/v1/marketing…`) and request bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from moduai.marketing.abtest import ABTestResult
from moduai.marketing.calendar import ContentCalendar
from moduai.marketing.copy import CopyResult
from moduai.marketing.customers import CustomerAnalysis
from moduai.marketing.reviews import ReviewAnalysis
from moduai.marketing.store import ImportSummary
from moduai.web.schemas.derive import public_model

CopyResultPublic = public_model(CopyResult)
ContentCalendarPublic = public_model(ContentCalendar)
ABTestResultPublic = public_model(ABTestResult)
ImportSummaryPublic = public_model(ImportSummary)
ReviewAnalysisPublic = public_model(ReviewAnalysis)
CustomerAnalysisPublic = public_model(CustomerAnalysis)


class CopyRequest(BaseModel):
    """What to write copy for.  The profile is checked by ``marketing.profile.parse_profile`` (Korean messages)."""

    model_config = ConfigDict(extra="allow")

    profile: dict[str, Any] = Field(default_factory=dict, description="가게 정보: 이름, 업종, 위치, 강점, 가격대, 타깃 …")
    channels: Any = Field(None, description="place, instagram, blog, kakao, flyer, event (없으면 기본 채널)")
    variants: Any = Field(3, description="채널마다 만들 문구 수 (1~3)")
    month: Any = Field(None, description="계절 문구에 쓸 달 (1~12)")


class ReviewsImportPublic(BaseModel):
    import_: ImportSummaryPublic = Field(alias="import")  # type: ignore[valid-type]
    analysis: ReviewAnalysisPublic  # type: ignore[valid-type]


class ShopReviewsPublic(BaseModel):
    shop: str
    imports: list[ImportSummaryPublic]  # type: ignore[valid-type]
    duplicates_dropped: int
    analysis: ReviewAnalysisPublic  # type: ignore[valid-type]


class CustomersImportPublic(BaseModel):
    import_: ImportSummaryPublic = Field(alias="import")  # type: ignore[valid-type]
    analysis: CustomerAnalysisPublic  # type: ignore[valid-type]
