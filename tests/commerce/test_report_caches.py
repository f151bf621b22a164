"""What the warm report keeps per snapshot or per process equals a fresh computation."""

from __future__ import annotations

from collections import Counter

from moduai.commerce import report
from moduai.commerce.demand import find_dong_by_name, load_dong_demand
from moduai.commerce.snapshots import get_store_set


def test_exact_dong_names_found_through_the_index_are_the_scanned_ones():
    names = [str(n) for n in load_dong_demand().name]
    own = Counter(n.rsplit(" ", 1)[-1] for n in names)
    checked = 0
    for i, full in enumerate(names):
        if own[full.rsplit(" ", 1)[-1]] == 1:
            assert find_dong_by_name(full.rsplit(" ", 1)[-1]) == i
            checked += 1
        if i % 7 == 0:  # the full name with its 시도/시군구 words is always that 읍면동
            assert find_dong_by_name(full) == i
    assert checked > 2000


def test_the_kept_busiest_spot_equals_a_fresh_one():
    st = get_store_set()
    i = find_dong_by_name("동대문구 회기동")
    first = report._census_dong_point(i, st)
    assert report._census_dong_point(i, st) == first
    assert report._census_dong_point_uncached(i, st) == first
    lat, lon, name = first
    assert name.endswith("회기동") and 37.58 < lat < 37.60 and 127.04 < lon < 127.07


def test_census_year_rows_pushed_into_the_reader_are_the_rows_filtered_after_a_full_read():
    """load_dong_demand reads only the census year's rows (filter pushed into the Parquet reader): the same
    rows, values and order as reading all 836k rows and filtering them in pandas, as it did before."""
    import pandas as pd

    from moduai.commerce import demand
    from moduai.data.census import census_parquet_path

    path = census_parquet_path()
    full = pd.read_parquet(path, columns=["year", "type", "class1", "class2", "adm3_code", "value"])
    expected = full[full["year"] == demand.CENSUS_YEAR].reset_index(drop=True)
    got = demand._census_year_rows(path).reset_index(drop=True)
    assert len(got) > 50_000 and len(got) < len(full)
    pd.testing.assert_frame_equal(got, expected)


def test_neighbour_counts_equal_scipy_ckdtree_on_real_rows():
    """The busiest spot's neighbour counts (grid index, no SciPy) equal cKDTree.query_ball_point's on every
    읍면동 of the embedded default's 동대문구 and 성북구 units (real 회기동 rows and generated ones)."""
    import numpy as np
    from scipy.spatial import cKDTree

    from moduai.commerce.trade_area import store_columns

    st = get_store_set()
    d = load_dong_demand()
    checked = 0
    for i in [k for k, c in enumerate(d.census_code) if str(c).startswith(("11060", "11080"))]:
        pos = np.asarray(st.in_polygon(d.geoms[i]), dtype=np.int64)
        if len(pos) < 2:
            continue
        cols = store_columns(st)  # after in_polygon: the embedded set grows by the units it touches
        x, y = cols["x"][pos], cols["y"][pos]
        for r in (report.BUSIEST_SPOT_RADIUS_M, 37.5, 500.0):
            expected = cKDTree(np.c_[x, y]).query_ball_point(np.c_[x, y], r, return_length=True)
            assert np.array_equal(report.neighbour_counts(x, y, r), expected)
        checked += len(pos)
    assert checked > 5000
