"""Gap ranking by hand on a tiny matrix, and the honest refusal when there is nothing to compare."""

from __future__ import annotations

import numpy as np
import pytest

from moduai.commerce.gaps import find_gaps, rank_gaps
from moduai.commerce.trade_area import build_trade_area
from tests.commerce.conftest import CAFE


def test_rank_gaps_by_hand():
    codes = np.array(["A", "B", "C"])
    # three comparable areas of 10 stores each; shares of A: .5 .5 .5, of B: .2 .3 .1, C: .3 .2 .4
    comp = np.array([[5, 2, 3], [5, 3, 2], [5, 1, 4]])
    local = {"A": 2, "B": 2, "C": 16}  # 20 stores: expected A = 10, B = 4, C = 6
    items = rank_gaps(local, comp, codes, {"A": ("편의점", "종합 소매"), "B": ("카페", "음료")})
    assert [i.code for i in items] == ["A", "B"]
    a, b = items
    assert a.expected == pytest.approx(10.0) and a.observed == 2
    assert a.z_score == pytest.approx(8 / np.sqrt(10))
    assert b.expected == pytest.approx(4.0) and b.z_score == pytest.approx(2 / 2)
    assert "편의점이 약 10.0곳" in a.reason and "카페가 약 4.0곳" in b.reason


def test_presence_rule_drops_rare_types():
    codes = np.array(["A", "B"])
    comp = np.array([[0, 10], [0, 10], [30, 10]])  # A only in one of three areas
    items = rank_gaps({"B": 10}, comp, codes, {})
    assert items == []


def test_single_dong_extract_says_why(hoegi_stores):
    ta = build_trade_area(37.5898, 127.0579, 500, CAFE, stores=hoegi_stores)
    g = find_gaps(ta, hoegi_stores)
    assert g.items == [] and "비교할 만한 지역" in g.note
