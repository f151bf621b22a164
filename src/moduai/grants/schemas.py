"""API contracts of /api/v1/grants, by direction: what a client sends (``*In``) and receives (``*Out``).

The response models mirror the domain results field for field, so ``moduai grants … --json`` and the API
return the same document (both go through :func:`moduai.results.to_jsonable`).
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class TermOut(BaseModel):
    id: str
    label: str
    kind: str
    share: float


class SchemeOut(BaseModel):
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


class SchemeListOut(BaseModel):
    schemes: list[SchemeOut]


class AllocationRowOut(BaseModel):
    code: str
    name: str
    sido_code: str
    cls: str = Field(description="분류(인구감소지역·관심지역 또는 특별지원·우대지원·일반)")
    grade: str | None
    population: float
    amount_krw: int
    per_capita_krw: float | None
    base_krw: float
    terms_krw: dict[str, float]
    bound_adjustment_krw: float
    rounding_krw: float
    bound: str | None
    local_share_krw: float
    local_share_of_budget: float | None
    backwardness: float | None


class AllocationOut(BaseModel):
    scheme: SchemeOut
    budget_krw: int
    allocated_krw: int
    reserve_krw: int
    rows: list[AllocationRowOut]
    class_counts: dict[str, int]
    grade_source: str
    class_source: str
    disparity: dict[str, float | None]
    notes: list[str]
    units: dict[str, str]
    label: str
    sources: list[str]
    inputs: dict


class ComparisonRowOut(BaseModel):
    code: str
    name: str
    amount_a_krw: int
    amount_b_krw: int
    change_krw: int
    change_pct: float | None
    per_capita_a_krw: float | None
    per_capita_b_krw: float | None


class ComparisonOut(BaseModel):
    a: dict
    b: dict
    rows: list[ComparisonRowOut]
    winners: int
    losers: int
    unchanged: int
    disparity_a: dict[str, float | None]
    disparity_b: dict[str, float | None]
    verdict: str
    units: dict[str, str]
    label: str
    sources: list[str]


class ProjectIn(BaseModel):
    """One row of the project template, with the template's Korean column names as keys
    (사업ID, 사업명, 분야, 사업비_2026 …, 지방비비율, 효과_일자리 …, 선행사업, 배타그룹, 필수)."""

    model_config = {"extra": "allow"}


class PortfolioIn(BaseModel):
    budget: str = Field(..., description="쓸 수 있는 국비 (예: 120억)", max_length=40)
    region: str = Field("", max_length=60)
    projects: list[dict[str, str | int | float | None]] | None = Field(
        None, description="사업 목록(서식의 열 이름이 키). 없으면 해남군 예시", max_length=2000)
    yearly_cash: list[str] = Field(default_factory=list, description="예: ['2026=45억']", max_length=50)
    local_funds: str | None = Field(None, max_length=40)
    field_min: list[str] = Field(default_factory=list, max_length=50)
    field_max: list[str] = Field(default_factory=list, max_length=50)
    weights: dict[str, float] = Field(default_factory=dict)


class DecisionOut(BaseModel):
    id: str
    name: str
    field: str
    selected: bool
    value: float
    grant_cost_krw: int
    local_cost_krw: int
    reason: str
    value_gap: float | None


class PortfolioOut(BaseModel):
    region: str
    objective: float
    grant_used_krw: int
    local_used_krw: int
    rules: dict
    decisions: list[DecisionOut]
    binding: list[str]
    frontier: list[dict]
    by_field: dict[str, int]
    label: str
    units: dict[str, str]
    solver: str
