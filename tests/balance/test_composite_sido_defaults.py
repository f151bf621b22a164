"""Issue 13: the 시도-level composite index works with its default weights (합계출산율 has no 시도 value)."""

from __future__ import annotations

from moduai.balance.composite import composite_index, default_weights, validate_spec
from moduai.balance.indicators import indicator_table


def test_sido_defaults_leave_out_indicators_without_a_sido_value():
    sgg, sido = default_weights(), default_weights("sido")
    missing = {k for k in sgg if not (indicator_table(k).level == "sido").any()}
    assert "tfr" in missing and set(sido) == set(sgg) - missing
    r = composite_index(validate_spec(None, level="sido"))
    assert len(r.ranking) == 17 and {c.indicator for c in r.components} == set(sido)


def test_the_web_form_at_sido_level_with_untouched_weights_runs_the_sido_defaults():
    """The form posts every row's weight; left at their defaults and switched to 시도, it is the 시도 default index
    (before: '합계출산율의 가중치를 0으로' refused it)."""
    from moduai.balance.composite import spec_from_params

    form = {f"w_{k}": f"{v:g}" for k, v in default_weights().items()} | {"level": "sido", "method": "minmax"}
    spec = spec_from_params(form)
    assert spec.level == "sido" and spec.weights == default_weights("sido") and "tfr" not in spec.weights
    assert len(composite_index(spec).ranking) == 17
    # a weight the user changed is the user's choice: 합계출산율 stays, and the index says it has no 시도 value
    changed = form | {"w_population_change_5y": "2"}
    assert spec_from_params(changed).weights["tfr"] == 1.0
    # at 시군구 level untouched rows are the defaults as before
    assert spec_from_params(form | {"level": "sigungu"}).weights == default_weights()
