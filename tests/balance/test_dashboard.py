"""The page results of moduai.balance.dashboard, checked against census rows without the web app."""

from __future__ import annotations

import pytest

from moduai.balance import dashboard as B
from moduai.data.census import CENSUS_YEARS, census_raw_rows, census_value
from moduai.errors import InputError


def _raw(stat, year, type_, class1, class2) -> float:
    rows = census_raw_rows(stat, year, type_, class1, class2)
    assert len(rows) == 1
    return float(rows.value.iloc[0])


def test_sido_dashboard_ranks_17_units_once_each():
    d = B.balance_dashboard("grdp_per_capita", "2020", level="sido")
    assert len(d.values) == 17 and d.disparity.n == 17
    assert [r.rank for r in d.top] == list(range(1, 10)) and [r.rank for r in d.bottom] == list(range(10, 18))
    best = max(d.values, key=d.values.get)
    assert d.top[0].code == best
    assert d.top[0].value == pytest.approx(census_value(best, "grdp", 2020) / census_value(best, "population", 2020))
    assert d.year_options == sorted({*CENSUS_YEARS, *d.years})  # census years from the one owner, data/census.py


def test_population_dashboard_top_is_the_census_row():
    d = B.balance_dashboard("population", 2020)
    assert d.top[0].code == "41110"  # 수원시, the largest 시 without being a 광역시
    assert d.top[0].value == _raw("31010", 2020, "population", "all households", "total")
    assert d.national == pytest.approx(sum(d.values[c] for c in d.values))  # 전국 = the 229 시군구 summed


def test_missing_year_message_explains_the_decline_index():
    d = B.balance_dashboard("aging_risk_index", 2010)
    assert d.disparity is None and d.values == {} and d.top == []
    assert "2015–2025년에만 계산합니다" in d.message and "만들어 내지 않습니다" in d.message
    assert [r["year"] for r in d.trend_rows] == [r.year for r in d.trend]


def test_bad_level_and_year_are_input_errors():
    with pytest.raises(InputError) as e:
        B.balance_dashboard("population", 2020, level="dong")
    assert e.value.field == "level" and "sigungu" in e.value.message
    with pytest.raises(InputError) as e:
        B.balance_dashboard("population", "이천이십")
    assert e.value.field == "year"


def test_megaregion_groups_carry_the_theil_parts():
    d = B.megaregion_dashboard("grdp_per_capita", 2020)
    assert [g.id for g in d.groups] == [g.id for g in d.megaregions]
    t = d.disparity.theil
    assert sum(g.contribution for g in d.groups) == pytest.approx(t.within)
    assert sum(g.n for g in d.groups) == d.disparity.n
    capital = next(g for g in d.groups if g.id == "capital")
    assert capital.sido == ["서울", "인천", "경기"]
    assert [s.id for s in d.group_trend] == [g.id for g in d.groups]
    assert d.national_trend.values[d.national_trend.years.index(2020)] == pytest.approx(d.national)


def test_region_dashboard_rows_and_decline_series():
    d = B.region_dashboard("47110")
    assert d.years == list(CENSUS_YEARS)
    pop = next(r for r in d.rows if r.id == "population")
    assert pop.values[2020] == _raw("37010", 2020, "population", "all households", "total")
    assert pop.nation == pytest.approx(census_value("00", "population", pop.latest_year))
    assert [s.name for s in d.decline_series] == ["경상북도 포항시", "경상북도", "전국"]
    assert d.decline_series[0].years == [p.year for p in d.decline]
    mix = d.industry_mix
    assert mix.year == 2020 and len(mix.labels) == len(mix.region_shares) == len(mix.national_shares)
