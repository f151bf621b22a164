"""Disparity measures on real census figures, checked against PySAL and against brute-force formulas."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from moduai.balance import disparity as d
from moduai.balance.indicators import indicator_values
from moduai.data.census import census_value
from moduai.errors import DataUnavailable, InputError

# A hand-checkable case: 4 units in 2 groups.
Y = np.array([1.0, 2.0, 3.0, 6.0])
G = np.array(["a", "a", "b", "b"])


def test_small_case_by_hand():
    # Gini = Σ|yi−yj| / (2 n² μ): pairs (1,2)1 (1,3)2 (1,6)5 (2,3)1 (2,6)4 (3,6)3 → 16·2 / (2·16·3)
    assert d.gini_coefficient(Y) == pytest.approx(32 / 96)
    s = Y / Y.sum()
    assert d.theil_t(Y) == pytest.approx(sum(si * math.log(4 * si) for si in s))
    dec = d.theil_decomposition(Y, G)
    # between: S_a = 3/12, S_b = 9/12, n_g/n = 1/2
    assert dec.between == pytest.approx(0.25 * math.log(0.25 / 0.5) + 0.75 * math.log(0.75 / 0.5))
    assert dec.between + dec.within == pytest.approx(dec.total, abs=1e-15)
    assert d.coefficient_of_variation(Y) == pytest.approx(np.std(Y) / 3)
    assert d.top_bottom_ratio(Y) == 6.0  # ⌈0.4⌉ = 1 unit each side


def _brute_gini(y):
    n, mu = len(y), float(np.mean(y))
    return sum(abs(a - b) for a, b in itertools.product(y, y)) / (2 * n * n * mu)


@pytest.mark.parametrize(("indicator", "year"), [("population", 2020), ("grdp_per_capita", 2015), ("aging_risk_index", 2024)])
def test_real_figures_equal_pysal_and_brute_force(indicator, year):
    r = d.measure_disparity(indicator, year, by="5극3특", variant="official")
    y = indicator_values(indicator, year).to_numpy(dtype=float)
    assert r.n == len(y) == 229
    # PySAL inequality (computed inside) equals our own formulas
    assert r.gini == pytest.approx(r.pysal.gini, rel=1e-12)
    assert r.theil.total == pytest.approx(r.pysal.theil_total, rel=1e-12)
    assert r.theil.between == pytest.approx(r.pysal.theil_between, rel=1e-12)
    # … and a brute-force O(n²) Gini and a plain-numpy CV
    assert r.gini == pytest.approx(_brute_gini(y), rel=1e-12)
    assert r.cv == pytest.approx(np.std(y, ddof=0) / np.mean(y), rel=1e-12)
    # the within term is computed group by group, not as T − B: the identity is a real check
    assert r.theil.between + r.theil.within == pytest.approx(r.theil.total, abs=1e-14)
    assert sum(g.contribution for g in r.theil.groups) == pytest.approx(r.theil.within, abs=1e-15)


def test_theil_decomposition_by_sido_and_seed_blog_on_real_values():
    for by, variant in (("시도", "official"), ("5극3특", "seed-blog")):
        r = d.measure_disparity("companies_per_1000", 2020, by=by, variant=variant)
        assert abs(r.theil.between + r.theil.within - r.theil.total) < 1e-14
        assert len(r.theil.groups) == (17 if by == "시도" else 7)


def test_population_weighted_theil_and_williamson_by_hand():
    r = d.measure_disparity("grdp_per_capita", 2020, by="5극3특")
    y = indicator_values("grdp_per_capita", 2020)
    pop = {c: census_value(c, "population", 2020) for c in y.index}
    p = np.array([pop[c] for c in y.index])
    Yi = y.to_numpy() * p
    s, q = Yi / Yi.sum(), p / p.sum()
    assert r.theil_population.total == pytest.approx(float((s * np.log(s / q)).sum()), rel=1e-12)
    assert abs(r.theil_population.between + r.theil_population.within - r.theil_population.total) < 1e-14
    mean_w = (q * y.to_numpy()).sum()
    assert r.weighted_mean == pytest.approx(mean_w)
    assert r.williamson_cv == pytest.approx(math.sqrt((q * (y.to_numpy() - mean_w) ** 2).sum()) / mean_w, rel=1e-12)
    # the population-weighted mean of GRDP per head is national GRDP ÷ national population
    assert mean_w == pytest.approx(census_value("00", "grdp", 2020) / census_value("00", "population", 2020), rel=1e-12)


def test_max_min_and_top_bottom_on_real_values():
    r = d.measure_disparity("population", 2020)
    y = np.sort(indicator_values("population", 2020).to_numpy())
    assert r.max_min_ratio == pytest.approx(y[-1] / y[0])
    assert r.top_bottom_10_ratio == pytest.approx(y[-23:].mean() / y[:23].mean())  # ⌈22.9⌉ = 23 units
    assert r.max_unit == "41110" and r.maximum == census_value("41110", "population", 2020)  # 수원시


def test_change_between_years_uses_the_same_units():
    c = d.disparity_change("grdp_per_capita", 2010, 2020)
    assert c.change["gini"] == pytest.approx(c.after.gini - c.before.gini)
    assert c.before.year == 2010 and c.after.year == 2020
    # 2010 GRDP lacks 인천·대전 and others: both years are measured on the 191 units present in 2010
    y2010 = indicator_values("grdp_per_capita", 2010)
    assert c.before.n == c.after.n == len(y2010) == 191
    y2020 = indicator_values("grdp_per_capita", 2020)[y2010.index]
    assert c.after.gini == pytest.approx(_brute_gini(y2020.to_numpy()), rel=1e-12)
    trend = d.disparity_trend("grdp_per_capita")
    assert [r.n for r in trend] == [191, 191, 191] and "191곳" in trend[0].notes[-1]


def test_negative_values_are_refused_for_gini_and_theil_not_invented():
    r = d.measure_disparity("population_change_5y", 2020)
    assert r.gini is None and r.theil is None
    assert any("음수" in n for n in r.notes)


def test_korean_errors():
    with pytest.raises(InputError, match="지표 'gdp'가 없습니다"):
        d.measure_disparity("gdp", 2020)
    with pytest.raises(DataUnavailable, match="2025년 자료가 없습니다.*2010, 2015, 2020"):
        d.measure_disparity("population", 2025)
    with pytest.raises(InputError, match="묶음 기준"):
        d.measure_disparity("population", 2020, by="도")
    with pytest.raises(InputError, match="variant"):
        d.measure_disparity("population", 2020, variant="blog")
    # 2010 합계출산율 has no 세종 value: the seed-blog group 세종 would be empty
    with pytest.raises(DataUnavailable, match="세종특별자치시에 속한 지역의 값이 없어"):
        d.measure_disparity("tfr", 2010, variant="seed-blog")
