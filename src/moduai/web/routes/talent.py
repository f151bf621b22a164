"""Pages and API for `talent` (thin: parse, call the domain, render).

Pages: /talent (K-디지털 트레이닝 성과 대시보드), /talent/match (매칭: 합성 예시 또는 파일 올리기, 한 사람 설명).
API: /api/v1/talent/outcomes, /api/v1/talent/match (파일), /api/v1/talent/match/demo, /api/v1/talent/retention.

Who may call what is in ``accounts/permissions/talent.yaml``: the dashboard and the 합성 demo are public;
uploads of trainee and placement files carry personal data (ids, home region, grades, employment) and
are for ``operator`` and ``admin`` only.  Nothing uploaded is stored: the files are read in memory,
matched and forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field

from moduai.accounts.policy import allowed, current_principal
from moduai.errors import InputError, ModuaiError
from moduai.results import to_jsonable
from moduai.talent.matching import parse_constraint_args
from moduai.talent.outcomes import GROUPINGS, OutcomesReport, outcomes_report
from moduai.talent.preferences import MatchReport, match_report
from moduai.talent.retention import retention
from moduai.web import charts
from moduai.web.errors import page_error
from moduai.web.schemas import talent as TS
from moduai.web.svgmap import PALETTE, MapFeature, legend_html, quantile_bins, svg_map
from moduai.web.templating import render_page

router = APIRouter()
MAX_UPLOAD = 20 * 1024 * 1024
BY_LABELS = {k: v[2] for k, v in GROUPINGS.items()}
MAP_METRICS = {"supply": ("청년 1만 명당 회차", "회", 2), "jobs": ("6개월 취업률", "%", 1)}


# ------------------------------------------------------------------------------------ dashboard
def _sido_map(values: dict[str, float | None], title: str, unit: str, digits: int) -> tuple[str, str]:
    from moduai.regions import get_region, sido_boundaries

    bounds = sido_boundaries()
    codes = sorted(bounds)
    colours, legend = quantile_bins([values.get(c) for c in codes], PALETTE, fmt="{:,.%sf}".replace("%s", str(digits)))
    feats = []
    for c, col in zip(codes, colours, strict=True):
        v = values.get(c)
        tip = f"{get_region(c).name}: " + ("자료 없음" if v is None else f"{v:,.{digits}f}{unit}")
        feats.append(MapFeature(c, get_region(c).name, bounds[c], col, href=f"/talent?by=sido#row-{c}", tooltip=tip))
    legend.title = f"{title} ({unit})"
    if any(values.get(c) is None for c in codes):
        legend.items.append(("#e5e7eb", "자료 없음"))
    return str(svg_map(feats, width=460, title=title)), str(legend_html(legend))


@dataclass
class TalentDashboardContext:
    by: str
    by_options: dict[str, str]
    metric: str
    metric_options: dict[str, str]
    report: OutcomesReport
    map_svg: str = ""
    legend: str = ""
    funnel_chart: dict | None = None
    rate_chart: dict | None = None
    sources: list[str] = field(default_factory=list)


@router.get("/talent", include_in_schema=False)
def talent_dashboard(request: Request, by: str = "sido", metric: str = "supply"):
    """K-디지털 트레이닝 성과 대시보드."""
    if metric not in MAP_METRICS:
        choices = ", ".join(f"{label}({key})" for key, (label, _unit, _digits) in MAP_METRICS.items())
        raise InputError(f"지도 지표(metric)는 {choices} 중 하나입니다. 받은 값: '{metric}'.", field="metric")
    report = outcomes_report(by)
    ctx = TalentDashboardContext(report.by, BY_LABELS, metric, {k: v[0] for k, v in MAP_METRICS.items()}, report,
                                 sources=report.sources)
    title, unit, digits = MAP_METRICS[metric]
    if metric == "supply":
        values = {r.code: r.runs_per_10k for r in report.concentration.regions}
    else:
        from moduai.talent.outcomes import outcome_funnel

        values = {r.key: (r.rate6 * 100 if r.rate6 is not None and r.graduates6 >= 30 else None)
                  for r in outcome_funnel("sido").rows}
    ctx.map_svg, ctx.legend = _sido_map(values, title, unit, digits)
    ctx.funnel_chart = charts.talent_funnel_figure(report)
    ctx.rate_chart = charts.talent_rate_figure(report)
    return render_page(request, "talent/index.html", ctx, title="AI 인재: 훈련 성과")


# ------------------------------------------------------------------------------------ matching page
@dataclass
class TalentMatchContext:
    demo: bool
    cap: str
    floor: str
    seed: int
    explain: str | None
    report: MatchReport | None = None
    message: str | None = None
    trainee_ids: list[str] = field(default_factory=list)
    can_upload: bool = False
    rank_chart: dict | None = None


def _demo_files(seed: int) -> tuple[bytes, bytes]:
    from moduai.talent.synthetic import synthetic_tables

    t, s = synthetic_tables(300, 60, seed=seed)
    return t.to_csv(index=False).encode(), s.to_csv(index=False).encode()


def _run_page(request: Request, ctx: TalentMatchContext, trainees: bytes | None, slots: bytes | None):
    try:
        caps = parse_constraint_args([ctx.cap] if ctx.cap else [], "cap")
        floors = parse_constraint_args([ctx.floor] if ctx.floor else [], "floor")
        if trainees is not None and slots is not None:
            rep, res = match_report(trainees, slots, caps, floors, seed=ctx.seed, explain=None)
            ids = [p.trainee_id for p in res.placements]
            pick = ctx.explain if ctx.explain in ids else (ids[0] if ids else None)
            if pick:
                from moduai.talent.matching import explain_trainee

                rep.explanation = explain_trainee(res, pick)
                ctx.explain = pick
            ctx.trainee_ids = ids[:300]
            rep.result.placements = rep.result.placements[:50]
            ctx.report = rep
            ctx.rank_chart = charts.talent_rank_figure(rep)
    except ModuaiError as exc:
        shown = page_error(exc)
        rows = shown.get("rows", [])[:10]
        ctx.message = shown["message"] + ("" if not rows else " " + " / ".join(f"{r['line']}행: {r['reason']}" for r in rows))
    return render_page(request, "talent/match.html", ctx, title="AI 인재: 매칭")


@router.get("/talent/match", include_in_schema=False)
def talent_match_page(request: Request, demo: int = 0, cap: str = "수도권=0.6", floor: str = "", seed: int = 0,
                      explain: str | None = None):
    """매칭 페이지: 합성 예시 실행(demo=1) 또는 파일 올리기 양식."""
    ctx = TalentMatchContext(bool(demo), cap, floor, seed, explain,
                             can_upload=allowed(current_principal(request), "POST", "/talent/match"))
    if demo:
        t, s = _demo_files(seed)
        return _run_page(request, ctx, t, s)
    return _run_page(request, ctx, None, None)


async def _read_upload(f: UploadFile, name: str) -> bytes:
    data = await f.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InputError(f"{name} 파일은 20MB까지 받습니다.", field=name)
    if not data:
        raise InputError(f"{name} 파일이 비었습니다.", field=name)
    return data


@router.post("/talent/match", include_in_schema=False)
async def talent_match_upload(request: Request, trainees: UploadFile = File(...), slots: UploadFile = File(...),
                              cap: str = Form(""), floor: str = Form(""), seed: int = Form(0),
                              explain: str = Form("")):
    """올린 훈련생·자리 파일로 매칭 (운영자·관리자; 파일은 저장하지 않음)."""
    ctx = TalentMatchContext(False, cap, floor, seed, explain or None, can_upload=True)
    return _run_page(request, ctx, await _read_upload(trainees, "훈련생"), await _read_upload(slots, "자리"))


# ------------------------------------------------------------------------------------ API
class DemoMatchRequest(BaseModel):
    """합성 cohort size, seed, constraints ({"수도권": 0.3}, {"호남권": 20}) and one trainee to explain."""

    trainees: int = Field(300, ge=10, le=20_000)
    slots: int = Field(60, ge=5, le=5_000)
    seed: int = 0
    caps: dict[str, float] = Field(default_factory=dict)
    floors: dict[str, float] = Field(default_factory=dict)
    explain: str | None = None


@router.get("/api/v1/talent/outcomes", tags=["talent"], response_model=TS.OutcomesPublic)
def api_outcomes(by: str = Query("sido", max_length=20,
                                 description="묶음: sido | megaregion | capital | ncs | institution | year"),
                 top: int = Query(20, ge=1, le=500, description="기관 순위에서 보여 줄 수")):
    """K-디지털 트레이닝 성과: 묶음별 퍼널, 집중도(HHI), 기관 순위(윌슨 구간), 지역 요약 (실제 자료)."""
    return to_jsonable(outcomes_report(by, top_institutions=top))


@router.post("/api/v1/talent/match/demo", tags=["talent"], response_model=TS.MatchReportPublic)
def api_match_demo(payload: DemoMatchRequest):
    """합성 훈련생·자리로 매칭 (개인정보 없음, 누구나)."""
    from moduai.talent.synthetic import synthetic_tables

    t, s = synthetic_tables(payload.trainees, payload.slots, seed=payload.seed)
    rep, _ = match_report(t.to_csv(index=False).encode(), s.to_csv(index=False).encode(), payload.caps, payload.floors,
                          seed=payload.seed, explain=payload.explain, synthetic=True)
    return to_jsonable(rep)


@router.post("/api/v1/talent/match", tags=["talent"], response_model=TS.MatchReportPublic)
async def api_match(request: Request, trainees: UploadFile = File(...), slots: UploadFile = File(...),
                    cap: str = Form(""), floor: str = Form(""), seed: int = Form(0), explain: str = Form("")):
    """올린 훈련생·자리 파일로 매칭 (운영자·관리자; 저장하지 않음). cap/floor: '수도권=0.3,호남권=…'."""
    rep, _ = match_report(await _read_upload(trainees, "훈련생"), await _read_upload(slots, "자리"),
                          parse_constraint_args([cap], "cap"), parse_constraint_args([floor], "floor"),
                          seed=seed, explain=explain or None)
    return to_jsonable(rep)


@router.post("/api/v1/talent/retention", tags=["talent"], response_model=TS.RetentionPublic)
async def api_retention(request: Request, file: UploadFile = File(...)):
    """배정 이력 파일 → 1년·3년 지역 잔류율 (운영자·관리자; 저장하지 않음)."""
    return to_jsonable(retention(await _read_upload(file, "배정")))
