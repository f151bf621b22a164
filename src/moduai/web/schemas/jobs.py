"""Response model of ``GET /api/v1/jobs/{id}`` (mirrors :meth:`moduai.jobs.Job.public`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class JobPublic(BaseModel):
    id: str = Field(description="작업 번호 (32자리 16진수)")
    kind: str = Field(description="작업 종류")
    title: str = Field(description="작업 이름")
    status: Literal["queued", "running", "done", "failed"]
    status_ko: str = Field(description="상태 (한국어)")
    progress: float = Field(ge=0, le=1, description="진행률 0~1")
    note: str = Field(description="지금 하는 일")
    result_url: str | None = Field(None, description="끝난 뒤 결과를 볼 주소")
    error: dict[str, Any] | None = Field(None, description="실패했을 때의 오류 문서")
    created_at: str = Field(description="시작 시각 (ISO 8601, UTC)")
    finished_at: str | None = Field(None, description="끝난 시각 (ISO 8601, UTC)")
