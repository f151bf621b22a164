"""Pages and API for `balance` (thin: parse, call the domain, render).

Pages: /balance (지표 지도·순위·격차 추이), /balance/megaregions (5극3특 비교), /balance/index (종합지수),
/balance/region/{code} (한 지역의 모든 지표), downloads under /balance/download/…; JSON under /api/v1/balance/….
What a page shows comes from :mod:`moduai.balance.dashboard`; maps from :mod:`moduai.web.maps`, charts
from :mod:`moduai.web.charts`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from moduai.accounts.policy import Principal, current_principal
from moduai.balance import composite as C
from moduai.balance import dashboard as B
from moduai.balance import disparity as D
from moduai.balance import exports as X
from moduai.balance.decline import DeclineGradeSummary
from moduai.balance.groups import GROUPINGS, group_values
from moduai.balance.indicators import (
    LEVELS,
    get_indicator,
    indicator_list,
    region_indicators,
)
from moduai.errors import InputError, ModuaiError
from moduai.regions import VARIANTS
from moduai.web import charts, maps
from moduai.web.api import api_response
from moduai.web.errors import page_message
from moduai.web.schemas import balance as S
from moduai.web.templating import render_page

router = APIRouter()
BY = tuple(GROUPINGS)  # 5극3특, megaregion, 시도, sido — stated as an enum in the OpenAPI spec

DEFAULT_INDICATOR = B.DEFAULT_INDICATOR

# shared query parameters of the JSON API, documented with the values the domain accepts
_LEVEL = Query("sigungu", description="지역 단위", json_schema_extra={"enum": list(D.DISPARITY_LEVELS)})
_VARIANT = Query("official", description="5극3특 구분", json_schema_extra={"enum": list(VARIANTS)})
_BY = Query("5극3특", description="타일 분해 묶음", json_schema_extra={"enum": list(GROUPINGS)})
_RANK_PARAMS = {"parameters": [
    {"name": "weights", "in": "query", "schema": {"type": "string"}, "description": "지표=가중치,… (예: tfr=2,vacancy_rate=1)"},
    {"name": "method", "in": "query", "schema": {"type": "string", "enum": list(C.METHODS)}, "description": "정규화"},
    {"name": "year", "in": "query", "schema": {"type": "integer"}, "description": "기준 연도"},
    {"name": "level", "in": "query", "schema": {"type": "string", "enum": list(D.DISPARITY_LEVELS)},
     "description": "지역 단위"},
    {"name": "scenario", "in": "query", "schema": {"type": "string"}, "description": "저장된 시나리오 이름"},
]}


# ------------------------------------------------------------------------------------ dashboard
@dataclass
class BalanceDashboardContext:
    indicator: dict
    indicators: list[dict]
    year: int
    years: list[int]
    variant: str
    message: str | None
    map_svg: str
    legend: str
    disparity: D.DisparityResult | None
    top: list[B.RankRow]
    bottom: list[B.RankRow]
    trend: list[dict]
    trend_chart: dict | None
    national: float | None
    downloads: dict[str, str]
    sources: list[str]
    year_options: list[int]
    decline: DeclineGradeSummary | None  # when the indicator is the 지방소멸위험지수
    trend_note: str | None
    level: str


@router.get("/balance", include_in_schema=False)
def balance_page(request: Request, indicator: str = DEFAULT_INDICATOR, year: str | None = None,
                 variant: str = "official", level: str = "sigungu"):
    """지역균형 지표: 지도, 순위, 격차."""
    d = B.balance_dashboard(indicator, year, variant, level)
    ind, y = d.indicator, d.year
    map_svg, legend, downloads = "", "", {}
    if d.disparity is not None:
        map_svg, legend = maps.indicator_choropleth(d.values, level=level, higher_is_better=ind.direction != "lower_better",
                                                    title=f"{ind.label} {y}년", unit=ind.unit, digits=ind.digits)
        q = f"indicator={ind.id}&year={y}&level={level}"
        downloads = {"CSV": f"/balance/download/values.csv?{q}", "XLSX": f"/balance/download/values.xlsx?{q}"}
    ctx = BalanceDashboardContext(
        indicator=ind.to_dict(), indicators=B.indicator_options(), year=y, years=d.years, variant=variant,
        message=page_message(d.message), map_svg=map_svg, legend=legend, disparity=d.disparity, top=d.top, bottom=d.bottom,
        trend=d.trend_rows, trend_chart=charts.disparity_trend_figure(d.trend), national=d.national,
        downloads=downloads, sources=d.sources, year_options=d.year_options, decline=d.decline,
        trend_note=d.trend_note, level=level)
    return render_page(request, "balance/index.html", ctx, title="지역균형 지표")


# --------------------------------------------------------------------------------- 5극3특 page
@dataclass
class MegaregionBalanceContext:
    indicator: dict
    indicators: list[dict]
    year: int
    years: list[int]
    variant: str
    variants: tuple[str, ...]
    message: str | None
    groups: list[dict]  # B.GroupRow fields and the group's map colour
    disparity: D.DisparityResult | None
    bar_chart: dict | None
    theil_chart: dict | None
    map_svg: str
    legend: str
    national: float | None
    sources: list[str]
    trend_chart: dict | None


@router.get("/balance/megaregions", include_in_schema=False)
def balance_megaregions_page(request: Request, indicator: str = B.DEFAULT_MEGAREGION_INDICATOR,
                             year: str | None = None, variant: str = "official"):
    """5극3특 권역 비교."""
    d = B.megaregion_dashboard(indicator, year, variant)
    ind = d.indicator
    groups = [{**asdict(g), "colour": maps.mega_colour(g.id)} for g in d.groups]
    bar_chart, map_svg, legend = None, "", ""
    if d.group_values:
        bar_chart = charts.megaregion_bar_figure(groups, label=ind.label, unit=ind.unit, digits=ind.digits,
                                                 year=d.year, national=d.national)
        # the map shows which 시도 form each group (group colours); the values are in the legend and the bars
        map_svg, legend = maps.megaregion_value_map(d.megaregions, d.group_values, label=ind.label, unit=ind.unit,
                                                    digits=ind.digits)
    theil = d.disparity.theil if d.disparity else None
    ctx = MegaregionBalanceContext(
        indicator=ind.to_dict(), indicators=B.indicator_options(), year=d.year, years=d.years, variant=variant,
        variants=("official", "seed-blog"), message=page_message(d.message), groups=groups, disparity=d.disparity,
        bar_chart=bar_chart, theil_chart=charts.theil_figure(theil) if theil else None, map_svg=map_svg,
        legend=legend, national=d.national, sources=d.sources,
        trend_chart=(charts.megaregion_trend_figure(ind.label, ind.unit, d.trend_years, d.group_trend,
                                                    d.national_trend) if d.trend_years else None))
    return render_page(request, "balance/megaregions.html", ctx, title="5극3특 권역 비교")

# ----------------------------------------------------------------------------------- composite
@dataclass
class CompositeContext:
    method: str
    methods: dict[str, str]
    year: int
    items: list[dict]
    scenario: str | None
    scenarios: list
    message: str | None
    saved: str | None
    result: C.CompositeResult | None
    top: list
    bottom: list
    chart: dict | None
    map_svg: str
    legend: str
    downloads: dict[str, str]
    query: str
    db_message: str | None


def _spec_from_query(request: Request) -> tuple[C.CompositeSpec, str | None]:
    """Weights come as w_<id>=number, directions as d_<id>=higher_better|lower_better, or a saved scenario."""
    qp = request.query_params
    scenario = qp.get("scenario") or None
    if scenario and not any(k.startswith("w_") for k in qp):
        from moduai.balance.scenarios import get_scenario

        return get_scenario(scenario).spec, scenario
    return C.spec_from_params(qp), None


@router.get("/balance/index", include_in_schema=False)
def balance_index_page(request: Request):
    """종합 균형지수와 시군구 순위."""
    try:
        spec, scenario = _spec_from_query(request)
        problem = None
    except ModuaiError as exc:
        spec, scenario, problem = C.validate_spec(None), None, exc.message
    d = B.composite_dashboard(spec, scenario, problem)
    r, map_svg, legend, downloads = d.result, "", "", {}
    if r is not None:
        map_svg, legend = maps.sigungu_choropleth({u.code: u.score for u in r.ranking}, higher_is_better=True,
                                                  title="종합 균형지수", unit="점", digits=1)
        downloads = {"CSV": f"/balance/download/index.csv?{d.query}", "XLSX": f"/balance/download/index.xlsx?{d.query}"}
    ctx = CompositeContext(
        method=spec.method, methods=C.METHODS, year=spec.year, items=d.items, scenario=scenario, scenarios=d.scenarios,
        message=page_message(d.message), saved=request.query_params.get("saved"), result=r, top=r.ranking[:20] if r else [],
        bottom=r.ranking[-10:] if r else [], chart=charts.composite_figure(r) if r else None, map_svg=map_svg,
        legend=legend, downloads=downloads, query=d.query, db_message=d.db_message)
    return render_page(request, "balance/composite.html", ctx, title="종합 균형지수")


@router.post("/balance/scenarios", include_in_schema=False)
async def balance_save_scenario(request: Request, name: str = Form(...), description: str = Form(""),
                                overwrite: str = Form(""), principal: Principal = Depends(current_principal)):
    """화면의 가중치를 시나리오로 저장."""
    from moduai.balance.scenarios import save_scenario

    form = await request.form()
    spec = C.spec_from_params({k: v for k, v in form.items() if k not in ("level", "weights", "directions")})
    saved = save_scenario(name, spec, description=description or None, overwrite=bool(overwrite), principal=principal)
    from urllib.parse import quote

    return RedirectResponse(f"/balance/index?scenario={quote(saved.name)}&saved={quote(saved.name)}", status_code=303)


# --------------------------------------------------------------------------------- region page
@dataclass
class RegionBalanceContext:
    code: str
    name: str
    level: str
    years: list[int]
    rows: list[B.IndicatorRow]
    decline: list[B.DeclinePoint]
    decline_chart: dict | None
    decline_note: str
    sources: list[str]
    industry_chart: dict | None = None


@router.get("/balance/region/{code}", include_in_schema=False)
def balance_region_page(request: Request, code: str):
    """한 지역의 모든 균형 지표 (연도별, 시도·전국과 비교)."""
    d = B.region_dashboard(code)
    region = d.region
    ctx = RegionBalanceContext(region.code, region.full_name, region.level, d.years, d.rows, d.decline,
                               charts.decline_trend_figure(d.decline_series), d.decline_note, d.sources,
                               charts.industry_mix_figure(d.industry_mix))
    return render_page(request, "balance/region.html", ctx, title=f"{region.full_name} 지역균형 지표")


# ----------------------------------------------------------------------------------- downloads
def _file(content: bytes, filename: str, media: str) -> Response:
    from urllib.parse import quote

    return Response(content, media_type=media, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/balance/download/values.{ext}", include_in_schema=False)
def download_values(ext: str, indicator: str, year: int, level: str = "sigungu"):
    """지표 값 내려받기 (CSV·XLSX)."""
    if ext not in ("csv", "xlsx"):
        raise InputError(f"파일 형식은 csv 또는 xlsx입니다. 받은 값: '{ext}'.", field="ext")
    ind = get_indicator(indicator)
    df = X.indicator_frame(ind.id, year, level)
    name = f"moduai_{ind.id}_{year}_{level}.{ext}"
    if ext == "csv":
        return _file(X.csv_bytes(df), name, "text/csv; charset=utf-8")
    notes = [f"{ind.label}: {ind.definition}", f"단위: {ind.unit}, 방향: {ind.direction_label}",
             f"출처: {', '.join(ind.sources)} (/data 참고)"]
    return _file(X.xlsx_bytes(df, ind.label, notes), name, XLSX)


@router.get("/balance/download/index.{ext}", include_in_schema=False)
def download_index(request: Request, ext: str):
    """종합지수 순위 내려받기 (CSV·XLSX)."""
    if ext not in ("csv", "xlsx"):
        raise InputError(f"파일 형식은 csv 또는 xlsx입니다. 받은 값: '{ext}'.", field="ext")
    spec, scenario = _spec_from_query(request)
    r = C.composite_index(spec, scenario=scenario)
    df = X.composite_frame(r)
    name = f"moduai_balance_index_{r.year}_{r.method}.{ext}"
    if ext == "csv":
        return _file(X.csv_bytes(df), name, "text/csv; charset=utf-8")
    notes = [f"정규화: {r.method_label}", *[f"{c.label} 가중치 {c.weight:g} ({c.year}년, {c.direction})" for c in r.components]]
    return _file(X.xlsx_bytes(df, "종합지수", notes), name, XLSX)


# ---------------------------------------------------------------------------------------- API
@router.get("/api/v1/balance/indicators", tags=["balance"], response_model=S.IndicatorListPublic)
def api_indicators():
    """지표 정의 목록 (정의·단위·방향·출처·연도)."""
    return api_response(indicator_list())


@router.get("/api/v1/balance/indicators/{indicator_id}", tags=["balance"], response_model=S.IndicatorValuesPublic)
def api_indicator_values(indicator_id: str, year: int = Query(..., ge=1900, le=2100, description="연도"),
                         level: Literal[LEVELS] = Query("sigungu", description="지역 단위")):
    """한 지표의 연도별 지역 값."""
    df = X.indicator_frame(indicator_id, year, level)
    return api_response({"indicator": get_indicator(indicator_id), "year": year, "level": level,
                         "values": df.rename(columns={"코드": "code", "지역": "name", "값": "value", "순위": "rank"})
                         [["rank", "code", "name", "value"]]})


@router.get("/api/v1/balance/disparity", tags=["balance"], response_model=S.DisparityAnswer)
def api_disparity(indicator: str = Query(..., description="지표 id (/api/v1/balance/indicators)"),
                  year: int = Query(..., ge=1900, le=2100, description="연도"),
                  by: Literal[BY] = Query("5극3특", description="타일 분해 묶음"),
                  variant: Literal[VARIANTS] = Query("official", description="5극3특 구분"),
                  level: Literal[D.DISPARITY_LEVELS] = Query("sigungu", description="지역 단위"),
                  compare: int | None = Query(None, ge=1900, le=2100,
                                              description="비교 연도: 주면 이 해에서 year까지의 변화 (DisparityChange)")):
    """격차: 지니·타일 T(권역 간·내)·CV·윌리엄슨·배율 (compare를 주면 두 해의 변화)."""
    if compare is not None:
        return api_response(D.disparity_change(indicator, compare, year, by=by, variant=variant, level=level))
    return api_response(D.measure_disparity(indicator, year, by=by, variant=variant, level=level))


@router.get("/api/v1/balance/groups", tags=["balance"], response_model=S.GroupValuesPublic)
def api_groups(indicator: str = Query(..., description="지표 id"),
               by: Literal[BY] = Query("5극3특", description="타일 분해 묶음"),
               variant: Literal[VARIANTS] = Query("official", description="5극3특 구분")):
    """권역(또는 시도)별 지표 값, 모든 연도."""
    return api_response({"indicator": indicator, "by": by, "variant": variant,
                         "groups": group_values(indicator, by, variant)})


@router.get("/api/v1/balance/rank", tags=["balance"], response_model=S.CompositeResultPublic, openapi_extra=_RANK_PARAMS)
def api_rank(request: Request):
    """종합 균형지수 순위 (weights=지표=가중치,… method year scenario)."""
    spec, scenario = _spec_from_query(request)
    return api_response(C.composite_index(spec, scenario=scenario))


@router.get("/api/v1/balance/scenarios", tags=["balance"], response_model=S.ScenarioListPublic)
def api_scenarios():
    """저장된 가중치 시나리오."""
    from moduai.balance.scenarios import list_scenarios

    return api_response({"scenarios": list_scenarios()})


@router.post("/api/v1/balance/scenarios", tags=["balance"], status_code=201, response_model=S.ScenarioPublic)
def api_save_scenario(body: S.ScenarioCreate, principal: Principal = Depends(current_principal)):
    """시나리오 저장: {"name", "weights": {id: w}, "method", "year", "directions", "description", "overwrite"}."""
    from moduai.balance.scenarios import save_scenario

    payload = body.model_dump(exclude_unset=True)
    if "name" not in payload:
        raise InputError("시나리오에는 name이 필요합니다.", field="name")
    spec = C.spec_from_params(payload)
    return api_response(save_scenario(str(payload["name"]), spec, description=payload.get("description"),
                                      overwrite=bool(payload.get("overwrite")), principal=principal), status_code=201)


@router.get("/api/v1/balance/regions/{code}", tags=["balance"], response_model=S.RegionIndicatorsPublic)
def api_region(code: str):
    """한 지역의 모든 지표 값 (연도별)."""
    return api_response(region_indicators(code))


