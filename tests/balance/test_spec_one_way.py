"""The composite-index settings are built one way (spec_from_params) for CLI, web form, query string and API."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData, QueryParams

from moduai.balance.composite import CompositeSpec, spec_from_params
from moduai.errors import InputError

WANT = CompositeSpec({"tfr": 2.0, "vacancy_rate": 1.0}, "rank", 2015, {"vacancy_rate": "lower_better"}, "sido")


def test_the_four_spellings_give_the_same_spec():
    cli = {"weights": "tfr=2,vacancy_rate=1", "directions": ["vacancy_rate=lower_better"], "method": "rank",
           "year": 2015, "level": "sido"}
    query = QueryParams("w_tfr=2&w_vacancy_rate=1&w_population=&d_vacancy_rate=lower_better&d_population="
                        "higher_better&method=rank&year=2015&level=sido")
    form = FormData([("w_tfr", "2"), ("w_vacancy_rate", "1"), ("w_grdp_per_capita", "0"),
                     ("d_vacancy_rate", "lower_better"), ("d_grdp_per_capita", "higher_better"),
                     ("method", "rank"), ("year", "2015"), ("level", "sido")])
    api = {"weights": {"tfr": 2, "vacancy_rate": 1}, "directions": {"vacancy_rate": "lower_better"},
           "method": "rank", "year": 2015, "level": "sido"}
    specs = [spec_from_params(p) for p in (cli, query, form, api)]
    assert all(s == WANT for s in specs), specs


def test_a_saved_scenario_fills_what_the_caller_left_out():
    base = CompositeSpec({"tfr": 1.0}, "zscore", 2010, {}, "sigungu")
    s = spec_from_params({"weights": None, "method": None, "year": 2020}, base=base)
    assert (s.weights, s.method, s.year, s.level) == ({"tfr": 1.0}, "zscore", 2020, "sigungu")


def test_directions_of_unweighted_indicators_are_dropped_and_bad_text_is_named():
    s = spec_from_params({"weights": "tfr=1", "directions": "tfr=lower_better,vacancy_rate=lower_better"})
    assert s.directions == {"tfr": "lower_better"}
    with pytest.raises(InputError) as e:
        spec_from_params({"directions": "tfr:lower"})
    assert e.value.field == "directions" and "지표=방향" in e.value.message
