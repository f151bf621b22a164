"""Saturation: LQ, Shannon and HHI by hand from pandas counts of the real 회기동 rows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import entropy

from moduai.commerce.saturation import assess_saturation, dong_store_profile, shannon_hhi
from moduai.commerce.trade_area import build_trade_area
from tests.commerce.conftest import CAFE


def test_shannon_hhi_by_hand():
    h, even, hhi, k = shannon_hhi(np.array([2, 2, 0, 4]))
    p = np.array([0.25, 0.25, 0.5])
    assert h == pytest.approx(-(p * np.log(p)).sum())
    assert even == pytest.approx(h / math.log(3))
    assert hhi == pytest.approx(0.25**2 * 2 + 0.5**2)
    assert k == 3


def test_saturation_on_hoegidong(hoegi_stores, hoegi_frame):
    ta = build_trade_area(37.5898, 127.0579, 400, CAFE, stores=hoegi_stores)
    s = assess_saturation(ta, CAFE, hoegi_stores)
    sub = hoegi_frame.iloc[ta._positions]
    # Shannon/HHI of the 중분류 mix, independently with scipy
    counts = sub["mid_code"].value_counts().to_numpy()
    assert s.shannon == pytest.approx(entropy(counts))
    assert s.hhi == pytest.approx(((counts / counts.sum()) ** 2).sum())
    # the baseline is the covered part of 동대문구: the census 회기동 (14,028 residents) with every row
    # whose file says 행정동 = 회기동 (all 963)
    base = s.baselines[0]
    assert base.level == "sigungu" and base.code == "11230"
    named = hoegi_frame["adm_dong_name"] == "회기동"
    assert base.store_count == int(named.sum()) == 963
    assert base.residents == pytest.approx(14028.0)
    cafes = int((named & (hoegi_frame["minor_code"] == "I21201")).sum())
    assert base.category_count == cafes
    # LQ = (local café share) / (baseline café share)
    local_share = (sub["minor_code"] == "I21201").mean()
    assert s.location_quotient["sigungu"] == pytest.approx(local_share / (cafes / 963))
    assert s.ratio_per_1000["sigungu"] == pytest.approx(
        (1000 * ta.category_count / ta.residents) / (1000 * cafes / 14028.0)
    )
    # only the census 회기동 holds stores in this snapshot: the area's coverage is the residents' share
    # living in the 회기동 part of the circle, independently with shapely + the census polygon
    from moduai.commerce.demand import find_dong_by_name, load_dong_demand, residents_in_polygon

    d = load_dong_demand()
    hoegi = d.geoms[find_dong_by_name("동대문구 회기동")]
    circle = ta._shape_5179
    want = residents_in_polygon(circle.intersection(hoegi)) / residents_in_polygon(circle)
    assert s.area_coverage == pytest.approx(want, rel=1e-6)
    assert want < 0.9 and s.verdict == "판단 보류" and "자료가 없는" in s.verdict_reason


def test_verdict_inside_the_covered_area(hoegi_stores):
    ta = build_trade_area(37.59417, 127.05127, 150, CAFE, stores=hoegi_stores)  # well inside 회기동
    s = assess_saturation(ta, CAFE, hoegi_stores)
    assert s.area_coverage == pytest.approx(1.0)
    assert s.verdict in {"과밀", "적정", "부족"}
    assert "카페" in s.verdict_reason
    # only the census 회기동 is covered by a one-동 extract
    prof = dong_store_profile(hoegi_stores)
    assert int(prof.covered.sum()) == 1


def test_name_assignment_agrees_with_polygons(hoegi_stores, hoegi_frame):
    # independent check of the name-based store → 읍면동 assignment: point-in-polygon with shapely
    import shapely

    from moduai.commerce.demand import find_dong_by_name, load_dong_demand

    prof = dong_store_profile(hoegi_stores)
    d = load_dong_demand()
    i = find_dong_by_name("동대문구 회기동")
    assert np.all(prof.dong_of_store == i)
    inside = shapely.contains_xy(d.geoms[i], hoegi_frame["x"].to_numpy(), hoegi_frame["y"].to_numpy())
    assert inside.mean() > 0.9  # 904 of 963: the rest lie just across the 2020 census boundary


def _base(level, name, per1000, share):
    from moduai.commerce.saturation import Baseline

    return Baseline(level=level, code=None, name=name, category_count=0, store_count=0, residents=0.0,
                    land_area_km2=0.0, per_km2=None, per_1000_residents=per1000, share=share, coverage=None)


@pytest.mark.parametrize("local_per, local_share, verdict, says", [
    # 4.4× the 구 density but the same share of all stores (LQ 1.0): dense centre, not this 업종 → 적정, explained
    (4.4, 0.10, "적정", "점포 전체가 많은 것"),
    (2.0, 0.15, "과밀", "판정 규칙"),
    (0.5, 0.06, "부족", "판정 규칙"),
    (0.5, 0.10, "적정", "점포 전체가 적은 것"),
    (1.2, 0.15, "적정", "업종 비중(입지계수)은 높지만"),
    (1.0, 0.10, "적정", "모두 기준 안에"),
])
def test_verdict_sentence_states_its_rule(local_per, local_share, verdict, says):
    from moduai.commerce.saturation import _verdict

    class Cat:
        name = "한식"

    local = _base("area", "분석 상권", local_per, local_share)
    gu = _base("sigungu", "대전 중구", 1.0, 0.10)
    ratio = local_per / 1.0
    lq = local_share / 0.10
    v, reason = _verdict(Cat, local, [gu], {"sigungu": lq}, {"sigungu": ratio})
    assert v == verdict
    assert says in reason
    assert f"{ratio:.1f}배" in reason and "과밀" in reason and "입지계수" in reason and "LQ" not in reason
    if verdict == "적정":
        assert "1.5배 이상" in reason and "1.2 이상" in reason  # the rule, in the sentence
