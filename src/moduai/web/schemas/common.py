"""The one error document every /api route answers with (see ``moduai.web.errors``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    type: str = Field(description="input_error | not_found | ambiguous | data_unavailable | forbidden | …")
    message: str = Field(description="한국어 설명: 무엇이 잘못됐고 어떻게 고치는지")
    field: str | None = Field(None, description="잘못된 입력 항목")
    detail: str | None = None
    candidates: list[Any] | None = Field(None, description="모호하거나 없을 때의 후보")


class ErrorPublic(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorPublic, "description": "찾을 수 없음"},
    409: {"model": ErrorPublic, "description": "모호함 (후보 포함)"},
    422: {"model": ErrorPublic, "description": "입력 오류 또는 자료 없음"},
}
