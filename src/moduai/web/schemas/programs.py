"""Programs API documents (`/api/v1/programs…`) and request bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from moduai.programs.listing import ProgramList
from moduai.programs.matching import MatchResult
from moduai.programs.search import SearchResult
from moduai.web.schemas.derive import public_model

ProgramListPublic = public_model(ProgramList)
SearchResultPublic = public_model(SearchResult)
MatchResultPublic = public_model(MatchResult)


class ProfileRequest(BaseModel):
    """An applicant profile.  Keys in English or Korean; values are checked by ``programs.profile`` (Korean
    messages naming the field), so this model only documents them."""

    model_config = ConfigDict(extra="allow")

    age: Any = Field(None, description="만 나이, 예: 29")
    region_code: Any = Field(None, description="거주·사업장 행안부 코드 또는 지역 이름, 예: 51150, 강릉시")
    business_status: Any = Field(None, description="예비 | 기존")


class RulesValidateRequest(BaseModel):
    rules_yaml: str = Field(description="자격 규칙 YAML")
    program: str | None = Field(None, description="사업 id (메시지에 씀)")


class RulesValidatePublic(BaseModel):
    ok: bool
    criteria: list[dict[str, Any]]
    tests: int = Field(description="규칙에 들어 있는 테스트 사례 수")


class ProgramDetailPublic(BaseModel):
    program: dict[str, Any] = Field(description="사업 전체 (규칙 포함)")
    history: list[Any] = Field(description="규칙 버전 이력")
    sources: list[str]
