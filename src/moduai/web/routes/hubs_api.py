"""/api/v1/hubs: the hubs API with response models (pages are in ``routes/hubs.py``, same checks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from pydantic import BaseModel

from moduai.accounts.policy import Principal, current_principal
from moduai.db import session_scope
from moduai.errors import InputError
from moduai.hubs import io as IO
from moduai.hubs import kpis as K
from moduai.hubs import service as S
from moduai.hubs.planner import planner_overview
from moduai.hubs.schemas import (
    CohortPage,
    CohortPublic,
    ConsultationPublic,
    DuplicateProposal,
    HubPublic,
    MergeResult,
    OrganisationPublic,
    OrganisationTimeline,
    PlannerOverview,
)
from moduai.results import to_jsonable
from moduai.web.routes.hubs import _migrated
from moduai.web.schemas.common import ERROR_RESPONSES

router = APIRouter(dependencies=[Depends(_migrated)], tags=["hubs"], responses=ERROR_RESPONSES)


# -------------------------------------------------------------------------------------------- API
class KpiModel(BaseModel):
    id: str
    name: str
    unit: str
    definition: str
    numerator_label: str
    denominator_label: str | None
    value: float | None
    numerator: float
    denominator: int | None
    entity: str
    rows: dict[str, list[int]] | None = None
    extra: dict[str, Any] = {}
    fraction: bool = False  # value = numerator ÷ denominator (not so for 생존율, sums, counts)


class KpiReportModel(BaseModel):
    hub: HubPublic
    year: int
    cohort_id: int | None
    as_of: dt.date
    kpis: list[KpiModel]
    label: str | None = None
    sources: list[str]


class ImportResultModel(BaseModel):
    entity: str
    hub: str
    rows: int
    inserted: int
    unchanged: int
    label: str | None = None
    sources: list[str]


class HubCreate(BaseModel):
    name: str
    region: str
    focus: list[str] = []
    slug: str | None = None


class OrganisationCreate(BaseModel):
    name: str
    brn: str | None = None
    region_code: str | None = None
    sector: str | None = None
    founded_on: dt.date | None = None


class OutcomeCreate(BaseModel):
    observed_on: dt.date
    kind: str
    evidence: str
    amount_krw: int | None = None
    headcount: int | None = None
    revenue_band: str | None = None
    region_code: str | None = None
    note: str | None = None


class ConsultationCreate(BaseModel):
    held_on: dt.date
    topic: str
    notes: str = ""
    organisation_id: int | None = None
    analysis_kind: str | None = None
    analysis_inputs: dict[str, Any] | None = None


@router.get("/api/v1/hubs", response_model=list[HubPublic])
def api_hubs(principal: Principal = Depends(current_principal)):
    """거점센터 목록 (보이는 것만)."""
    with session_scope() as s:
        return S.list_hubs(s, principal)


@router.post("/api/v1/hubs", response_model=HubPublic)
def api_create_hub(body: HubCreate, principal: Principal = Depends(current_principal)):
    """거점센터 만들기 (관리자)."""
    with session_scope() as s:
        return S.create_hub(s, principal, name=body.name, region=body.region, focus=body.focus, slug=body.slug)


@router.get("/api/v1/hubs/planner", response_model=PlannerOverview)
def api_planner(year: int = Query(..., ge=2000, le=2100, description="집계 연도"), principal: Principal = Depends(current_principal)):
    """관할 거점센터의 시군구별 집계와 KPI (개인 정보 없음)."""
    with session_scope() as s:
        return planner_overview(s, principal, year)


@router.get("/api/v1/hubs/organisations/{org_id}/timeline", response_model=OrganisationTimeline)
def api_timeline(org_id: int, principal: Principal = Depends(current_principal)):
    """기관 타임라인."""
    with session_scope() as s:
        return S.organisation_timeline(s, principal, org_id)


class CreatedId(BaseModel):
    id: int


@router.post("/api/v1/hubs/organisations/{org_id}/outcomes", response_model=CreatedId)
def api_add_outcome(org_id: int, body: OutcomeCreate, principal: Principal = Depends(current_principal)):
    """성과 기록 추가."""
    with session_scope() as s:
        oid = S.add_outcome(s, principal, org_id, **body.model_dump())
    return {"id": oid}


@router.get("/api/v1/hubs/cohorts/{cohort_id}", response_model=CohortPage)
def api_cohort(cohort_id: int, principal: Principal = Depends(current_principal)):
    """기수 (신청·점수 근거·참여·수료)."""
    with session_scope() as s:
        return S.get_cohort_page(s, principal, cohort_id)


@router.get("/api/v1/hubs/consultations/{consultation_id}", response_model=ConsultationPublic)
def api_consultation(consultation_id: int, principal: Principal = Depends(current_principal)):
    """저장된 상담과 분석."""
    with session_scope() as s:
        return S.get_consultation(s, principal, consultation_id)


@router.post("/api/v1/hubs/duplicates/{proposal_id}/merge", response_model=MergeResult)
def api_merge(proposal_id: int, principal: Principal = Depends(current_principal)):
    """중복 후보 병합."""
    with session_scope() as s:
        return S.merge(s, principal, proposal_id)


@router.post("/api/v1/hubs/merges/{log_id}/undo", response_model=MergeResult)
def api_undo(log_id: int, principal: Principal = Depends(current_principal)):
    """병합 되돌리기."""
    with session_scope() as s:
        return S.undo_merge(s, principal, log_id)


@router.get("/api/v1/hubs/{hub}", response_model=HubPublic)
def api_hub(hub: str, principal: Principal = Depends(current_principal)):
    """거점센터 하나."""
    with session_scope() as s:
        return S.hub_public(S.get_hub_row(s, principal, hub))


@router.get("/api/v1/hubs/{hub}/kpis", response_model=KpiReportModel)
def api_kpis(hub: str, year: int = Query(..., ge=2000, le=2100, description="KPI 연도"),
             cohort: int | None = Query(None, ge=1, le=2**31 - 1, description="기수 번호 (없으면 거점 전체)"),
             principal: Principal = Depends(current_principal)):
    """KPI (정의·분자·분모·근거 행 id; 기획 담당자에게는 행 id 없음)."""
    with session_scope() as s:
        return to_jsonable(K.compute_kpis(s, principal, hub, year, cohort))


@router.get("/api/v1/hubs/{hub}/cohorts", response_model=list[CohortPublic])
def api_cohorts(hub: str, principal: Principal = Depends(current_principal)):
    """기수 목록."""
    with session_scope() as s:
        return S.list_cohorts(s, principal, hub)


@router.get("/api/v1/hubs/{hub}/organisations", response_model=list[OrganisationPublic])
def api_organisations(hub: str, q: str | None = Query(None, max_length=100, description="이름·사업자번호 일부로 찾기"),
                      principal: Principal = Depends(current_principal)):
    """기관 목록."""
    with session_scope() as s:
        return S.list_organisations(s, principal, hub, q=q)


@router.post("/api/v1/hubs/{hub}/organisations", response_model=OrganisationPublic)
def api_add_organisation(hub: str, body: OrganisationCreate, principal: Principal = Depends(current_principal)):
    """기관 추가 (사업자등록번호 검증; 예비창업자는 비움)."""
    with session_scope() as s:
        return S.add_organisation(s, principal, hub, **body.model_dump())


@router.post("/api/v1/hubs/{hub}/consultations", response_model=ConsultationPublic)
def api_add_consultation(hub: str, body: ConsultationCreate, principal: Principal = Depends(current_principal)):
    """상담 기록 (analysis_kind=programs_match면 분석을 실행해 입력·출처와 함께 저장)."""
    with session_scope() as s:
        return S.add_consultation(s, principal, hub, **body.model_dump())


@router.get("/api/v1/hubs/{hub}/duplicates", response_model=list[DuplicateProposal])
def api_duplicates(hub: str, principal: Principal = Depends(current_principal)):
    """중복 후보 찾기와 목록 (병합은 사람이)."""
    with session_scope() as s:
        S.propose_duplicates(s, principal, hub)
        return S.list_proposals(s, principal, hub)


@router.post("/api/v1/hubs/{hub}/import/{entity}", response_model=ImportResultModel)
def api_import(hub: str, entity: str, file: UploadFile = File(...), principal: Principal = Depends(current_principal)):
    """CSV/XLSX 가져오기 (오류가 있으면 422와 행별 이유, 아무것도 저장 안 함)."""
    data = file.file.read(20 * 1024 * 1024 + 1)
    if len(data) > 20 * 1024 * 1024:
        raise InputError("파일은 20MB까지 올릴 수 있습니다.", field="file")
    with session_scope() as s:
        return to_jsonable(IO.import_file(s, principal, hub, entity, data, file.filename or "upload.csv"))


