"""Disparity of an indicator across 시군구 (or 시도): Gini, Theil T with exact decomposition, CV, Williamson.

Formulas (y_i the indicator of unit i, n units, μ the plain mean, p_i population, P = Σp_i):

* Gini (relative mean difference): G = Σ_i Σ_j |y_i − y_j| / (2 n² μ)  — PySAL ``inequality.gini.Gini``.
* Theil T, units weighted equally (PySAL ``inequality.theil.TheilD``): with s_i = y_i / Σy,
  T = Σ_i s_i ln(n s_i).  By groups g (n_g units, share S_g = Σ_{i∈g} y_i / Σy):
  between B = Σ_g S_g ln(S_g n / n_g), within W = Σ_g S_g T_g, T_g the Theil T inside g; T = B + W exactly
  (Shorrocks 1980).  PySAL sets W = T − B by subtraction; we compute W from the groups and check the sum.
* Theil T, population-weighted (for per-resident indicators; Akita 2003): with Y_i = y_i p_i,
  T_p = Σ_i (Y_i/Y) ln((Y_i/Y)/(p_i/P)), decomposed the same way with population shares.
* CV = σ / μ (population standard deviation, ddof = 0).
* Williamson (1965) population-weighted CV: V_w = sqrt(Σ_i (p_i/P)(y_i − ȳ_w)²) / ȳ_w, ȳ_w = Σ p_i y_i / P.
* max/min ratio; top-10 % / bottom-10 % ratio = mean of the highest ⌈0.1 n⌉ units ÷ mean of the lowest ⌈0.1 n⌉.

Gini and Theil need non-negative values (Theil: positive; PySAL, like us, lifts exact zeros by 1e-9);
for indicators that can be negative (증감률) they are reported as not computable, with the reason.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pandas as pd

from moduai.balance.groups import assign_groups, check_grouping, groups
from moduai.balance.indicators import get_indicator, indicator_table, indicator_values, indicator_years
from moduai.data.frame_cache import cached_numbers, content_key
from moduai.data.population import registered_residents
from moduai.errors import DataUnavailable, InputError
from moduai.params import check

SMALL = 1e-9  # same lift of exact zeros as PySAL's inequality.theil
DISPARITY_LEVELS = ("sigungu", "sido")


# ------------------------------------------------------------------------------------ formulas
def gini_coefficient(values) -> float:
    """Gini by the relative mean difference, Σ|y_i − y_j| / (2 n² μ) (O(n log n) sorted form)."""
    y = np.sort(np.asarray(values, dtype=float))
    n = y.size
    total = y.sum()
    ranks = np.arange(1, n + 1)
    return float(((2 * ranks - n - 1) * y).sum() / (n * total))


def theil_t(values, weights=None) -> float:
    """Theil T; ``weights`` (population) gives the population-weighted form Σ (Y_i/Y) ln((Y_i/Y)/(p_i/P))."""
    y = np.asarray(values, dtype=float)
    y = y + SMALL * (y == 0)
    p = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    income = y * p
    s = income / income.sum()
    q = p / p.sum()
    return float((s * np.log(s / q)).sum())


@dataclass
class GroupTheil:
    """One group's part in a Theil decomposition."""

    group: str
    name: str
    n: int
    share: float  # S_g: the group's share of the total (of Σy, or of Σ y·p when population-weighted)
    weight_share: float  # n_g/n, or P_g/P when population-weighted
    theil_within: float  # T_g
    contribution: float  # S_g · T_g (its part of the within term)
    mean: float  # plain (or population-weighted) mean of the indicator in the group


@dataclass
class TheilDecomposition:
    """T = between + within, with the part of each group."""

    total: float
    between: float
    within: float
    between_share: float
    weighting: str  # 'units' or 'population'
    groups: list[GroupTheil] = field(default_factory=list)


def theil_decomposition(values, group_ids, weights=None, names: dict[str, str] | None = None) -> TheilDecomposition:
    """Exact between/within decomposition of Theil T (Shorrocks 1980), within computed group by group."""
    y = np.asarray(values, dtype=float)
    y = y + SMALL * (y == 0)
    gid = np.asarray(group_ids)
    p = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    income = y * p
    total = theil_t(y, p)
    between = 0.0
    within = 0.0
    parts = []
    for g in pd.unique(gid):
        m = gid == g
        s_g = income[m].sum() / income.sum()
        q_g = p[m].sum() / p.sum()
        t_g = theil_t(y[m], p[m])
        between += s_g * math.log(s_g / q_g)
        within += s_g * t_g
        parts.append(GroupTheil(str(g), (names or {}).get(str(g), str(g)), int(m.sum()), float(s_g), float(q_g),
                                float(t_g), float(s_g * t_g), float(income[m].sum() / p[m].sum())))
    return TheilDecomposition(float(total), float(between), float(within),
                              float(between / total) if total else 0.0,
                              "units" if weights is None else "population", parts)


def coefficient_of_variation(values) -> float:
    y = np.asarray(values, dtype=float)
    return float(y.std(ddof=0) / y.mean())


def williamson_cv(values, population) -> float:
    """Population-weighted coefficient of variation (Williamson 1965)."""
    y = np.asarray(values, dtype=float)
    w = np.asarray(population, dtype=float) / np.sum(population)
    mean_w = float((w * y).sum())
    return float(math.sqrt(float((w * (y - mean_w) ** 2).sum())) / mean_w)


def top_bottom_ratio(values, share: float = 0.1) -> float:
    """Mean of the top ⌈share·n⌉ values ÷ mean of the bottom ⌈share·n⌉."""
    y = np.sort(np.asarray(values, dtype=float))
    k = max(1, math.ceil(share * y.size))
    return float(y[-k:].mean() / y[:k].mean())


# ------------------------------------------------------------------------------------- results
@dataclass
class PysalCheck:
    """The same figures from PySAL ``inequality`` (shown next to ours; tests pin their equality)."""

    gini: float | None
    theil_total: float | None
    theil_between: float | None


@dataclass
class DisparityResult:
    """Disparity of one indicator in one year across units of one level, grouped for Theil."""

    indicator: str
    label: str
    unit: str
    direction: str
    year: int
    level: str
    by: str
    variant: str
    n: int
    mean: float
    weighted_mean: float | None
    minimum: float
    maximum: float
    min_unit: str
    max_unit: str
    gini: float | None
    cv: float
    williamson_cv: float | None
    max_min_ratio: float | None
    top_bottom_10_ratio: float | None
    theil: TheilDecomposition | None
    theil_population: TheilDecomposition | None
    pysal: PysalCheck
    population_source: str | None
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def total(self) -> float | None:
        return self.theil.total if self.theil else None

    @property
    def between(self) -> float | None:
        return self.theil.between if self.theil else None

    @property
    def within(self) -> float | None:
        return self.theil.within if self.theil else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(total=self.total, between=self.between, within=self.within)
        return d


def population_weights(year: int, level: str) -> tuple[pd.Series, str]:
    """Residents per unit for weighting: the census 'population' series, else the 읍면동 total (2025),
    else year-end registered residents from the age table (years between censuses)."""
    for iid, label in (("population", "인구총조사 시군구 집계표 인구"), ("population_emd", "인구총조사 읍면동 합계 총인구")):
        t = indicator_table(iid)
        sel = t[(t.level == level) & (t.year == int(year))]
        if not sel.empty:
            return sel.set_index("code")["value"], label

    residents = registered_residents(level, int(year))
    if residents.empty:
        raise DataUnavailable(f"{year}년 인구 가중치가 없습니다.", field="year")
    return residents, "주민등록 연말 인구(연령별 인구 합계)"


def _check(indicator_id: str, year, level: str, by: str, variant: str):
    ind = get_indicator(indicator_id)
    level = check("level", level, choices=DISPARITY_LEVELS)
    kind, variant = check_grouping(by, variant)
    if level == "sido" and kind == "sido":
        raise InputError("시도 단위 격차를 시도로 묶을 수는 없습니다. by='5극3특'을 쓰세요.", field="by")
    return ind, check("year", year), kind, variant


def measure_disparity(indicator_id: str, year: int, *, by: str = "5극3특", variant: str = "official",
                      level: str = "sigungu", units: frozenset[str] | None = None) -> DisparityResult:
    """All disparity measures of one indicator and year, with Theil decomposed by ``by``.

    Parameters
    ----------
    indicator_id : an id from ``indicators.yaml`` (e.g. ``'population'``, ``'grdp_per_capita'``)
    year : a year the indicator has (else :class:`DataUnavailable` lists the years that exist)
    by : ``'5극3특'`` or ``'시도'`` — the grouping of the between/within decomposition
    variant : ``'official'`` or ``'seed-blog'`` 5극3특
    level : ``'sigungu'`` (229 units) or ``'sido'`` (17)
    units : restrict to these codes (used to compare years on the same set of units)

    Examples
    --------
    >>> r = measure_disparity("population", 2020)            # doctest: +SKIP
    >>> abs(r.theil.between + r.theil.within - r.theil.total) < 1e-12
    True
    """
    ind, year, kind, variant = _check(indicator_id, year, level, by, variant)
    values = indicator_values(indicator_id, year, level).astype(float)
    if units is not None:
        values = values[values.index.isin(units)]
    if len(values) < 2:
        raise DataUnavailable(f"{year}년 '{ind.label}' 값이 있는 지역이 2곳 미만이라 격차를 낼 수 없습니다.",
                              field="year")
    group_ids = assign_groups(values.index, by, variant)
    names = {g.id: g.name for g in groups(by, variant)}
    empty = [g.name for g in groups(by, variant) if g.id not in set(group_ids)]
    if empty:
        raise DataUnavailable(
            f"{year}년 '{ind.label}'에는 {', '.join(empty)}에 속한 지역의 값이 없어 "
            f"'{by}'({variant}) 묶음의 타일 분해를 할 수 없습니다. 다른 연도나 묶음을 고르세요.",
            field="by", detail=f"empty group(s): {empty}",
        )
    notes: list[str] = []
    y = values.to_numpy()
    pop_source = None
    weighted_mean = williamson = None
    theil_pop = None
    try:
        pop, pop_source = population_weights(year, level)
        pop = pop.reindex(values.index)
        if pop.isna().any():
            missing = list(pop[pop.isna()].index)
            notes.append(f"인구 가중치가 없는 지역 {len(missing)}곳이 있어 인구가중 지표를 내지 않았습니다.")
            pop = None
    except DataUnavailable:
        pop = None
        notes.append(f"{year}년 인구 가중치가 없어 인구가중 지표(윌리엄슨 CV, 인구가중 타일)를 내지 않았습니다.")
    nonneg = bool((y >= 0).all())
    positive_mean = y.mean() > 0
    gini = theil = pys = None
    if pop is not None and positive_mean:
        p = pop.to_numpy(dtype=float)
        weighted_mean = float((p * y).sum() / p.sum())
        williamson = williamson_cv(y, p)
    if nonneg and positive_mean:
        gini = gini_coefficient(y)
        theil = theil_decomposition(y, group_ids.to_numpy(), names=names)
        if pop is not None and ind.kind in ("ratio", "decline_index", "fiscal", "measure"):
            theil_pop = theil_decomposition(y, group_ids.to_numpy(), weights=pop.to_numpy(dtype=float), names=names)
        pys = _pysal(y, group_ids.to_numpy())
    else:
        notes.append("음수 값이 있어(증감률 등) 지니계수와 타일지수는 정의되지 않습니다. 변동계수와 최대/최소만 봅니다.")
    if ind.kind == "measure" and theil_pop is not None:
        notes.append("인구가중 타일지수는 1인당 지표용입니다. 총량 지표에서는 참고로만 보세요.")
    lo, hi = float(y.min()), float(y.max())
    return DisparityResult(
        indicator=ind.id, label=ind.label, unit=ind.unit, direction=ind.direction, year=year, level=level,
        by="5극3특" if kind == "megaregion" else "시도", variant=variant, n=int(y.size), mean=float(y.mean()),
        weighted_mean=weighted_mean, minimum=lo, maximum=hi, min_unit=str(values.idxmin()),
        max_unit=str(values.idxmax()), gini=gini, cv=coefficient_of_variation(y) if positive_mean else float("nan"),
        williamson_cv=williamson, max_min_ratio=hi / lo if lo > 0 else None,
        top_bottom_10_ratio=top_bottom_ratio(y) if nonneg and np.sort(y)[: max(1, math.ceil(0.1 * y.size))].mean() > 0 else None,
        theil=theil, theil_population=theil_pop, pysal=pys or PysalCheck(None, None, None),
        population_source=pop_source, notes=notes, sources=list(ind.sources),
    )


def _pysal(y: np.ndarray, group_ids: np.ndarray) -> PysalCheck:
    """PySAL's figures for these values and groups, kept on disk per exact input (importing ``inequality``
    costs seconds per process; its answer for the same numbers, groups and version never changes)."""
    values = np.ascontiguousarray(y, dtype=float)
    codes, _ = pd.factorize(group_ids)
    key = content_key([], values.tobytes().hex(), np.ascontiguousarray(codes, dtype=np.int64).tobytes().hex(),
                      _inequality_version())
    gini, total, between = cached_numbers("pysal", key, lambda: _pysal_fresh(values, codes))
    return PysalCheck(gini, total, between)


@lru_cache(maxsize=1)
def _inequality_version() -> str:
    try:
        return version("inequality")
    except PackageNotFoundError:
        return "unknown"


def _pysal_fresh(values: np.ndarray, codes: np.ndarray) -> list[float]:
    # deferred: inequality (PySAL, ~5 s with its dependencies) is needed only for disparity statistics
    from inequality.gini import Gini
    from inequality.theil import TheilD

    td = TheilD(values, codes)
    return [float(Gini(values).g), float(np.ravel(td.T)[0]), float(np.ravel(td.bg)[0])]


# ------------------------------------------------------------------------------- over the years
@dataclass
class DisparityChange:
    """How each measure moved between two years (to − from; negative = the gap narrowed)."""

    indicator: str
    label: str
    from_year: int
    to_year: int
    before: DisparityResult
    after: DisparityResult
    change: dict[str, float | None]
    sources: list[str] = field(default_factory=list)


MEASURE_LABELS = {
    "gini": "지니계수", "cv": "변동계수", "williamson_cv": "윌리엄슨 가중변동계수", "max_min_ratio": "최대/최소 배율",
    "top_bottom_10_ratio": "상위10%/하위10% 배율", "theil_total": "타일 T", "theil_between": "타일 T 권역 간",
    "theil_within": "타일 T 권역 내", "theil_between_share": "권역 간 비중",
}


def disparity_measures(r: DisparityResult) -> dict[str, float | None]:
    """The headline measures of a result as a flat dict (keys of :data:`MEASURE_LABELS`)."""
    return {
        "gini": r.gini, "cv": r.cv, "williamson_cv": r.williamson_cv, "max_min_ratio": r.max_min_ratio,
        "top_bottom_10_ratio": r.top_bottom_10_ratio, "theil_total": r.total, "theil_between": r.between,
        "theil_within": r.within, "theil_between_share": r.theil.between_share if r.theil else None,
    }


def common_units(indicator_id: str, years, level: str = "sigungu") -> frozenset[str]:
    """Codes with a value in every one of ``years`` (so that disparity is compared on the same units)."""
    sets = [set(indicator_values(indicator_id, y, level).index) for y in years]
    return frozenset(set.intersection(*sets)) if sets else frozenset()


def disparity_change(indicator_id: str, from_year: int, to_year: int, *, by: str = "5극3특",
                     variant: str = "official", level: str = "sigungu") -> DisparityChange:
    """Disparity in two years and the change of each measure, on the units that have values in both years."""
    same = common_units(indicator_id, (from_year, to_year), level)
    a = measure_disparity(indicator_id, from_year, by=by, variant=variant, level=level, units=same)
    b = measure_disparity(indicator_id, to_year, by=by, variant=variant, level=level, units=same)
    ma, mb = disparity_measures(a), disparity_measures(b)
    change = {k: (mb[k] - ma[k]) if ma[k] is not None and mb[k] is not None else None for k in ma}
    return DisparityChange(a.indicator, a.label, a.year, b.year, a, b, change, a.sources)


def disparity_trend(indicator_id: str, *, by: str = "5극3특", variant: str = "official",
                    level: str = "sigungu") -> list[DisparityResult]:
    """Disparity in every year the indicator has, on the units present in *all* those years.

    When a year lacks some units (2010 GRDP has no 인천·대전 figures), comparing a 191-unit Gini with a
    229-unit one would mix a change of coverage with a change of disparity; each result then carries a
    note saying how many units were compared.  Years whose grouping has an empty group are skipped.
    """
    return [replace(r, notes=list(r.notes), sources=list(r.sources)) for r in _trend(indicator_id, by, variant, level)]


@lru_cache(maxsize=64)
def _trend(indicator_id: str, by: str, variant: str, level: str) -> tuple[DisparityResult, ...]:
    """The trend, computed once per process: its inputs are the packaged census and population tables, read
    once per process by ``indicator_table`` (an ``lru_cache`` too); callers get their own notes and sources lists."""
    years = indicator_years(indicator_id, level)
    if not years:
        return ()
    same = common_units(indicator_id, years, level)
    full = max(len(indicator_values(indicator_id, y, level)) for y in years)
    out = []
    for year in years:
        try:
            r = measure_disparity(indicator_id, year, by=by, variant=variant, level=level, units=same)
        except DataUnavailable:
            continue
        if len(same) < full:
            r.notes.append(f"연도 간 비교를 위해 모든 해에 값이 있는 {len(same)}곳만으로 계산했습니다.")
        out.append(r)
    return tuple(out)
