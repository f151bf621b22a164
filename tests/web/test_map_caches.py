"""Maps drawn once per process are drawn from their inputs: other values, another map."""

from __future__ import annotations

from moduai.web import maps


def test_choropleth_cache_follows_the_values():
    kw = dict(level="sido", higher_is_better=True, title="t", unit="명", digits=0)
    a = maps.indicator_choropleth({"11": 1.0, "26": 2.0, "47": 3.0}, **kw)
    assert maps.indicator_choropleth({"47": 3.0, "26": 2.0, "11": 1.0}, **kw) == a  # same values, any order
    b = maps.indicator_choropleth({"11": 1.0, "26": 2.0, "47": 99.0}, **kw)
    assert b != a and "2 – 99" in b[1] and "2 – 3" in a[1]
    uncached = maps._indicator_choropleth.__wrapped__(tuple(sorted({"11": 1.0, "26": 2.0, "47": 3.0}.items())),
                                                      "sido", True, "t", "명", 0)
    assert uncached == a


def test_national_pick_map_is_the_same_svg_every_time():
    assert maps.national_pick_map() is maps.national_pick_map()
    assert maps.national_pick_map() == maps.national_pick_map.__wrapped__()
