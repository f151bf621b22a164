"""자율형 포괄보조 pages and /api/v1/grants (thin: parse, call one domain function, render)."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from moduai.errors import InputError, ModuaiError
from moduai.grants import allocate, get_scheme, list_schemes, parse_scheme, run_scheme_tests
from moduai.grants.portfolio import plan_portfolio
from moduai.grants.simulate import Allocation, Comparison, compare_schemes
from moduai.results import to_jsonable
from moduai.web import charts, maps
from moduai.web.errors import page_error, page_message
from moduai.web.schemas import grants as S
from moduai.web.templating import render_page

router = APIRouter()
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_YAML_CHARS = 20_000


@dataclass
class GrantsIndexContext:
    schemes: list[dict]


@dataclass
class SimulateContext:
    allocation: Allocation
    scheme_id: str
    budget: str
    schemes: list[dict]
    term_labels: dict[str, str]
    map_svg: str
    legend: str
    terms_chart: dict | None


@dataclass
class CompareContext:
    comparison: Comparison
    a: str
    b: str
    budget_a: str
    budget_b: str
    schemes: list[dict]
    map_svg: str
    legend: str


@dataclass
class PortfolioContext:
    portfolio: object | None
    form: dict
    frontier_chart: dict | None
    error: str | None = None
    error_rows: list[dict] = field(default_factory=list)


@dataclass
class CapacityContext:
    report: object
    scheme_id: str
    schemes: list[dict]


@dataclass
class EditorContext:
    yaml_text: str
    scheme_id: str
    error: str | None = None
    tests: list[dict] = field(default_factory=list)
    allocation: Allocation | None = None


def _schemes() -> list[dict]:
    return [s.summary() for s in list_schemes()]


@router.get("/grants", include_in_schema=False)
def grants_index(request: Request):
    """포괄보조 배분 방식 목록."""
    return render_page(request, "grants/index.html", GrantsIndexContext(_schemes()), title="자율형 포괄보조")


@router.get("/grants/simulate", include_in_schema=False)
def grants_simulate_page(request: Request, scheme: str = "pogwal-2026", budget: str = ""):
    """배분 모의실험 결과: 지도, 항목별 기여, 시군구 표."""
    result = allocate(scheme, budget=budget or None)
    values = {r.code: r.per_capita_krw for r in result.rows}
    map_svg, legend = maps.sigungu_choropleth(values, higher_is_better=True, title="1인당 배분액", unit="원",
                                              digits=0, href="/grants/simulate?scheme=" + scheme + "#r{code}")
    labels = {t["id"]: t["label"] for t in result.scheme["terms"]}
    ctx = SimulateContext(result, scheme, budget, _schemes(), labels, map_svg, legend,
                          charts.allocation_terms_figure(result.rows, labels))
    return render_page(request, "grants/simulate.html", ctx, title=f"배분 모의실험 — {result.scheme['name']}")


@router.get("/grants/compare", include_in_schema=False)
def grants_compare_page(request: Request, a: str = "pogwal-2026", b: str = "pogwal-2026",
                        budget_a: str = "3.8조", budget_b: str = ""):
    """두 방식 또는 두 예산 비교."""
    result = compare_schemes(a, b, budget_a=budget_a or None, budget_b=budget_b or None)
    values = {r.code: float(r.change_krw) / 1e8 for r in result.rows}
    map_svg, legend = maps.sigungu_choropleth(values, higher_is_better=True, title="배분액 변화", unit="억 원",
                                              digits=1, href="/grants/compare#r{code}")
    ctx = CompareContext(result, a, b, budget_a, budget_b, _schemes(), map_svg, legend)
    return render_page(request, "grants/compare.html", ctx, title="배분 방식 비교")


def _portfolio_context(form: dict, projects) -> PortfolioContext:
    try:
        result = plan_portfolio(projects, budget=form["budget"], region=form["region"],
                                yearly_cash=[c for c in form["cash"].split() if c],
                                field_min=[c for c in form["field_min"].split() if c],
                                field_max=[c for c in form["field_max"].split() if c],
                                local_funds=form["local"] or None)
    except ModuaiError as exc:
        shown = page_error(exc)
        return PortfolioContext(None, form, None, shown["message"], shown.get("rows", []))
    chosen = [d for d in result.decisions if d.selected]
    fig = charts.portfolio_frontier_figure(result.frontier, result.grant_used_krw, result.objective)
    return PortfolioContext(result, form, fig if chosen or result.frontier else None)


def _form(budget: str, region: str, cash: str, field_min: str, field_max: str, local: str) -> dict:
    return {"budget": budget, "region": region, "cash": cash, "field_min": field_min, "field_max": field_max,
            "local": local}


@router.get("/grants/portfolio", include_in_schema=False)
def grants_portfolio_page(request: Request, budget: str = "120억", region: str = "해남군", cash: str = "2026=45억",
                          field_min: str = "청년정착=15억", field_max: str = "", local: str = ""):
    """사업 조합 (해남군 예시)."""
    ctx = _portfolio_context(_form(budget, region, cash, field_min, field_max, local), None)
    return render_page(request, "grants/portfolio.html", ctx, title="사업 조합 최적화",
                       status_code=422 if ctx.error else 200)


@router.get("/grants/portfolio/template.csv", include_in_schema=False)
def grants_portfolio_template():
    """사업 목록 서식 (해남군 예시 내용)."""
    from fastapi.responses import Response

    from moduai.grants.portfolio import DEMO_FILE

    return Response(DEMO_FILE.read_bytes(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''portfolio_template.csv"})


@router.post("/grants/portfolio", include_in_schema=False)
async def grants_portfolio_upload(request: Request, file: UploadFile | None = File(None), budget: str = Form("120억"),
                                  region: str = Form(""), cash: str = Form(""), field_min: str = Form(""),
                                  field_max: str = Form(""), local: str = Form("")):
    """올린 사업 목록으로 조합을 풉니다 (저장하지 않음)."""
    content = None
    if file is not None and file.filename:
        content = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            raise InputError("사업 목록 파일은 2 MB 이하여야 합니다.", field="file")
    ctx = await run_in_threadpool(_portfolio_context, _form(budget, region, cash, field_min, field_max, local), content)
    return render_page(request, "grants/portfolio.html", ctx, title="사업 조합 최적화",
                       status_code=422 if ctx.error else 200)


@router.get("/grants/capacity", include_in_schema=False)
def grants_capacity_page(request: Request, scheme: str = "pogwal-2026", budget: str = ""):
    """집행 역량: 전국 집행률, 배분을 쓰기 어려울 수 있는 시군구, 지자체가 기록한 집행 실적."""
    from moduai.grants.capacity import capacity_view

    report = capacity_view(scheme, budget=budget or None)
    return render_page(request, "grants/capacity.html", CapacityContext(report, scheme, _schemes()),
                       title="집행 역량")


def _editor(yaml_text: str, scheme_id: str) -> EditorContext:
    ctx = EditorContext(yaml_text, scheme_id)
    if len(yaml_text) > MAX_YAML_CHARS:
        ctx.error = f"YAML은 {MAX_YAML_CHARS:,}자 이하여야 합니다."
        return ctx
    try:
        raw = yaml.safe_load(yaml_text)
        scheme = parse_scheme(raw)
        ctx.tests = [to_jsonable(r) for r in run_scheme_tests(scheme)]
        ctx.allocation = allocate(scheme)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        ctx.error = "YAML 문법 오류" + (f" ({mark.line + 1}번째 줄)" if mark else "") + ": 들여쓰기와 콜론(:)을 확인하세요."
    except ModuaiError as exc:
        ctx.error = page_message(exc.message)
    return ctx


@router.get("/grants/editor", include_in_schema=False)
def grants_editor_page(request: Request, scheme: str = "pogwal-2026"):
    """배분 방식 YAML 편집기 (검증하고 돌려 보기; 저장하지 않음)."""
    from moduai.grants.scheme import SCHEMES_DIR

    get_scheme(scheme)
    text = (SCHEMES_DIR / f"{scheme}.yaml").read_text(encoding="utf-8")
    return render_page(request, "grants/editor.html", EditorContext(text, scheme), title="배분 방식 편집기")


@router.post("/grants/editor", include_in_schema=False)
def grants_editor_run(request: Request, yaml_text: str = Form(...), scheme: str = Form("")):
    """편집한 YAML을 검증하고 예제와 모의실험을 돌립니다."""
    ctx = _editor(yaml_text, scheme)
    return render_page(request, "grants/editor.html", ctx, title="배분 방식 편집기",
                       status_code=422 if ctx.error else 200)


# --- API -----------------------------------------------------------------------------------------------

@router.get("/api/v1/grants/schemes", response_model=S.SchemeListOut, tags=["grants"], operation_id="grants_schemes")
def api_schemes():
    """내장된 배분 방식 목록."""
    return to_jsonable({"schemes": _schemes()})


@router.get("/api/v1/grants/simulate", response_model=S.AllocationOut, tags=["grants"], operation_id="grants_simulate")
def api_simulate(scheme: str = Query("pogwal-2026", max_length=60, description="배분 방식 id"),
                 budget: str | None = Query(None, max_length=40, description="예산 (예: 10.6조)")):
    """모든 시군구의 배분액과 항목별 기여 (CLI `moduai grants simulate --json`과 같은 문서)."""
    return to_jsonable(allocate(scheme, budget=budget))


@router.get("/api/v1/grants/compare", response_model=S.ComparisonOut, tags=["grants"], operation_id="grants_compare")
def api_compare(a: str = Query(..., max_length=60, description="방식 A의 id"),
                b: str = Query(..., max_length=60, description="방식 B의 id (같은 방식이면 예산만 비교)"),
                budget_a: str | None = Query(None, max_length=40, description="A의 예산 (예: 10.6조)"),
                budget_b: str | None = Query(None, max_length=40, description="B의 예산 (예: 12조)")):
    """두 방식(또는 두 예산) 비교 (CLI `moduai grants compare A B --json`과 같은 문서)."""
    return to_jsonable(compare_schemes(a, b, budget_a=budget_a, budget_b=budget_b))


@router.get("/api/v1/grants/capacity", response_model=S.CapacityOut, tags=["grants"], operation_id="grants_capacity")
def api_capacity(scheme: str = Query("pogwal-2026", max_length=60, description="배분 방식 id"),
                 budget: str | None = Query(None, max_length=40, description="예산 (예: 10.6조)")):
    """전국 집행률, 경고가 붙은 시군구, 기록된 집행 실적 (CLI `moduai grants capacity --json`과 같은 문서)."""
    from moduai.grants.capacity import capacity_view

    return to_jsonable(capacity_view(scheme, budget=budget))


@router.post("/api/v1/grants/portfolio", response_model=S.PortfolioOut, tags=["grants"], operation_id="grants_portfolio")
def api_portfolio(body: S.PortfolioIn):
    """사업 조합 최적화 (projects가 없으면 해남군 예시; CLI `moduai grants portfolio --json`과 같은 문서)."""
    if body.projects is not None and not body.projects:
        raise InputError("사업 목록(projects)이 비어 있습니다. 없으면 예시를 씁니다: projects를 빼고 보내세요.",
                         field="projects")
    projects = body.projects
    return to_jsonable(plan_portfolio(projects, budget=body.budget, region=body.region, yearly_cash=body.yearly_cash,
                                      local_funds=body.local_funds, field_min=body.field_min, field_max=body.field_max,
                                      weights=body.weights))
