"""Huff probabilities by hand and by brute force on the real 회기동 cafés."""

from __future__ import annotations

import math

import numpy as np
import pytest

from moduai.commerce.huff import estimate_huff_capture, huff_probabilities
from moduai.commerce.trade_area import to_xy
from moduai.errors import InputError
from tests.commerce.conftest import CAFE


def test_two_stores_by_hand():
    # origin at 0; store A 100 m east, store B 200 m east, equal attractiveness, α=1, β=2:
    # P_A = 100⁻² / (100⁻² + 200⁻²) = 1 / (1 + 1/4) = 0.8
    p = huff_probabilities(np.array([[0.0, 0.0]]), np.array([[100.0, 0.0], [200.0, 0.0]]))
    assert p[0].tolist() == pytest.approx([0.8, 0.2])
    # doubling A's attractiveness with α=1: 2·100⁻² / (2·100⁻² + 200⁻²) = 8/9
    p = huff_probabilities(np.array([[0.0, 0.0]]), np.array([[100.0, 0.0], [200.0, 0.0]]), np.array([2.0, 1.0]))
    assert p[0, 0] == pytest.approx(8 / 9)
    # the distance floor: a store on the origin counts as 50 m away
    p = huff_probabilities(np.array([[0.0, 0.0]]), np.array([[0.0, 0.0], [100.0, 0.0]]), beta=2.0)
    assert p[0, 0] == pytest.approx((1 / 50**2) / (1 / 50**2 + 1 / 100**2))


def test_large_beta_does_not_underflow():
    p = huff_probabilities(np.array([[0.0, 0.0]]), np.array([[4000.0, 0.0], [5000.0, 0.0]]), beta=5.0)
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    assert p[0, 0] == pytest.approx(1 / (1 + (4 / 5) ** 5))


def test_capture_equals_brute_force_loop(hoegi_stores, hoegi_frame):
    lat, lon, radius = 37.5898, 127.0579, 600.0
    alpha, beta = 1.0, 2.0
    res = estimate_huff_capture(lat, lon, CAFE, radius_m=radius, stores=hoegi_stores, alpha=alpha, beta=beta,
                                max_origins_listed=10_000)
    x0, y0 = (float(v) for v in to_xy(lon, lat))
    cafes = hoegi_frame[hoegi_frame["minor_code"] == "I21201"]
    cx, cy = cafes["x"].to_numpy(), cafes["y"].to_numpy()
    near = np.hypot(cx - x0, cy - y0) <= 2 * radius
    assert res.competitors_used == int(near.sum())
    fac = [(x0, y0)] + list(zip(cx[near], cy[near], strict=True))
    total = 0.0
    ox, oy = to_xy(np.array([o.lon for o in res.origins]), np.array([o.lat for o in res.origins]))
    for o, x, y in zip(res.origins, ox, oy, strict=True):
        utilities = [max(math.dist((x, y), f), 50.0) ** -beta for f in fac]
        p_new = utilities[0] / sum(utilities)
        assert o.p_new == pytest.approx(p_new, rel=1e-6)
        total += p_new * o.residents
    assert res.captured_residents == pytest.approx(total, rel=1e-6)
    assert res.residents == pytest.approx(sum(o.residents for o in res.origins))
    assert 0 < res.captured_share < 1
    # sensitivity grid holds the default point and spans it
    here = [s for s in res.sensitivity if s.alpha == alpha and s.beta == beta]
    assert here and here[0].captured_residents == pytest.approx(res.captured_residents)
    assert res.captured_range[0] <= res.captured_residents <= res.captured_range[1]


def test_new_store_next_to_a_lone_competitor_takes_half(gangwon_stores, gangwon_frame):
    # 강원 sample: a store whose 소분류 has no other store within 2 × 300 m.  A new store on the very
    # same spot is equally attractive and equally far from every origin, so P_new = 1/2 exactly.
    xy = gangwon_frame[["x", "y"]].to_numpy()
    for i, row in gangwon_frame.iterrows():
        same = (gangwon_frame["minor_code"] == row["minor_code"]).to_numpy()
        d = np.hypot(*(xy[same] - xy[i]).T)
        if (d <= 600).sum() == 1:
            break
    from tests.commerce.conftest import Cat

    cat = Cat("minor", row["minor_code"], row["minor_name"])
    res = estimate_huff_capture(row["lat"], row["lon"], cat, radius_m=300, stores=gangwon_stores)
    assert res.competitors_used == 1
    assert all(o.p_new == pytest.approx(0.5) for o in res.origins)
    assert res.captured_residents == pytest.approx(res.residents / 2)


@pytest.mark.parametrize("kw,field", [({"alpha": 0}, "alpha"), ({"beta": 9}, "beta"), ({"cell_m": 10}, "cell_m")])
def test_bad_huff_parameters(hoegi_stores, kw, field):
    with pytest.raises(InputError) as e:
        estimate_huff_capture(37.59, 127.056, CAFE, stores=hoegi_stores, **kw)
    assert e.value.field == field


def test_attractiveness_sensitivity_by_hand():
    # one origin 100 m from the candidate and 100 m from one competitor: P_new = A / (A + 1)

    from moduai.commerce import huff as H

    o = np.array([[0.0, 0.0]])
    f = np.array([[100.0, 0.0], [-100.0, 0.0]])
    for a_new in H.SENSITIVITY_NEW_ATTRACTIVENESS:
        p = huff_probabilities(o, f, np.array([a_new, 1.0]), alpha=1.0)
        assert p[0, 0] == pytest.approx(a_new / (a_new + 1))


def test_attractiveness_grid_on_real_rows(hoegi_stores):
    res = estimate_huff_capture(37.5898, 127.0579, CAFE, radius_m=500, stores=hoegi_stores)
    caps = [s.captured_residents for s in res.attractiveness_sensitivity]
    assert [s.new_store_attractiveness for s in res.attractiveness_sensitivity] == [0.5, 1.0, 2.0, 3.0]
    assert caps == sorted(caps)  # a more attractive new store captures more
    one = next(s for s in res.attractiveness_sensitivity if s.new_store_attractiveness == 1.0)
    assert one.captured_residents == pytest.approx(res.captured_residents)


def test_huff_residents_equal_the_trade_area_residents(hoegi_stores):
    from moduai.commerce.trade_area import build_trade_area

    ta = build_trade_area(37.5898, 127.0579, 700, CAFE, stores=hoegi_stores)
    res = estimate_huff_capture(37.5898, 127.0579, CAFE, radius_m=700, stores=hoegi_stores)
    assert res.residents == pytest.approx(ta.residents, rel=1e-9)
