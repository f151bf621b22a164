"""Grants API documents (`/api/v1/grants…`) and the portfolio request body.

The response models are derived from the domain results (:class:`~moduai.grants.simulate.Allocation`,
:class:`~moduai.grants.simulate.Comparison`, :class:`~moduai.grants.capacity.CapacityReport`,
:class:`~moduai.grants.portfolio.Portfolio`) — the documents ``moduai grants … --json`` prints too.
Written by hand: the scheme summary (a dict built by :meth:`Scheme.summary`, not a dataclass) and the request.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, create_model

from moduai.grants.capacity import CapacityReport
from moduai.grants.portfolio import Portfolio
from moduai.grants.simulate import Allocation, AllocationRow, Comparison
from moduai.web.schemas.derive import PublicModel, public_model


class TermOut(PublicModel):
    """One term of a scheme's formula."""

    id: str
    label: str
    kind: str
    share: float = Field(description="배분액 중 이 항목의 몫 (0~1)")


class SchemeOut(PublicModel):
    """A scheme's summary (:meth:`moduai.grants.scheme.Scheme.summary`)."""

    id: str
    name: str
    year: int
    valid_from: str
    valid_to: str | None
    budget_krw: int
    description: str
    classes: list[str]
    grades: list[str]
    terms: list[TermOut]
    assumptions: list[str]


class SchemeListOut(PublicModel):
    """The built-in allocation schemes."""

    schemes: list[SchemeOut]


# per-capita amounts are NaN (→ null) where the population is unknown
AllocationRowOut = create_model("AllocationRowOut", __base__=public_model(AllocationRow, name="AllocationRowFields"),
                                per_capita_krw=(float | None, Field(None, description="1인당 배분액 (원/명)")),
                                cls=(str, Field(description="분류(인구감소지역·관심지역 또는 특별지원·우대지원·일반)")))
AllocationOut = create_model("AllocationOut", __base__=public_model(Allocation, name="AllocationFields"),
                             __doc__="모든 시군구의 배분액과 항목별 기여 (원).",
                             scheme=(SchemeOut, ...), rows=(list[AllocationRowOut], ...))
ComparisonOut = public_model(Comparison, name="ComparisonOut")
CapacityOut = public_model(CapacityReport, name="CapacityOut")
PortfolioOut = public_model(Portfolio, name="PortfolioOut")


class PortfolioIn(BaseModel):
    """Project portfolio request: the budget, limits and (optionally) the project rows."""

    budget: str = Field(..., description="쓸 수 있는 국비 (예: 120억)", max_length=40)
    region: str = Field("", max_length=60, description="지자체 이름 (예: 해남군)")
    projects: list[dict[str, str | int | float | None]] | None = Field(
        None, description="사업 목록(서식의 열 이름이 키: 사업ID, 사업명, 분야, 사업비_2026 …). 없으면 해남군 예시",
        max_length=2000)
    yearly_cash: list[str] = Field(default_factory=list, description="연도별 국비 한도, 예: ['2026=45억']", max_length=50)
    local_funds: str | None = Field(None, max_length=40, description="지방비 한도 (예: 30억)")
    field_min: list[str] = Field(default_factory=list, max_length=50, description="분야 최소 국비, 예: ['청년정착=15억']")
    field_max: list[str] = Field(default_factory=list, max_length=50, description="분야 최대 국비, 예: ['관광=40억']")
    weights: dict[str, float] = Field(default_factory=dict, description="효과 항목 가중치, 예: {'일자리': 2}")
