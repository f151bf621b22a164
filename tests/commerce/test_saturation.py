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
    # the baseline is the covered part of 동대문구: the census 회기동 (904 stores, 14,028 residents)
    base = s.baselines[0]
    assert base.level == "sigungu" and base.code == "11230"
    assert base.store_count == 904
    assert base.residents == pytest.approx(14028.0)
    prof = dong_store_profile(hoegi_stores)
    in_dong = prof.dong_of_store == np.flatnonzero(prof.covered)[0]
    cafes = int((hoegi_frame["minor_code"].to_numpy()[in_dong] == "I21201").sum())
    assert base.category_count == cafes
    # LQ = (local café share) / (baseline café share)
    local_share = (sub["minor_code"] == "I21201").mean()
    assert s.location_quotient["sigungu"] == pytest.approx(local_share / (cafes / 904))
    assert s.ratio_per_1000["sigungu"] == pytest.approx(
        (1000 * ta.category_count / ta.residents) / (1000 * cafes / 14028.0)
    )
    assert s.verdict in {"과밀", "적정", "부족"}
    assert "카페" in s.verdict_reason
    # neighbours that only got a few spill-over stores are not counted as covered
    assert int(prof.covered.sum()) == 1
