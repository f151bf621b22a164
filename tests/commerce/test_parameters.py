"""Meta-test: every public analytic rejects the same bad parameters with the same Korean message."""

from __future__ import annotations

import pytest

from moduai.commerce.huff import estimate_huff_capture
from moduai.commerce.report import build_commerce_report
from moduai.commerce.trade_area import build_trade_area
from moduai.errors import InputError

GOOD = {"lat": 37.5898, "lon": 127.0579, "radius": 500.0, "category": "카페"}

ANALYTICS = {
    "trade_area": lambda p, st: build_trade_area(p["lat"], p["lon"], p["radius"], p["category"], stores=st),
    "huff": lambda p, st: estimate_huff_capture(p["lat"], p["lon"], p["category"], radius_m=p["radius"], stores=st),
    "report": lambda p, st: build_commerce_report(p["lat"], p["lon"], radius_m=p["radius"], category=p["category"],
                                                  stores=st),
}

BAD = [
    ("radius", 0, "radius", "반경"),
    ("radius", -5, "radius", "반경"),
    ("radius", 5000.5, "radius", "5,000"),
    ("radius", float("inf"), "radius", "반경"),
    ("category", "카패", "category", "카페"),
    ("category", "", "category", "업종"),
    ("lat", 35.0, "lat", "바다"),  # 동해, with lon 129.5 below
    ("lat", 45.0, "lat", "대한민국 밖"),
]


@pytest.mark.parametrize("name", sorted(ANALYTICS))
@pytest.mark.parametrize("param,value,field,needle", BAD)
def test_bad_parameters_same_message(hoegi_stores, name, param, value, field, needle):
    p = dict(GOOD, **{param: value})
    if param == "lat" and value == 35.0:
        p["lon"] = 129.5
    with pytest.raises(InputError) as e:
        ANALYTICS[name](p, hoegi_stores)
    assert e.value.field == field
    assert needle in e.value.message


def test_constraints_are_declared_once():
    from moduai.params import PARAMS

    assert {"radius", "lat", "lon", "category"} <= set(PARAMS)
    assert PARAMS["radius"].allowed() == "0 m 초과 5,000 m 이하"
