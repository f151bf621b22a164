"""The 합성 온실 example is analysed once per (days, seed); the faster loops give the same numbers."""

from __future__ import annotations

import json

import numpy as np

from moduai.fieldai.analysis import _bucket_min_max, analyse_data, example_analysis
from moduai.fieldai.forecast import _hw_filter
from moduai.fieldai.generator import greenhouse_frame
from moduai.results import to_jsonable


def _json(x) -> str:
    return json.dumps(to_jsonable(x), ensure_ascii=False, sort_keys=True, default=str)


def test_cached_example_equals_a_fresh_analysis_and_other_inputs_miss():
    cached = example_analysis(days=10, seed=3)
    assert example_analysis(days=10, seed=3) is cached  # the second visitor: no new computation
    assert _json(cached) == _json(analyse_data(greenhouse_frame(days=10, seed=3)))  # …and the same answer
    other_seed = example_analysis(days=10, seed=4)
    other_days = example_analysis(days=11, seed=3)
    assert other_seed is not cached and other_days is not cached
    assert other_seed.file != cached.file  # 합성_온실_seed4.csv
    assert other_seed.series[0].values != cached.series[0].values
    # the same start, one day longer (the generator drops a few rows as gaps, so not exactly 144 more)
    assert other_days.profile.start == cached.profile.start and other_days.profile.end > cached.profile.end
    assert 1000 < cached.profile.rows_used < other_days.profile.rows_used <= 11 * 144


def _loop_min_max(v: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The bucket-by-bucket definition (np.nanargmin / np.nanargmax per bucket)."""
    keep: list[int] = []
    for a, b in zip(edges[:-1], edges[1:]):
        seg = v[a:b]
        if np.all(np.isnan(seg)):
            keep.append(a)
            continue
        keep.extend(sorted({a + int(np.nanargmin(seg)), a + int(np.nanargmax(seg))}))
    return np.array(keep)


def test_bucket_min_max_matches_the_loop_with_gaps_ties_and_infinities():
    rng = np.random.default_rng(5)
    for trial in range(60):
        n = int(rng.integers(2001, 7000))
        v = rng.normal(size=n)
        if trial % 3 == 0:
            v = np.round(v)  # many ties: the first position must win, as np.nanargmin does
        if trial % 2 == 0:
            v[rng.random(n) < 0.3] = np.nan
        if trial % 5 == 0:
            v[100:900] = np.nan  # whole buckets missing
        edges = np.linspace(0, n, 1001).astype(int)
        assert np.array_equal(_bucket_min_max(v, edges), _loop_min_max(v, edges)), trial
    v = np.full(4000, np.nan)
    v[5], v[2003], v[3001], v[3002] = np.inf, -np.inf, -np.inf, 1.0  # buckets holding only ±inf
    edges = np.linspace(0, 4000, 1001).astype(int)
    assert np.array_equal(_bucket_min_max(v, edges), _loop_min_max(v, edges))
    # by hand: buckets [0,2) [2,4) of [3, 1 | nan, nan] → min at 1, max at 0 → 0, 1; the all-NaN bucket → 2
    assert _bucket_min_max(np.array([3.0, 1.0, np.nan, np.nan]), np.array([0, 2, 4])).tolist() == [0, 1, 2]


def _hw_numpy(y, m, a, b, g, phi):
    """The Holt-Winters recursion on NumPy scalars, point by point (the former implementation)."""
    level = np.mean(y[:m])
    trend = (np.mean(y[m:2 * m]) - np.mean(y[:m])) / m if len(y) >= 2 * m else 0.0
    season = list(y[:m] - level)
    sse = 0.0
    for t in range(m, len(y)):
        s = season[t - m]
        e = y[t] - (level + phi * trend + s)
        sse += e * e
        level, trend = level + phi * trend + a * e, phi * trend + a * b * e
        season.append(s + g * e)
    return sse, level, trend, season


def test_holt_winters_filter_is_bit_for_bit_the_numpy_recursion():
    rng = np.random.default_rng(11)
    for _ in range(30):
        y = np.cumsum(rng.normal(size=int(rng.integers(30, 400)))) * rng.uniform(0.1, 100)
        p = np.array([rng.uniform(0.01, 0.99), rng.uniform(0, 0.5), rng.uniform(0, 0.99), rng.uniform(0.8, 0.99)])
        sse, level, trend, season = _hw_filter(y, 24, *p)
        ref = _hw_numpy(y, 24, *p)
        assert (sse, level, trend) == (ref[0], ref[1], ref[2])
        assert season == [float(s) for s in ref[3]]
    # by hand, m=1, a=b=g=0.5, phi=1 on [1, 3]: level 1, trend (3-1)/1 = 2, season [0];
    # t=1: pred 1+2+0 = 3, e = 0 → sse 0, level 3, trend 2
    assert _hw_filter(np.array([1.0, 3.0]), 1, 0.5, 0.5, 0.5, 1.0)[:3] == (0.0, 3.0, 2.0)
