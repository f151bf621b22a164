"""성과 추적 pages and /api/v1/impact (thin: parse, call one domain function, render)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from moduai.errors import InputError, ModuaiError
from moduai.impact.concentration import Concentration, concentration_of_file
from moduai.impact.did import PanelAnalysis, analyse_panel
from moduai.impact.study import CONTROLS, OUTCOMES, DeclineStudy, decline_study
from moduai.results import to_jsonable
from moduai.web import charts
from moduai.web.errors import page_error, page_message
from moduai.web.schemas import impact as IS
from moduai.web.templating import render_page

router = APIRouter()
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXAMPLE_AWARDS = Path(__file__).resolve().parents[2] / "impact" / "data" / "awards_example.csv"


@dataclass
class StudyContext:
    study: DeclineStudy
    outcomes: dict[str, str]
    controls: dict[str, str]
    event_chart: dict | None
    means_chart: dict | None


@dataclass
class ConcentrationContext:
    result: Concentration | None
    example: bool
    lorenz_chart: dict | None
    error: str | None = None
    error_rows: list[dict] = field(default_factory=list)


@dataclass
class PanelContext:
    result: PanelAnalysis | None
    event_chart: dict | None = None
    error: str | None = None


@router.get("/impact", include_in_schema=False)
def impact_index(request: Request):
    """성과 추적 첫 화면."""
    return render_page(request, "impact/index.html", None, title="성과 추적")


@router.get("/impact/study", include_in_schema=False)
def impact_study_page(request: Request, outcome: str = "residents_20_39", control: str = "non_designated"):
    """내장 연구: 인구감소지역 지정(2021)과 인구 추세."""
    s = decline_study(outcome, control)
    ctx = StudyContext(s, OUTCOMES, CONTROLS,
                       charts.event_study_figure(s.event_study.terms, title="사건연구: 지정 전후 해마다의 차이",
                                                 base_year=2022),
                       charts.group_means_figure(s.treated_mean, s.control_mean,
                                                 labels=("인구감소지역", s.control_label), title=s.outcome_label))
    return render_page(request, "impact/study.html", ctx, title="인구감소지역 지정의 효과")


def _concentration_ctx(content: bytes | None) -> ConcentrationContext:
    example = content is None
    try:
        result = concentration_of_file(EXAMPLE_AWARDS if example else content)
    except ModuaiError as exc:
        shown = page_error(exc)
        return ConcentrationContext(None, example, None, shown["message"], shown.get("rows", []))
    return ConcentrationContext(result, example, charts.lorenz_figure(result.lorenz))


@router.get("/impact/concentration", include_in_schema=False)
def impact_concentration_page(request: Request):
    """지원 집중도 (예시 파일)."""
    return render_page(request, "impact/concentration.html", _concentration_ctx(None), title="지원 집중도")


async def _read_upload(file: UploadFile | None) -> bytes:
    if file is None or not file.filename:
        raise InputError("올릴 파일을 고르세요.", field="file")
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise InputError("파일은 5 MB 이하여야 합니다.", field="file")
    return content


@router.post("/impact/concentration", include_in_schema=False)
async def impact_concentration_upload(request: Request, file: UploadFile | None = File(None)):
    """올린 지원 내역의 집중도 (저장하지 않음)."""
    ctx = await run_in_threadpool(_concentration_ctx, await _read_upload(file))
    return render_page(request, "impact/concentration.html", ctx, title="지원 집중도",
                       status_code=422 if ctx.error else 200)


@router.get("/impact/did", include_in_schema=False)
def impact_did_page(request: Request):
    """내 패널로 이중차분."""
    return render_page(request, "impact/did.html", PanelContext(None), title="내 자료로 이중차분")


def _panel_ctx(content: bytes) -> PanelContext:
    try:
        res = analyse_panel(content)
    except ModuaiError as exc:
        return PanelContext(None, None, page_message(exc.message))
    return PanelContext(res, charts.event_study_figure(res.event_study.terms, title="사건연구 (기준: 처리 직전)"))


@router.post("/impact/did", include_in_schema=False)
async def impact_did_upload(request: Request, file: UploadFile | None = File(None)):
    """올린 패널의 TWFE·사건연구·Callaway–Sant'Anna (저장하지 않음)."""
    ctx = await run_in_threadpool(_panel_ctx, await _read_upload(file))
    return render_page(request, "impact/did.html", ctx, title="내 자료로 이중차분", status_code=422 if ctx.error else 200)


# --- API -------------------------------------------------------------------------------------------------

class AwardIn(BaseModel):
    recipient_id: str = Field(..., max_length=100)
    date: str = Field(..., max_length=30, description="지원일 (예: 2024-03-15)")
    amount: float = Field(..., ge=0, description="금액 (원)")
    region_code: str | None = Field(None, max_length=10, description="행안부 시군구 코드")


class AwardsIn(BaseModel):
    awards: list[AwardIn] = Field(..., min_length=1, max_length=200_000)


class PanelRowIn(BaseModel):
    unit: str = Field(..., max_length=100)
    time: int = Field(..., ge=1900, le=2200)
    outcome: float
    treated: int = Field(..., ge=0, le=1)
    cluster: str | None = Field(None, max_length=100)


class PanelIn(BaseModel):
    rows: list[PanelRowIn] = Field(..., min_length=4, max_length=200_000)


@router.get("/api/v1/impact/study", tags=["impact"], operation_id="impact_study",
            response_model=IS.DeclineStudyPublic)
def api_study(outcome: str = Query("residents_20_39", max_length=40, description="residents_20_39 | population"),
              control: str = Query("non_designated", max_length=40, description="non_designated | interest")):
    """인구감소지역 지정(2021) 연구 (CLI `moduai impact did --json`과 같은 문서)."""
    return to_jsonable(decline_study(outcome, control))


@router.post("/api/v1/impact/concentration", tags=["impact"], operation_id="impact_concentration",
             response_model=IS.ConcentrationPublic)
def api_concentration(body: AwardsIn):
    """지원 집중도 (CLI `moduai impact concentration FILE --json`과 같은 문서)."""
    return to_jsonable(concentration_of_file([a.model_dump() for a in body.awards]))


@router.post("/api/v1/impact/did", tags=["impact"], operation_id="impact_did",
             response_model=IS.PanelAnalysisPublic)
def api_did(body: PanelIn):
    """내 패널의 TWFE·사건연구·Callaway–Sant'Anna."""
    return to_jsonable(analyse_panel([r.model_dump() for r in body.rows]))
