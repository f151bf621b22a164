"""Every public analytic refuses bad parameters with the house-style Korean message naming the field."""

from __future__ import annotations

import pytest

from moduai.balance import composite as C
from moduai.balance import disparity as D
from moduai.balance.groups import group_values
from moduai.balance.indicators import indicator_values
from moduai.data import population as P
from moduai.errors import DataUnavailable, InputError, ModuaiError

CASES = [
    (lambda: D.measure_disparity("nope", 2020), InputError, "indicator"),
    (lambda: D.measure_disparity("population", "이천이십"), InputError, "year"),
    (lambda: D.measure_disparity("population", 1999), DataUnavailable, "year"),
    (lambda: D.measure_disparity("population", 2020, by="구"), InputError, "by"),
    (lambda: D.measure_disparity("population", 2020, variant="x"), InputError, "variant"),
    (lambda: D.measure_disparity("population", 2020, level="emd"), InputError, "level"),
    (lambda: D.measure_disparity("population", 2020, level="sido", by="시도"), InputError, "by"),
    (lambda: D.disparity_change("population", 2010, 2025), DataUnavailable, "year"),
    (lambda: group_values("tfr"), DataUnavailable, "indicator"),
    (lambda: group_values("population", by="x"), InputError, "by"),
    (lambda: indicator_values("population", 2020, level="nation2"), InputError, "level"),
    (lambda: C.validate_spec({"tfr": 1}, method="pca"), InputError, "method"),
    (lambda: C.validate_spec({"tfr": 1}, year="올해"), InputError, "year"),
    (lambda: C.validate_spec({"tfr": 101}), InputError, "weights.tfr"),
    (lambda: C.validate_spec({"tfr": "많이"}), InputError, "weights.tfr"),
    (lambda: C.validate_spec({"tfr": 0}), InputError, "weights"),
    (lambda: C.validate_spec({"nope": 1}), InputError, "indicator"),
    (lambda: C.validate_spec({"tfr": 1}, directions={"tfr": "up"}), InputError, "directions.tfr"),
    (lambda: C.validate_spec({"tfr": 1}, level="gu"), InputError, "level"),
    (lambda: P.decline_index("99999", 2024), DataUnavailable, "code"),
    (lambda: P.decline_index("47110", 2010), DataUnavailable, "year"),
    (lambda: P.age_sex_table("census"), InputError, "source"),
]


@pytest.mark.parametrize(("call", "error", "field"), CASES, ids=[f"{i}-{c[2]}" for i, c in enumerate(CASES)])
def test_bad_parameters_get_korean_messages_naming_the_field(call, error, field):
    with pytest.raises(error) as info:
        call()
    exc: ModuaiError = info.value
    assert exc.field == field
    assert any("가" <= ch <= "힣" for ch in exc.message), exc.message  # Korean first
