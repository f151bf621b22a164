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
