"""Openings, closures and survival against set arithmetic on real rows."""

from __future__ import annotations

import pandas as pd
import pytest

from moduai.commerce.churn import survival_between
from moduai.errors import InputError
from tests.commerce.conftest import FrameStoreSet


def _pair(frame: pd.DataFrame, before_id="2025Q4", after_id="2026Q1"):
    before = frame.copy()
    closed = frame.index % 7 == 3  # every 7th row closes
    after = frame[~closed].copy()
    opened = frame.sample(25, random_state=1).copy()
    opened["store_id"] = "NEW" + opened["store_id"].str[3:]
    after = pd.concat([after, opened], ignore_index=True)
    return FrameStoreSet(before, before_id, ["a"]), FrameStoreSet(after, after_id, ["a"]), before, after


def test_survival_equals_set_arithmetic(hoegi_frame):
    b, a, fb, fa = _pair(hoegi_frame)
    r = survival_between(b, a)
    ids_b, ids_a = set(fb["store_id"]), set(fa["store_id"])
    assert r.total.before == len(ids_b) == 963
    assert r.total.survived == len(ids_b & ids_a)
    assert r.total.closed == len(ids_b - ids_a) == 138
    assert r.total.opened == len(ids_a - ids_b) == 25
    assert r.total.survival_rate == pytest.approx(len(ids_b & ids_a) / 963)
    # by 대분류, by hand for 음식 (I2)
    food_b = set(fb.loc[fb["major_code"] == "I2", "store_id"])
    food_a = set(fa.loc[fa["major_code"] == "I2", "store_id"])
    row = next(x for x in r.by_category if x.code == "I2")
    assert (row.before, row.survived, row.closed, row.opened) == (
        len(food_b), len(food_b & ids_a), len(food_b - ids_a), len(food_a - ids_b)
    )
    assert row.closure_rate == pytest.approx(len(food_b - ids_a) / len(food_b))
    assert sum(x.before for x in r.by_category) == 963
    assert sum(x.opened for x in r.by_area) == 25


def test_gangwon_by_sigungu(gangwon_frame):
    b, a, fb, fa = _pair(gangwon_frame, "2025Q3", "2025Q4")
    r = survival_between(b, a, area_level="sigungu", category_level="minor")
    for row in r.by_area:
        sb = set(fb.loc[fb["sigungu_code"] == row.code, "store_id"])
        sa = set(fa.loc[fa["sigungu_code"] == row.code, "store_id"])
        assert (row.before, row.after, row.survived) == (len(sb), len(sa), len(sb & sa))
    assert len(r.by_area) == fb["sigungu_code"].nunique()


def test_category_filter(hoegi_frame):
    b, a, fb, fa = _pair(hoegi_frame)
    r = survival_between(b, a, category="카페")
    cb = set(fb.loc[fb["minor_code"] == "I21201", "store_id"])
    ca = set(fa.loc[fa["minor_code"] == "I21201", "store_id"])
    assert (r.total.before, r.total.survived, r.total.opened) == (len(cb), len(cb & ca), len(ca - cb))


def test_refuses_across_2023_id_regeneration(hoegi_frame):
    b, a, _, _ = _pair(hoegi_frame, "2022Q4", "2023Q1")
    with pytest.raises(InputError) as e:
        survival_between(b, a)
    assert "2023" in e.value.message and "상가업소번호" in e.value.message


def test_refuses_unlinked_ids(hoegi_frame):
    other = hoegi_frame.copy()
    other["store_id"] = "X" + other["store_id"]
    with pytest.raises(InputError) as e:
        survival_between(FrameStoreSet(hoegi_frame, "s1", []), FrameStoreSet(other, "s2", []))
    assert "겹칩니다" in e.value.message


def test_refuses_disjoint_areas(hoegi_frame, gangwon_frame):
    with pytest.raises(InputError) as e:
        survival_between(FrameStoreSet(hoegi_frame, "2026Q1", []), FrameStoreSet(gangwon_frame, "2026Q2", []))
    assert "시군구" in e.value.message
