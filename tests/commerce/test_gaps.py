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


@pytest.fixture(scope="module")
def hoegi_plus_lodging_only(hoegi_frame):
    """회기동's full real file, full generated files for four 동, a 숙소-only 'file' (I1 only) for the rest."""
    import pandas as pd

    from moduai.commerce.generator import generate_unit
    from tests.commerce.conftest import FrameStoreSet

    gen = generate_unit("11060")
    full_dongs = ["장안1동", "장안2동", "용신동", "청량리동"]
    full = gen[gen["adm_dong_name"].isin(full_dongs)]
    lodging = gen[(gen["major_code"] == "I1") & ~gen["adm_dong_name"].isin(full_dongs + ["회기동"])]
    cols = list(hoegi_frame.columns)
    frame = pd.concat([hoegi_frame, full[cols], lodging[cols]], ignore_index=True)
    return FrameStoreSet(frame, "mixed", ["sangga-hoegidong-2026q1", "sangga-synthetic"]), lodging


def test_a_lodging_only_file_is_not_compared_with_a_full_one(hoegi_plus_lodging_only):
    from moduai.commerce.demand import load_dong_demand
    from moduai.commerce.saturation import assess_saturation, dong_store_profile

    st, lodging = hoegi_plus_lodging_only
    d = load_dong_demand()
    prof = dong_store_profile(st)
    lodging_dongs = np.unique(prof.dong_of_store[len(st.frame) - len(lodging):])
    assert prof.covered[lodging_dongs].sum() >= 5  # the 숙소-only 동 count as covered 읍면동
    ta = build_trade_area(37.5898, 127.0579, 400, CAFE, stores=st)
    gaps = find_gaps(ta, st)
    # no 숙박 (I1) 'gap' borrowed from the 숙소-only 동, and the note says what was left out
    assert not [g for g in gaps.items if g.code.startswith("I1")]
    assert gaps.scope_note and f"{int(prof.covered[lodging_dongs].sum()):,}곳" in gaps.scope_note
    assert "숙박업" in gaps.compared_majors and len(gaps.compared_majors) == 10
    assert gaps.items and gaps.comparable_count >= 3  # the full 동 are still compared
    lodging_names = {str(d.name[i]) for i in lodging_dongs}
    assert not {c["name"] for c in gaps.comparables} & lodging_names
    # the 동대문구 baseline of the saturation verdict holds only the comparable (full) 동
    sat = assess_saturation(ta, CAFE, st)
    gu = next(b for b in sat.baselines if b.level == "sigungu")
    gu_code = d.sigungu_code[lodging_dongs[0]]
    full = np.flatnonzero((d.sigungu_code == gu_code) & prof.covered & ~np.isin(np.arange(len(d.residents)), lodging_dongs))
    assert len(full) == 5  # 회기동 + the four generated full 동
    assert gu.residents == pytest.approx(float(d.residents[full].sum()))
    assert gu.store_count == int(prof.totals[full].sum())
    assert sat.scope_note and "뺐습니다" in sat.scope_note


def test_major_scope_by_hand():
    from moduai.commerce.saturation import DongStoreProfile, major_scope

    codes = np.array(["G20405", "I10101", "I21201", "S20701"])  # 소매 편의점, 숙박, 음식 카페, 수리·개인
    counts = np.array([
        [3, 1, 5, 2],   # 0: full
        [0, 9, 0, 0],   # 1: 숙소-only
        [2, 0, 7, 1],   # 2: no 숙박 (3 of 4 대분류)
        [0, 0, 6, 0],   # 3: 음식-only
    ], dtype=np.int32)
    prof = DongStoreProfile(np.zeros(0, np.int64), codes, counts, counts.sum(axis=1), np.ones(4, bool))
    s = major_scope(prof, np.array([0]), np.array([]))
    assert s.majors == ["G2", "I1", "I2", "S2"]
    assert s.comparable.tolist() == [True, False, True, False]  # need ⌈0.6 × 4⌉ = 3 대분류
    assert s.excluded_dongs == 2 and s.minor_mask.all()
    s1 = major_scope(prof, np.array([1]), np.array([]))  # an area inside the 숙소-only file: only 숙박 compared
    assert s1.majors == ["I1"] and s1.comparable.tolist() == [True, True, False, False]
    assert s1.minor_mask.tolist() == [False, True, False, False]
    assert "1개" in s1.note
