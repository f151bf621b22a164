"""Pages and API for 현장 AI (thin: read the upload, call the domain, render).

Pages: /fieldai (upload form), POST /fieldai/analyse (the result: profile → anomalies on an interactive
chart → forecast → alerts → defect model), /fieldai/example (the 합성 온실 log).  JSON under
/api/v1/fieldai/….  Analysis of an upload is public and nothing is stored: the file is read in memory
and dropped with the response.  Heavy work runs in sync ``def`` routes (FastAPI's threadpool).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from moduai.errors import InputError
from moduai.fieldai.alerts import TEMPLATES, evaluate_alerts, parse_rules, template
from moduai.fieldai.analysis import FieldAnalysis, analyse_file, example_analysis
from moduai.fieldai.anomalies import detect
from moduai.fieldai.forecast import forecast
from moduai.fieldai.ingest import profile, read_field_file
from moduai.korean import josa
from moduai.results import to_jsonable
from moduai.web.charts import fieldai_forecast_figure, fieldai_timeline_figure
from moduai.web.schemas import fieldai as FS
from moduai.web.templating import render_page

router = APIRouter()

UPLOAD_LIMIT_MB = 20
UPLOAD_LIMIT = UPLOAD_LIMIT_MB * 1024 * 1024
SITE_OPTIONS = [("", "파일을 보고 고르기")] + [(k, v) for k, v in TEMPLATES.items()]


def _read_upload(request: Request, file: UploadFile | None) -> tuple[bytes, str]:
    """The upload's bytes, refused above the limit before reading it all."""
    if file is None or not file.filename:
        raise InputError("올릴 파일을 골라 주세요(CSV 또는 XLSX).", field="file")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > UPLOAD_LIMIT + 64 * 1024:
        raise InputError(f"파일이 {UPLOAD_LIMIT_MB} MB보다 큽니다. 기간을 나눠 올려 주세요.", field="file")
    raw = file.file.read(UPLOAD_LIMIT + 1)
    if len(raw) > UPLOAD_LIMIT:
        raise InputError(f"파일이 {UPLOAD_LIMIT_MB} MB보다 큽니다. 기간을 나눠 올려 주세요.", field="file")
    return raw, file.filename


def _site(site: str | None) -> str | None:
    if site and site not in TEMPLATES and site not in TEMPLATES.values():
        raise InputError(f"현장 종류(site) {josa(repr(site), '은/는')} 쓸 수 없습니다. 온실, 축사, 사출, 프레스 중에서 고르세요.",
                         field="site")
    return site or None


# ------------------------------------------------------------------------------------------ pages
@dataclass
class FieldUploadContext:
    sites: list[tuple[str, str]]
    upload_limit_mb: int
    templates: dict[str, str]


@dataclass
class FieldResultContext:
    analysis: FieldAnalysis
    timeline_chart: dict | None
    forecast_charts: dict[str, dict] = field(default_factory=dict)
    sites: list[tuple[str, str]] = field(default_factory=list)
    example: bool = False


@router.get("/fieldai", include_in_schema=False)
def fieldai_page(request: Request):
    """현장 AI: 센서 기록 올리기."""
    ctx = FieldUploadContext(SITE_OPTIONS, UPLOAD_LIMIT_MB, {k: v for k, v in TEMPLATES.items()})
    return render_page(request, "fieldai/index.html", ctx, title="현장 AI")


def _result_page(request: Request, analysis: FieldAnalysis, *, example: bool = False):
    ctx = FieldResultContext(
        analysis, fieldai_timeline_figure(analysis.series, analysis.detection.windows, synthetic=analysis.synthetic),
        {s.sensor: fieldai_forecast_figure(s, synthetic=analysis.synthetic) for s in analysis.forecast.sensors},
        SITE_OPTIONS, example)
    return render_page(request, "fieldai/result.html", ctx, title=f"현장 AI 분석 — {analysis.file}")


@router.post("/fieldai/analyse", include_in_schema=False)
def fieldai_analyse_page(request: Request, file: UploadFile = File(None), site: str = Form(""),
                         rules: str = Form("")):
    """올린 파일 분석 (저장하지 않음)."""
    raw, name = _read_upload(request, file)
    return _result_page(request, analyse_file(raw, name, site=_site(site), rules_text=rules))


@router.get("/fieldai/example", include_in_schema=False)
def fieldai_example_page(request: Request, seed: int = 0, days: int = 30):
    """합성 온실 기록으로 해 보기."""
    return _result_page(request, example_analysis(days=days, seed=seed), example=True)


# -------------------------------------------------------------------------------------------- API
@router.post("/api/v1/fieldai/profile", tags=["fieldai"], response_model=FS.FieldProfilePublic)
def api_profile(request: Request, file: UploadFile = File(...)):
    """파일 점검: 시간 열, 간격, 빈 구간, 센서별 범위·결측·고착 의심."""
    raw, name = _read_upload(request, file)
    return to_jsonable(profile(read_field_file(raw, name)))


@router.post("/api/v1/fieldai/detect", tags=["fieldai"], response_model=FS.DetectionPublic)
def api_detect(request: Request, file: UploadFile = File(...), z: float = Form(6.0)):
    """이상 구간과 한국어 이유."""
    raw, name = _read_upload(request, file)
    return to_jsonable(detect(read_field_file(raw, name), z_threshold=z))


@router.post("/api/v1/fieldai/forecast", tags=["fieldai"], response_model=FS.ForecastPublic)
def api_forecast(request: Request, file: UploadFile = File(...), hours: int = Form(24)):
    """센서별 예측과 예측 구간 (계절 단순 예측과 비교)."""
    raw, name = _read_upload(request, file)
    return to_jsonable(forecast(read_field_file(raw, name), horizon=hours))


@router.post("/api/v1/fieldai/alerts", tags=["fieldai"], response_model=FS.AlertsPublic)
def api_alerts(request: Request, file: UploadFile = File(...), site: str = Form(""), rules: str = Form("")):
    """경보 규칙 적용 결과(이력과 근거)."""
    raw, name = _read_upload(request, file)
    ruleset = parse_rules(rules, source="올린 규칙") if rules.strip() else None
    return to_jsonable(evaluate_alerts(read_field_file(raw, name), ruleset or _site(site)))


@router.post("/api/v1/fieldai/analyse", tags=["fieldai"], response_model=FS.FieldAnalysisPublic)
def api_analyse(request: Request, file: UploadFile = File(...), site: str = Form(""), rules: str = Form("")):
    """점검 → 이상 → 예측 → 경보 (→ 불량 모형) 한 번에."""
    raw, name = _read_upload(request, file)
    return to_jsonable(analyse_file(raw, name, site=_site(site), rules_text=rules))


@router.get("/api/v1/fieldai/templates", tags=["fieldai"], response_model=list[FS.RuleSetPublic])
def api_templates():
    """경보 규칙 틀: 온실, 축사, 사출, 프레스."""
    return to_jsonable([template(k) for k in TEMPLATES])


@router.get("/api/v1/fieldai/example", tags=["fieldai"], response_model=FS.FieldAnalysisPublic)
def api_example(seed: int = Query(0, description="난수 시드 (같은 시드 → 같은 기록)"),
                days: int = Query(30, ge=10, le=365, description="일수 (10–365)")):
    """합성 온실 기록의 분석 (합성 자료)."""
    return to_jsonable(example_analysis(days=days, seed=seed))
