"""Balance API documents (`/api/v1/balance…`) and the scenario request body."""

from __future__ import annotations

from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from moduai.balance.composite import CompositeResult
from moduai.balance.disparity import DisparityChange, DisparityResult
from moduai.balance.indicators import Indicator, RegionIndicators
from moduai.balance.scenarios import Scenario
from moduai.web.schemas.derive import OVERRIDES, PublicModel, public_model


class IndicatorPublic(PublicModel):
    """An indicator definition (indicators.yaml) with the years that have values."""

    id: str
    label: str
    definition: str
    unit: str
    direction: str = Field(description="higher_better | lower_better | neutral")
    direction_label: str
    kind: str
    sources: list[str]
    default_weight: float
    digits: int
    years: list[int]
    aggregable: bool = Field(description="시도 값을 시군구 값에서 만들 수 있는지")


OVERRIDES[Indicator] = IndicatorPublic
_DisparityFields = public_model(DisparityResult, name="DisparityResultFields", fields_of_to_dict=True)
DisparityResultPublic = create_model(
    "DisparityResultPublic", __base__=_DisparityFields,
    __doc__="Gini, Theil T (between/within groups), CV, Williamson CV and ratios of one indicator in one year.",
    total=(float | None, Field(None, description="타일 T 전체")),
    between=(float | None, Field(None, description="타일 T 권역 간")),
    within=(float | None, Field(None, description="타일 T 권역 내")))
OVERRIDES[DisparityResult] = DisparityResultPublic
DisparityChangePublic = public_model(DisparityChange)
DisparityAnswer = Union[DisparityResultPublic, DisparityChangePublic]  # noqa: UP007 - a response_model union


class IndicatorListPublic(BaseModel):
    indicators: list[IndicatorPublic]
    sources: list[str]


class IndicatorValue(BaseModel):
    rank: int | None
    code: str
    name: str
    value: float | None


class IndicatorValuesPublic(BaseModel):
    indicator: IndicatorPublic
    year: int
    level: str
    values: list[IndicatorValue]


class GroupValuesPublic(BaseModel):
    indicator: str
    by: str
    variant: str
    groups: list[dict[str, Any]] = Field(description="group, name, year, value, n … (권역별·연도별)")


CompositeResultPublic = public_model(CompositeResult)
ScenarioPublic = public_model(Scenario)
RegionIndicatorsPublic = public_model(RegionIndicators)


class ScenarioListPublic(BaseModel):
    scenarios: list[ScenarioPublic]  # type: ignore[valid-type]


class ScenarioCreate(BaseModel):
    """A weight scenario to save.  Values are checked by ``balance.composite.validate_spec`` (Korean messages)."""

    model_config = ConfigDict(extra="allow")

    name: Any = Field(None, description="시나리오 이름 (필수)")
    weights: Any = Field(None, description="{지표 id: 가중치} 또는 'tfr=2,vacancy_rate=1'")
    method: Any = Field(None, description="minmax | zscore | rank")
    year: Any = Field(None, description="기준 연도")
    directions: Any = Field(None, description="{지표 id: higher_better | lower_better}")
    level: Any = Field(None, description="sigungu | sido")
    description: Any = None
    overwrite: Any = Field(None, description="같은 이름이 있으면 덮어쓰기")
