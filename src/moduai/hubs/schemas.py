"""What leaves the hubs domain (schemas by direction): the API's response models.

Personal fields (``PERSONAL_FIELDS``) only appear in models that operators, mentors and admins receive;
planner answers are built from :class:`PlannerOverview`, which has none of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SYNTHETIC_LABEL = "합성"
# Field names that carry personal data (masked or not); a test walks planner JSON for any of them.
PERSONAL_FIELDS = frozenset({"name_masked", "phone_masked", "person_key", "person_id", "notes", "consent_on",
                             "consent_scope", "people", "brn", "organisation_name", "persons"})


class HubPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    slug: str
    name: str
    region_code: str
    region_name: str = ""
    sido_code: str
    megaregion_id: str
    megaregion_name: str = ""
    focus: list[str]
    is_synthetic: bool
    label: str | None = Field(None, description="합성 데이터면 '합성'")


class OrganisationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    hub_id: int
    name: str
    brn: str | None = Field(None, description="사업자등록번호 (000-00-00000); 예비창업자는 없음")
    is_prospective: bool
    region_code: str | None
    region_name: str = Field("", description="본점 시군구 이름 (region_code에서; 모르는 코드는 코드 그대로)")
    sector: str | None
    founded_on: dt.date | None
    merged_into_id: int | None = None


class PersonPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    hub_id: int
    name_masked: str
    phone_masked: str | None
    organisation_id: int | None
    consent_on: dt.date
    consent_scope: str
    merged_into_id: int | None = None


class CohortPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    hub_id: int
    program_id: int
    name: str
    year: int
    capacity: int
    starts_on: dt.date
    ends_on: dt.date
    field: str
    criteria: list[dict[str, Any]]


class TimelineEvent(BaseModel):
    date: dt.date
    hub_id: int
    hub_name: str
    kind: str
    label: str
    detail: str = ""
    ref: str = Field(..., description="'<table>:<id>'")


class OrganisationTimeline(BaseModel):
    organisation: OrganisationPublic
    identity: str = Field(..., description="사업자등록번호 또는 '예비창업자 (기관 번호 없음)'")
    hubs: list[str]
    events: list[TimelineEvent]
    movement: str | None = Field(None, description="본점 이동: 그대로 · 권역 안 이동 · 수도권으로 이동 · 다른 권역으로 이동")
    label: str | None = None


class ApplicationView(BaseModel):
    id: int
    organisation_id: int
    organisation_name: str
    status: str
    status_label: str
    applied_on: dt.date
    total_score: float | None
    reasons: list[str]
    sessions: int
    attended: int
    mentoring_hours: float


class CohortPage(BaseModel):
    cohort: CohortPublic
    program_name: str
    applicants: int
    selected: int
    completed: int
    applications: list[ApplicationView]
    label: str | None = None


class DuplicateProposal(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    hub_id: int
    entity: str
    keep_id: int
    other_id: int
    reason: str
    similarity: float
    status: str


class MergeResult(BaseModel):
    log_id: int
    entity: str
    kept_id: int
    merged_id: int
    moved: dict[str, list[int]]
    undone: bool = False


class ConsultationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    hub_id: int
    organisation_id: int | None
    held_on: dt.date
    topic: str
    notes: str
    analysis_kind: str | None
    analysis_inputs: dict[str, Any] | None
    analysis_result: dict[str, Any] | None
    analysis_sources: list[str] | None


class SigunguAggregate(BaseModel):
    code: str
    name: str
    organisations: int
    supported: int
    closed: int
    jobs: int
    investment_krw: int


class PlannerOverview(BaseModel):
    """Aggregates only: counts and sums by 시군구, never a name, number or person."""

    region_code: str | None
    hubs: list[dict[str, Any]]
    by_sigungu: list[SigunguAggregate]
    kpis: list[dict[str, Any]]
    label: str | None = None
    sources: list[str] = Field(default_factory=lambda: ["hubs-records", "population-decline-areas"])
