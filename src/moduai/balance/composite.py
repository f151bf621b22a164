"""Composite balance index: a transparent, user-weighted combination of indicators, with contributions.

score_i = Σ_k w_k · norm_k(y_ik) / Σ_k w_k, each norm on 0–100 where 100 is the *better* end:

* ``minmax``: 100 · (y − min) / (max − min)
* ``zscore``: 50 + 10 · (y − μ) / σ (a T-score; mean 50, sd 10, not clipped)
* ``rank``:   100 · (rank − 1) / (n − 1) with average ranks for ties (percentile rank)

For an indicator whose direction is ``lower_better`` the scale is turned round (100 − norm for
min-max and rank, 100 − (norm − 50)… i.e. 50 − 10·z for z-scores).  ``neutral`` indicators need an
explicit direction to be used.  Each indicator is taken in the requested year or, where it has no
value that year, in its latest earlier year (stated per indicator).  Units lacking any chosen
indicator are left out of the ranking and listed.

Defaults (documented in ``docs/notes/issue-4.md`` and on the page): the indicators with a non-zero
``default_weight`` in ``indicators.yaml`` (인구 증감률, 합계출산율, 1인당 GRDP, 사업체, 1인당 소득, 의사,
사회복지시설, 빈집 비율, 기초생활 수급률, 지방소멸위험지수), weight 1 each, ``minmax``, year 2020.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from moduai.balance.indicators import get_indicator, indicator_table, indicators
from moduai.errors import DataUnavailable, InputError
from moduai.korean import josa
from moduai.params import check
from moduai.regions import get_region, list_regions

METHODS = {"minmax": "최소-최대(0–100)", "zscore": "표준점수(T점수)", "rank": "순위 백분위"}
DEFAULT_YEAR = 2020
DEFAULT_METHOD = "minmax"
RANK_LEVELS = ("sigungu", "sido")


def default_weights(level: str = "sigungu") -> dict[str, float]:
    """The default weights; at a level where an indicator has no value at all (합계출산율 is published per
    시군구 only, so it has no 시도 value) that indicator is left out instead of failing the whole index."""
    out = {i.id: i.default_weight for i in indicators() if i.default_weight > 0}
    if level == "sigungu":
        return out
    return {k: w for k, w in out.items() if (indicator_table(k).level == level).any()}


@dataclass
class CompositeSpec:
    """What the user chose: weights by indicator id, direction overrides, method and year."""

    weights: dict[str, float]
    method: str = DEFAULT_METHOD
    year: int = DEFAULT_YEAR
    directions: dict[str, str] = field(default_factory=dict)
    level: str = "sigungu"


def validate_spec(weights: dict | None, method: str = DEFAULT_METHOD, year=DEFAULT_YEAR,
                  directions: dict | None = None, level: str = "sigungu") -> CompositeSpec:
    """Check every parameter of the composite index in one place (Korean messages naming the field)."""
    method = check("method", method, choices=tuple(METHODS))
    level = check("level", level, choices=RANK_LEVELS)
    year = check("year", year)
    weights = dict(default_weights(level) if weights is None else weights)
    clean: dict[str, float] = {}
    for iid, w in weights.items():
        w = check("weight", w, field=f"weights.{iid}", label=f"{get_indicator(iid).label} 가중치")
        if w > 0:
            clean[iid] = w
    if not clean:
        raise InputError("가중치가 0보다 큰 지표가 하나 이상 있어야 합니다.", field="weights")
    dirs = {}
    for iid, d in (directions or {}).items():
        label = get_indicator(iid).label
        if d not in ("higher_better", "lower_better"):
            raise InputError(f"'{label}'({iid})의 방향은 높을수록 좋음(higher_better) 또는 낮을수록 좋음(lower_better)"
                             f"이어야 합니다. 받은 값: '{d}'.", field=f"directions.{iid}")
        dirs[iid] = d
    for iid in clean:
        ind = get_indicator(iid)
        if ind.direction == "neutral" and iid not in dirs:
            raise InputError(
                f"'{ind.label}'({iid}){josa(ind.label, '은/는')[len(ind.label):]} 방향이 정해지지 않은 지표입니다. "
                "종합지수에 넣으려면 방향을 "
                "higher_better(높을수록 좋음) 또는 lower_better(낮을수록 좋음)로 정해 주세요.",
                field=f"directions.{iid}",
            )
    return CompositeSpec(clean, method, year, dirs, level)


def parse_weights(text: str | None) -> dict[str, str] | None:
    """'grdp_per_capita=2,tfr=1' → {'grdp_per_capita': '2', 'tfr': '1'}; None when empty."""
    return _pairs(text, "weights") or None


def _pairs(value, field: str) -> dict[str, str]:
    """``{id: v}`` from a dict, from 'id=v,id=v' text, or from a list of 'id=v' items (CLI options)."""
    if value is None or value == "" or value == []:
        return {}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    items = value.split(",") if isinstance(value, str) else list(value)
    out = {}
    for part in items:
        if "=" not in str(part):
            example = "grdp_per_capita=2,tfr=1" if field == "weights" else "tfr=lower_better"
            what = "지표=숫자" if field == "weights" else "지표=방향"
            name = "가중치" if field == "weights" else "방향"
            raise InputError(f"'{field}'({name}){josa(name, '은/는')[len(name):]} '{what}'를 쉼표로 이어 씁니다"
                             f"(예: {example}). 받은 값: '{part}'.",
                             field=field)
        k, v = str(part).split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _positive(value) -> bool:
    try:
        return float(value or 0) > 0
    except (TypeError, ValueError):
        return True  # keep it: validate_spec names the bad weight


def spec_from_params(params, *, base: CompositeSpec | None = None) -> CompositeSpec:
    """The one way outside input becomes a :class:`CompositeSpec`: CLI options, web form, query string, API body.

    ``params`` is any mapping (a query string, a form, a JSON body, a dict of CLI options) with

    * ``weights`` — ``{id: w}`` or ``"id=w,id=w"``; and/or one ``w_<id>`` key per indicator (forms);
    * ``directions`` — ``{id: dir}``, ``"id=dir,…"`` or a list of ``"id=dir"``; and/or ``d_<id>`` keys;
    * ``method``, ``year``, ``level``.

    Missing values come from ``base`` (a saved scenario's spec) and then from the defaults.  A direction
    given for an indicator without a positive weight is dropped (forms send one for every row).
    """
    weights = {k[2:]: v for k, v in params.items() if k.startswith("w_") and v not in ("", None)}
    weights.update(_pairs(params.get("weights"), "weights"))
    directions = {k[2:]: v for k, v in params.items() if k.startswith("d_") and v}
    directions.update(_pairs(params.get("directions"), "directions"))
    if not weights and base is not None:
        weights = dict(base.weights)
    if base is not None:
        directions = {**base.directions, **directions}

    def pick(name: str, default):
        v = params.get(name)
        return v if v not in (None, "") else (getattr(base, name) if base is not None else default)

    level = pick("level", "sigungu")
    if weights and base is None and _same_weights(weights, default_weights()):
        # the form sends every row's weight; untouched default rows mean "the defaults" at whatever level was
        # chosen (at 시도 level that leaves out 합계출산율, which has no 시도 value, instead of refusing)
        weights = {}
    used = weights or default_weights(level)
    return validate_spec(
        weights or None, pick("method", DEFAULT_METHOD), pick("year", DEFAULT_YEAR),
        {k: v for k, v in directions.items() if _positive(used.get(k))}, level,
    )


def _same_weights(given: dict, defaults: dict[str, float]) -> bool:
    """Do ``given`` form weights (text or numbers, zeros allowed for rows left at 0) equal the defaults?"""
    try:
        numbers = {k: float(v) for k, v in given.items()}
    except (TypeError, ValueError):
        return False  # validate_spec names the bad field
    return {k: w for k, w in numbers.items() if w != 0} == {k: float(w) for k, w in defaults.items()}


def normalise(values: pd.Series, method: str, higher_is_better: bool) -> pd.Series:
    """0–100 (T-score for zscore), where a higher number is always the better end."""
    y = values.astype(float)
    if method == "minmax":
        span = y.max() - y.min()
        n = (y - y.min()) / span * 100 if span > 0 else pd.Series(50.0, index=y.index)
        return n if higher_is_better else 100 - n
    if method == "zscore":
        sd = y.std(ddof=0)
        z = (y - y.mean()) / sd if sd > 0 else pd.Series(0.0, index=y.index)
        return 50 + 10 * (z if higher_is_better else -z)
    r = y.rank(method="average")
    n = (r - 1) / (len(y) - 1) * 100 if len(y) > 1 else pd.Series(50.0, index=y.index)
    return n if higher_is_better else 100 - n


@dataclass
class ComponentUsed:
    indicator: str
    label: str
    unit: str
    weight: float
    weight_share: float
    direction: str
    year: int


@dataclass
class RankedUnit:
    rank: int
    code: str
    name: str
    score: float
    contributions: dict[str, float]  # w_k·norm_k/Σw, sums to the score
    normalised: dict[str, float]
    raw: dict[str, float]


@dataclass
class CompositeResult:
    method: str
    method_label: str
    year: int
    level: str
    components: list[ComponentUsed]
    ranking: list[RankedUnit]
    excluded: list[dict]
    scenario: str | None = None
    sources: list[str] = field(default_factory=list)


def _value_at_or_before(indicator_id: str, year: int, level: str) -> tuple[pd.Series, int]:
    t = indicator_table(indicator_id)
    t = t[t.level == level]
    years = sorted(y for y in set(t.year) if y <= year)
    if not years:
        ind = get_indicator(indicator_id)
        if t.empty:
            unit = {"sigungu": "시군구", "sido": "시도"}.get(level, level)
            raise DataUnavailable(
                f"'{ind.label}'은(는) {unit} 단위 값이 없어(원자료가 시군구별 비율) 이 단위의 종합지수에 넣을 수 없습니다. "
                "가중치를 0으로 두세요.", field=f"weights.{indicator_id}",
            )
        have = ", ".join(map(str, sorted(set(t.year))))
        raise DataUnavailable(
            f"'{ind.label}'은(는) {year}년 또는 그 이전 자료가 없어 종합지수에 넣을 수 없습니다. 있는 연도: {have}.",
            field="year",
        )
    y = years[-1]
    return t[t.year == y].set_index("code")["value"], y


def composite_index(spec: CompositeSpec, *, scenario: str | None = None) -> CompositeResult:
    """Rank units by the weighted composite of normalised indicators (see the module docstring)."""
    total_w = sum(spec.weights.values())
    frames, comps = {}, []
    for iid, w in spec.weights.items():
        ind = get_indicator(iid)
        vals, used_year = _value_at_or_before(iid, spec.year, spec.level)
        direction = spec.directions.get(iid, ind.direction)
        frames[iid] = vals
        comps.append(ComponentUsed(iid, ind.label, ind.unit, w, w / total_w, direction, used_year))
    raw = pd.DataFrame(frames)
    if spec.level == "sigungu":
        raw = raw.reindex(sorted(r.code for r in list_regions("sigungu")))
    complete = raw.dropna()
    excluded = [{"code": c, "name": get_region(c).full_name,
                 "missing": [get_indicator(k).label for k in raw.columns if pd.isna(raw.loc[c, k])]}
                for c in raw.index.difference(complete.index)]
    if len(complete) < 2:
        raise DataUnavailable("고른 지표를 모두 가진 지역이 2곳 미만이라 순위를 낼 수 없습니다.", field="weights")
    norm = pd.DataFrame({c.indicator: normalise(complete[c.indicator], spec.method, c.direction == "higher_better")
                         for c in comps})
    contrib = norm.mul(pd.Series({c.indicator: c.weight / total_w for c in comps}))
    score = contrib.sum(axis=1).sort_values(ascending=False)
    ranking = []
    for i, (code, s) in enumerate(score.items(), start=1):
        ranking.append(RankedUnit(i, code, get_region(code).full_name, float(s),
                                  {k: float(v) for k, v in contrib.loc[code].items()},
                                  {k: float(v) for k, v in norm.loc[code].items()},
                                  {k: float(v) for k, v in complete.loc[code].items()}))
    sources = sorted({s for c in comps for s in get_indicator(c.indicator).sources})
    return CompositeResult(spec.method, METHODS[spec.method], spec.year, spec.level, comps, ranking, excluded,
                           scenario, sources)
