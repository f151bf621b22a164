"""The /balance page's data is kept per arguments: the kept answer equals a fresh computation, and a caller
changing its copy does not change the next caller's."""

from __future__ import annotations

from moduai.balance import dashboard as B
from moduai.balance import disparity as D


def test_trend_cache_equals_a_fresh_computation_and_hands_out_separate_lists():
    ind = B.DEFAULT_INDICATOR
    first = D.disparity_trend(ind)
    fresh = D._trend.__wrapped__(ind, "5극3특", "official", "sigungu")  # bypasses the cache
    assert [(r.year, r.n, r.gini, r.cv) for r in first] == [(r.year, r.n, r.gini, r.cv) for r in fresh]
    assert len(first) >= 2
    first[0].notes.append("caller's own note")
    assert "caller's own note" not in D.disparity_trend(ind)[0].notes


def test_dashboard_cache_equals_a_fresh_computation_per_arguments():
    a = B.balance_dashboard(B.DEFAULT_INDICATOR, None)
    fresh = B._balance_dashboard.__wrapped__(B.DEFAULT_INDICATOR, None, "official", "sigungu")
    assert a.values == fresh.values and a.year == fresh.year
    assert [(r.rank, r.code) for r in a.top] == [(r.rank, r.code) for r in fresh.top]
    a.values.clear()
    a.top.clear()
    again = B.balance_dashboard(B.DEFAULT_INDICATOR, None)
    assert again.values == fresh.values and len(again.top) == len(fresh.top)
    other = B.balance_dashboard(B.DEFAULT_INDICATOR, fresh.years[0])  # another year: another entry
    assert other.year == fresh.years[0]
    assert other.message or other.values == B._values_at(B.DEFAULT_INDICATOR, fresh.years[0], "sigungu")
    assert other.message or other.values != fresh.values
