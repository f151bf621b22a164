"""No loaded series shows a copied year as data (issue 13): the KOSIS atlas repeats 군위's table for
2015–2023 and 미추홀's for 2015–2018; some census measures carry a value forward unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

from moduai.data import census as C
from moduai.data.population import (
    age_sex_table,
    decline_index_table,
    kosis_age_sex,
    repeated_runs,
    repeated_years,
)


def test_the_atlas_copies_are_detected_from_the_raw_tables():
    raw = kosis_age_sex()
    gunwi = raw[(raw.code == "27720")].pivot_table(index="year", columns=["sex", "age"], values="value")
    # independently: the 2015–2023 rows are one table, 2024 differs
    assert all((gunwi.loc[y] == gunwi.loc[2023]).all() for y in range(2015, 2023))
    assert not (gunwi.loc[2024] == gunwi.loc[2023]).all()
    assert {y for c, y in repeated_years("kosis") if c == "27720"} == set(range(2015, 2024))
    assert {y for c, y in repeated_years("kosis") if c == "28177"} == set(range(2015, 2019))
    assert repeated_years("mois") == frozenset()


@pytest.mark.parametrize("source", ["kosis", "mois", "auto"])
def test_age_tables_and_the_decline_index_never_repeat_a_year(source):
    t = age_sex_table(source)
    assert repeated_runs(t, ["sex", "age"]) == frozenset()
    d = decline_index_table(source)
    frozen = d.sort_values(["code", "year"]).groupby("code")["index"].diff().eq(0)
    assert not frozen.any()
    # the frozen values of the issue (0.0903 군위 2015–2023, 0.8943 미추홀 2015–2018) are gone
    g = d[d.code == "27720"]
    assert not ((g.year < 2024) & (g.source == "kosis")).any()
    assert not ((d.code == "28177") & d.year.between(2015, 2018)).any()


def test_no_census_measure_shows_a_copied_year():
    checked = 0
    for mid in C.MEASURES:
        v = C.census_values(mid)
        s = v.sort_values(["code", "year"])
        same = s.groupby("code")["value"].diff().eq(0) & s["value"].abs().ge(C.COPIED_VALUE_MIN)
        assert not same.any(), (mid, s[same].head())
        checked += 1
    assert checked == len(C.MEASURES) >= 40
    park = C.copied_years("park_area")
    # 서울 강서구 park area 1,419,224 m² in both 2015 and 2020: neither year is shown
    assert set(park[park.code == "11200"].year) == {2015, 2020}
    assert not ((C.census_values("park_area").code == "11200") & C.census_values("park_area").year.isin([2015, 2020])).any()


def test_repeated_runs_on_a_small_frame():
    f = pd.DataFrame({"code": ["a"] * 4 + ["b"] * 2, "year": [2001, 2002, 2003, 2005, 2001, 2002],
                      "value": [1.0, 1.0, 2.0, 2.0, 3.0, 4.0]})
    assert repeated_runs(f, []) == frozenset({("a", 2001), ("a", 2002)})  # 2003→2005 is not consecutive
    assert repeated_runs(f, [], step=None) == frozenset({("a", 2001), ("a", 2002), ("a", 2003), ("a", 2005)})
