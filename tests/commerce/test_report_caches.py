"""What the warm report keeps per snapshot or per process equals a fresh computation."""

from __future__ import annotations

from collections import Counter

from moduai.commerce import report
from moduai.commerce.demand import find_dong_by_name, load_dong_demand
from moduai.commerce.snapshots import get_store_set
from moduai.data.kept_per_object import KeptPerObject


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


def _without_times(r) -> dict:
    from moduai.results import to_jsonable

    d = to_jsonable(r)
    d.pop("generated_at")
    d.pop("timings_ms")
    return d


def test_a_kept_report_equals_a_fresh_computation_and_other_queries_miss():
    from moduai.commerce.trade_area import get_stores, resolve_category_param

    first = report.build_commerce_report(place="회기동", category="카페", radius_m=500)
    kept = report.build_commerce_report(place="회기동", category="카페", radius_m=500)
    if kept is not first:  # the first call grew the default set around 회기동: kept only from the second on
        assert report.build_commerce_report(place="회기동", category="카페", radius_m=500) is kept
    st = get_stores(None, None)
    fresh = report._compute_report(kept.lat, kept.lon, 500.0, resolve_category_param("카페"), "회기동", st)
    assert fresh is not kept
    assert _without_times(kept) == _without_times(fresh)
    assert kept.trade_area.store_count > 100 and kept.summary  # a real report, not an empty one
    # every part of the key matters
    for other in (dict(place="회기동", category="카페", radius_m=300),
                  dict(place="회기동", category="편의점", radius_m=500),
                  dict(place="회기동", category="커피", radius_m=500),  # same 업종, other words: says what was typed
                  dict(lat=kept.lat, lon=kept.lon, category="카페", radius_m=500)):  # no place text
        r = report.build_commerce_report(**other)
        assert r is not kept
        assert _without_times(r) == _without_times(report._compute_report(
            r.lat, r.lon, r.radius_m, resolve_category_param(other["category"]), other.get("place"), st))
    assert report.build_commerce_report(place="회기동", category="커피", radius_m=500).category_input == "커피"
    assert report.build_commerce_report(place="회기동", category="카페", radius_m=500) is kept


def test_a_callers_own_store_set_is_never_kept():
    st = get_store_set()
    a = report.build_commerce_report(37.5898, 127.0579, category="카페", radius_m=500, stores=st)
    b = report.build_commerce_report(37.5898, 127.0579, category="카페", radius_m=500, stores=st)
    assert a is not b and _without_times(a) == _without_times(b)


def test_the_reports_are_kept_in_the_one_per_object_lru():
    # its LRU order, bound, identity and dead-object rules: tests/data/test_kept_per_object.py
    from moduai.data.kept_per_object import KeptPerObject

    assert isinstance(report._REPORTS, KeptPerObject) and report._REPORTS.maxsize == report.REPORT_CACHE_SIZE


def test_pages_and_files_leave_the_kept_report_unchanged_and_the_map_is_drawn_once():
    from fastapi.testclient import TestClient

    from moduai.results import to_jsonable
    from moduai.web import maps
    from moduai.web.app import create_app

    q = {"place": "회기동", "radius": 400, "category": "한식"}
    for _ in range(2):
        kept = report.build_commerce_report(place="회기동", category="한식", radius_m=400)
    before = to_jsonable(kept)
    client = TestClient(create_app())
    for url in ("/commerce/report", "/api/v1/commerce/report", "/commerce/report.pdf", "/commerce/report.xlsx"):
        assert client.get(url, params=q).status_code == 200
    assert report.build_commerce_report(place="회기동", category="한식", radius_m=400) is kept
    assert to_jsonable(kept) == before
    svg = maps.commerce_report_map(kept)
    assert maps.commerce_report_map(kept) is svg
    assert str(svg) == str(maps.draw_commerce_report_map(kept))
    assert svg.count('class="pt competitor"') == len(kept.trade_area.competitors) > 0


def test_a_report_computed_while_the_set_grew_is_not_kept(monkeypatch):
    """The default set grows around a query (a new frame mid-computation): that report is not kept under either
    frame; the next call (no growth) computes it on the grown frame and keeps it, equal to a fresh computation."""
    from moduai.commerce import trade_area
    from moduai.commerce.store import StoreSet

    base = get_store_set("hoegidong-2026Q1")
    full = base.frame
    x0 = float(full["x"].median())
    later = full[full["x"] > x0]  # the east half arrives on the first query that reaches it
    grown = {"n": 0}

    def extender(s, *_box):
        if grown["n"] == 0:
            grown["n"] += 1
            s.append(later)

    st = StoreSet(full[full["x"] <= x0], base.snapshot, extender=extender)
    monkeypatch.setattr(report, "get_stores", lambda stores, snapshot: st)
    monkeypatch.setattr(trade_area, "get_stores", lambda stores, snapshot=None: stores if stores is not None else st)
    monkeypatch.setattr(report, "_REPORTS", KeptPerObject(report.REPORT_CACHE_SIZE))
    first_frame = st.frame
    a = report.build_commerce_report(37.5898, 127.0579, category="카페", radius_m=400)
    assert grown["n"] == 1 and st.frame is not first_frame and len(st.frame) == len(full)
    assert len(report._REPORTS) == 0  # not kept (under the old frame it could never be found again anyway)
    b = report.build_commerce_report(37.5898, 127.0579, category="카페", radius_m=400)
    assert b is not a and len(report._REPORTS) == 1
    assert report.build_commerce_report(37.5898, 127.0579, category="카페", radius_m=400) is b
    from moduai.commerce.trade_area import resolve_category_param

    fresh = report._compute_report(37.5898, 127.0579, 400.0, resolve_category_param("카페"), None, st)
    assert _without_times(b) == _without_times(fresh)
    assert b.trade_area.store_count > 0


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
