"""Regional balance indicators: definitions as data (``indicators.yaml``), values from the census.

Each indicator is a YAML entry (id, Korean label, definition, unit, direction, kind, sources …).  Values
are built from *components* — a numerator and a denominator per unit and year — so that any grouping
(시도, 5극3특, 전국) is computed as Σ numerator ÷ Σ denominator, never as an average of ratios.  Rates
given only as rates in the census (합계출산율, 사망률) have no components and are not aggregated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from moduai.data.census import MEASURES, census_values, current_units
from moduai.data.population import decline_index_table, fiscal_independence
from moduai.errors import DataUnavailable, InputError
from moduai.params import check
from moduai.regions import get_region

INDICATORS_YAML = Path(__file__).with_name("indicators.yaml")
KINDS = ("measure", "ratio", "change", "decline_index", "fiscal")
DIRECTIONS = {"higher_better": "높을수록 좋음", "lower_better": "낮을수록 좋음", "neutral": "방향 없음"}
REQUIRED = ("id", "label", "definition", "unit", "direction", "kind", "sources")
LEVELS = ("nation", "sido", "sigungu", "gu")


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator for one region and year, with where it came from."""

    indicator: str
    label: str
    year: int | None  # None when the unit has no figure for this indicator
    value: float | None
    unit: str
    source: str
    note: str = ""
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        v = self.value
        if v is not None and (np.isnan(v) or np.isinf(v)):
            v = None
        return {"indicator": self.indicator, "label": self.label, "year": self.year, "value": v,
                "unit": self.unit, "source": self.source, "note": self.note, "sources": self.sources or [self.source]}


@dataclass(frozen=True)
class Indicator:
    """One indicator definition (see ``indicators.yaml`` for the meaning of each field)."""

    id: str
    label: str
    definition: str
    unit: str
    direction: str
    kind: str
    sources: tuple[str, ...]
    measure: str | None = None
    numerator: tuple[str, ...] = ()
    denominator: str | None = None
    scale: float = 1.0
    lag: int = 5
    digits: int = 2
    default_weight: float = 0.0

    @property
    def direction_label(self) -> str:
        return DIRECTIONS[self.direction]

    @property
    def aggregable(self) -> bool:
        """Whether 시도/권역 values can be formed (rates given only as rates cannot)."""
        if self.kind == "measure":
            return MEASURES[self.measure or ""].additive
        return self.kind in ("ratio", "change", "decline_index")

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "definition": self.definition, "unit": self.unit,
                "direction": self.direction, "direction_label": self.direction_label, "kind": self.kind,
                "sources": list(self.sources), "default_weight": self.default_weight, "digits": self.digits,
                "years": indicator_years(self.id), "aggregable": self.aggregable}


def _parse(entry: dict, where: str) -> Indicator:
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise InputError(f"{where}: 필수 필드가 없습니다: {', '.join(missing)}", field=where)
    if entry["kind"] not in KINDS:
        raise InputError(f"{where}: kind는 {', '.join(KINDS)} 중 하나여야 합니다. 받은 값: '{entry['kind']}'",
                         field=f"{where}.kind")
    if entry["direction"] not in DIRECTIONS:
        raise InputError(f"{where}: direction은 {', '.join(DIRECTIONS)} 중 하나여야 합니다. 받은 값: "
                         f"'{entry['direction']}'", field=f"{where}.direction")
    num = entry.get("numerator") or ()
    num = tuple(num) if isinstance(num, list) else (num,) if num else ()
    for m in (*num, entry.get("denominator"), entry.get("measure")):
        if m and m not in MEASURES:
            raise InputError(f"{where}: 인구총조사 변수 '{m}'가 없습니다.", field=where)
    if entry["kind"] in ("measure", "change") and not entry.get("measure"):
        raise InputError(f"{where}: kind '{entry['kind']}'에는 measure가 필요합니다.", field=f"{where}.measure")
    if entry["kind"] == "ratio" and not (num and entry.get("denominator")):
        raise InputError(f"{where}: kind 'ratio'에는 numerator와 denominator가 필요합니다.", field=where)
    return Indicator(
        id=str(entry["id"]), label=str(entry["label"]), definition=str(entry["definition"]).strip(),
        unit=str(entry["unit"]), direction=entry["direction"], kind=entry["kind"],
        sources=tuple(entry["sources"]), measure=entry.get("measure"), numerator=num,
        denominator=entry.get("denominator"), scale=float(entry.get("scale", 1)), lag=int(entry.get("lag", 5)),
        digits=int(entry.get("digits", 2)), default_weight=float(entry.get("default_weight", 0)),
    )


def load_indicator_definitions(path: Path | None = None) -> tuple[Indicator, ...]:
    """Parse and check an indicator file; a broken entry names its position and field."""
    raw = yaml.safe_load((path or INDICATORS_YAML).read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise InputError("지표 정의 파일은 목록(list)이어야 합니다.", field=str(path or INDICATORS_YAML))
    out, seen = [], set()
    for i, entry in enumerate(raw):
        ind = _parse(entry, f"indicators[{i}]" + (f" ({entry.get('id')})" if isinstance(entry, dict) else ""))
        if ind.id in seen:
            raise InputError(f"지표 id '{ind.id}'가 두 번 정의되었습니다.", field="id")
        seen.add(ind.id)
        out.append(ind)
    return tuple(out)


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    """Every shipped indicator, in file order."""
    return load_indicator_definitions()


def get_indicator(indicator_id: str) -> Indicator:
    """One indicator by id; an unknown id gets the Korean list of what exists."""
    for ind in indicators():
        if ind.id == indicator_id:
            return ind
    known = ", ".join(f"{i.id}({i.label})" for i in indicators())
    raise InputError(
        f"지표 '{indicator_id}'가 없습니다. 쓸 수 있는 지표: {known}.",
        field="indicator", detail=f"unknown indicator {indicator_id!r}",
    )


# ----------------------------------------------------------------------------------- components
def _sum_measures(ids: tuple[str, ...]) -> pd.DataFrame:
    frames = [census_values(m).set_index(["code", "level", "year"])["value"] for m in ids]
    joined = pd.concat(frames, axis=1, join="inner")
    return joined.sum(axis=1).rename("num").reset_index()


@lru_cache(maxsize=64)
def indicator_components(indicator_id: str) -> pd.DataFrame:
    """``code, level, year, num, den`` for every unit and year the indicator has (levels nation…gu).

    value = num ÷ den × scale (``change``: (num ÷ den − 1) × 100); for rates taken as they are, ``den``
    is 1 and the value is ``num``.
    """
    ind = get_indicator(indicator_id)
    cols = ["code", "level", "year", "num", "den"]
    if ind.kind == "measure":
        v = census_values(ind.measure)
        df = v.rename(columns={"value": "num"}).assign(den=1.0)[cols]
    elif ind.kind == "ratio":
        num = _sum_measures(ind.numerator)
        den = census_values(ind.denominator).rename(columns={"value": "den"})[["code", "level", "year", "den"]]
        df = num.merge(den, on=["code", "level", "year"])[cols]
    elif ind.kind == "change":
        v = census_values(ind.measure)[["code", "level", "year", "value"]]
        before = v.assign(year=v.year + ind.lag).rename(columns={"value": "den"})
        df = v.rename(columns={"value": "num"}).merge(before, on=["code", "level", "year"])[cols]
    elif ind.kind == "decline_index":
        t = decline_index_table("auto")
        df = t.rename(columns={"women_20_39": "num", "residents_65_plus": "den"})[cols]
    else:  # fiscal

        f = fiscal_independence()
        df = f.assign(level="sigungu", num=f.value, den=1.0)[cols]
    df = df[(df.den != 0) & df.num.notna() & df.den.notna()]
    return df.astype({"year": int}).reset_index(drop=True)


def value_from_components(ind: Indicator, num, den):
    """Apply the indicator's formula to numerator/denominator (scalars or arrays)."""
    ratio = np.asarray(num, dtype=float) / np.asarray(den, dtype=float)
    if ind.kind == "change":
        return (ratio - 1.0) * 100.0
    if ind.kind in ("ratio",):
        return ratio * ind.scale
    return ratio


@lru_cache(maxsize=64)
def indicator_table(indicator_id: str) -> pd.DataFrame:
    """``code, level, year, value, num, den`` for every unit and year with a value."""
    ind = get_indicator(indicator_id)
    comp = indicator_components(indicator_id)
    out = comp.assign(value=value_from_components(ind, comp.num, comp.den))
    return out[np.isfinite(out.value)].reset_index(drop=True)


def indicator_years(indicator_id: str, level: str = "sigungu") -> list[int]:
    """Years with values for at least one unit of ``level``."""
    t = indicator_table(indicator_id)
    return sorted({int(y) for y in t[t.level == level].year})


def indicator_values(indicator_id: str, year: int, level: str = "sigungu") -> pd.Series:
    """Values of one indicator for every unit of ``level`` in ``year`` (index: 행안부 code).

    Raises :class:`DataUnavailable` (Korean message listing the years that exist) for a year without data.
    """
    ind = get_indicator(indicator_id)
    level = check("level", level, choices=LEVELS)
    year = check("year", year)
    t = indicator_table(indicator_id)
    sel = t[(t.level == level) & (t.year == year)]
    if sel.empty:
        years = indicator_years(indicator_id, level)
        have = ", ".join(map(str, years)) if years else "없음"
        raise DataUnavailable(
            f"'{ind.label}'({ind.id}) 지표는 {year}년 자료가 없습니다. 자료가 있는 연도: {have}.",
            field="year", detail=f"no data for {indicator_id} in {year} at level {level}",
        )
    return sel.set_index("code")["value"].sort_index()


def indicator_series_for_region(code: str) -> list[IndicatorValue]:
    """Every indicator value of one 전국('00')/시도/시군구/일반구 code, all years."""
    out = []
    for ind in indicators():
        t = indicator_table(ind.id)
        for r in t[t.code == code].sort_values("year").itertuples():
            out.append(_iv(ind, int(r.year), float(r.value)))
    return out


def _iv(ind: Indicator, year: int | None, value: float | None, note: str = "") -> IndicatorValue:
    return IndicatorValue(indicator=ind.id, label=ind.label, year=year, value=value, unit=ind.unit,
                          source=ind.sources[0], note=note, sources=list(ind.sources))


def indicator_latest_values(code: str, ids: tuple[str, ...] | None = None) -> list[IndicatorValue]:
    """The latest value of each indicator for one region; an indicator without any value says why."""
    out = []
    for iid in ids or tuple(i.id for i in indicators()):
        ind = get_indicator(iid)
        t = indicator_table(iid)
        mine = t[t.code == code]
        if mine.empty:
            why = "이 지역 단위에는 자료가 없습니다" if not ind.aggregable and len(code) == 2 else "자료 없음"
            out.append(_iv(ind, None, None, note=why))
            continue
        r = mine.sort_values("year").iloc[-1]
        out.append(_iv(ind, int(r.year), float(r.value)))
    return out


@dataclass
class RegionIndicators:
    """All indicator values of one region, by indicator, with the region's name and sources."""

    code: str
    name: str
    level: str
    values: list[IndicatorValue]
    definitions: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def region_indicators(code: str) -> RegionIndicators:
    """Every indicator of one region over all years (the ``moduai balance indicators`` result)."""
    region = get_region(code)
    values = indicator_series_for_region(region.code)
    used = sorted({v.indicator for v in values})
    defs = [get_indicator(i).to_dict() for i in used]
    sources = sorted({s for v in values for s in v.sources})
    return RegionIndicators(region.code, region.full_name, region.level, values, defs, sources)


# ------------------------------------------------------------------------------------- summary
SUMMARY_INDICATORS = (
    "population", "population_change_5y", "population_emd", "foreign_share", "tfr", "grdp_per_capita",
    "companies_per_1000", "income_per_capita", "doctors_per_1000", "welfare_per_10000", "vacancy_rate",
    "aging_risk_index",
)


def region_census_summary(code: str) -> list[IndicatorValue]:
    """Key indicators for one 시도/시군구/일반구 (행안부 code), each at its latest year with a value.

    Indicators without any value for this unit (e.g. GRDP of a 일반구, published for the 시 only) are
    left out.  The indicators and their definitions come from ``moduai/balance/indicators.yaml`` (one definition
    for the whole platform); values are computed from :func:`census_values` and, for the
    지방소멸위험지수, from :mod:`moduai.data.population`.

    Examples
    --------
    >>> [iv.value for iv in region_census_summary("47110") if iv.indicator == "population" and iv.year == 2020]
    ... # doctest: +SKIP
    [484021.0]
    """
    if not isinstance(code, str) or not code.isdigit() or len(code) not in (2, 5):
        raise InputError(
            f"지역 코드는 행안부 2자리(시도) 또는 5자리(시군구·일반구) 숫자여야 합니다. 받은 값: '{code}'.",
            field="code", detail="region code must be a 2- or 5-digit MOIS code",
        )
    if code not in current_units():
        raise DataUnavailable(f"지역 코드 '{code}'에 대한 인구총조사 자료가 없습니다.", field="code")
    # an indicator the census does not publish for this unit (GRDP of a 일반구) is left out, not shown empty
    return [iv for iv in indicator_latest_values(code, SUMMARY_INDICATORS) if iv.value is not None]
