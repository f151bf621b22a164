"""The grid index and the memory-mapped snapshot files against independent brute force.

Every count is compared with NumPy over all points (``(x - cx)**2 + (y - cy)**2 <= r**2``, then a bincount of
``pandas.factorize`` codes) — on the real 회기동 rows for all three 업종 levels, and on a synthetic set dense
enough that circles take the per-cell-histogram path.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pytest

from moduai.commerce import snapshot_files, snapshots, store
from moduai.commerce.grid_index import HISTOGRAM_MIN_POINTS, GridIndex, LevelCounts


@pytest.fixture(autouse=True)
def _fresh_cache():
    snapshots.clear_cache()
    yield
    snapshots.clear_cache()


def _brute_counts(x, y, codes, nlab, cx, cy, r):
    inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    return np.bincount(codes[inside], minlength=nlab), np.flatnonzero(inside)


@pytest.fixture(scope="module")
def hoegidong():
    frame = snapshots.real_extract("hoegidong")
    return store.StoreSet(frame, snapshots.embedded_snapshot_info(store.HOEGIDONG_SNAPSHOT))


@pytest.mark.parametrize("level", ["major", "mid", "minor"])
def test_radius_counts_on_the_real_hoegidong_rows_equal_brute_force(hoegidong, level):
    f = hoegidong.frame
    x, y = f["x"].to_numpy(float), f["y"].to_numpy(float)
    codes, labels = pd.factorize(f[store.LEVEL_COLUMNS[level]], sort=True)
    rng = np.random.default_rng(14)
    for i in range(300):
        j = int(rng.integers(len(f)))
        cx, cy = x[j] + rng.normal(0, 150), y[j] + rng.normal(0, 150)
        if i % 10 == 0:  # exactly on a store (a distance of 0 and shared building coordinates)
            cx, cy = x[j], y[j]
        r = float(rng.choice([5.0, 30.0, 100.0, 199.9, 200.0, 350.0, 500.0, 1200.0]))
        counts, got_labels = hoegidong.code_counts_within(float(cx), float(cy), r, level)
        want, inside = _brute_counts(x, y, codes, len(labels), cx, cy, r)
        assert list(got_labels) == list(labels)
        assert counts.tolist() == want.tolist(), (level, cx, cy, r)
        assert hoegidong.within(float(cx), float(cy), r).tolist() == inside.tolist()
    # the 963 stores of 회기동 all lie within 2 km of its busiest store
    assert hoegidong.code_counts_within(float(x[0]), float(y[0]), 2000.0, level)[0].sum() == len(f)


def test_dense_synthetic_circles_use_the_histograms_and_stay_exact():
    rng = np.random.default_rng(3)
    n = 120_000
    # a dense centre (σ = 250 m), shared coordinates, points exactly on cell borders, and a sparse field
    x = np.concatenate([rng.normal(0, 250, n // 2), rng.uniform(-8000, 8000, n // 2)]) + 950_000
    y = np.concatenate([rng.normal(0, 250, n // 2), rng.uniform(-8000, 8000, n // 2)]) + 1_950_000
    x[:2000], y[:2000] = 950_000.0, 1_950_000.0
    x[2000:2400] = np.floor(x[2000:2400] / 200.0) * 200.0
    x[-3:] = np.nan  # no coordinates: in no circle
    codes = rng.integers(0, 41, n).astype(np.int32)
    labels = np.array([f"C{i:02d}" for i in range(41)], dtype=object)
    ok = np.isfinite(x)
    for cell in (200.0, 57.3):
        grid = GridIndex.build(x, y, cell)
        level = LevelCounts.build(grid, codes, labels)
        assert grid.n == n and len(grid.xs) == n - 3
        dense_path = 0
        for i in range(400):
            cx, cy = 950_000.0 + rng.normal(0, 600), 1_950_000.0 + rng.normal(0, 600)
            if i % 25 == 0:
                cx, cy = 950_000.0, 1_950_000.0
            r = float(rng.choice([10.0, 100.0, 200.0, 400.0, 500.0, 777.7, 1500.0, 5000.0]))
            want, inside = _brute_counts(x[ok], y[ok], codes[ok], len(labels), cx, cy, r)
            dense_path += int(want.sum() > HISTOGRAM_MIN_POINTS)
            assert grid.count_codes(level, cx, cy, r).tolist() == want.tolist(), (cell, cx, cy, r)
            assert np.sort(grid.within(cx, cy, r)).tolist() == np.flatnonzero(ok)[inside].tolist()
        assert dense_path > 100  # the histogram path was exercised, not only the point-by-point one


def test_nearest_equals_brute_force_with_ties_by_position(hoegidong):
    f = hoegidong.frame
    x, y = f["x"].to_numpy(float), f["y"].to_numpy(float)
    rng = np.random.default_rng(5)
    for _ in range(100):
        j = int(rng.integers(len(f)))
        cx, cy, k = float(x[j] + rng.normal(0, 80)), float(y[j] + rng.normal(0, 80)), int(rng.integers(1, 60))
        d = np.hypot(x - cx, y - cy)
        want = np.lexsort((np.arange(len(f)), d))[:k]
        pos, dist = hoegidong.nearest(cx, cy, k)
        assert pos.tolist() == want.tolist()
        assert np.allclose(dist, d[want])


def _write_snapshot(path, frame):
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    full = frame.copy()
    for c in store.STORED_COLUMNS:
        if c not in full.columns:
            full[c] = ""
    pq.write_table(store.frame_to_table(full, store.arrow_schema()), path)


def test_an_imported_snapshot_opens_memory_mapped_and_answers_like_the_frame(hoegidong):
    path = store.snapshot_path("2026Q1")
    _write_snapshot(path, hoegidong.frame)
    s = snapshots.get_store_set("2026Q1")
    assert s.structures is not None and s.structures.folder == snapshot_files.structures_dir(path)
    # views of memory-mapped files, not copies
    assert isinstance(s.structures.grid.xs.base, np.memmap)
    assert isinstance(s.structures.levels["minor"].codes.base, np.memmap)
    assert isinstance(s.column_parts.arrays["x"].base, np.memmap)
    # the frame's text columns are views of the memory-mapped Arrow file, not Python strings
    assert isinstance(s.frame["name"].dtype, pd.StringDtype)
    assert s.frame["name"].tolist() == hoegidong.frame["name"].tolist()
    rng = np.random.default_rng(9)
    xy = hoegidong.xy
    for _ in range(60):
        j = int(rng.integers(len(xy)))
        cx, cy, r = float(xy[j, 0] + rng.normal(0, 100)), float(xy[j, 1] + rng.normal(0, 100)), 350.0
        for level in ("major", "mid", "minor"):
            a, la = s.code_counts_within(cx, cy, r, level)
            b, lb = hoegidong.code_counts_within(cx, cy, r, level)
            assert a.tolist() == b.tolist() and list(la) == list(lb)
        assert s.nearest(cx, cy, 7)[0].tolist() == hoegidong.nearest(cx, cy, 7)[0].tolist()


def test_stored_analysis_columns_equal_the_ones_built_from_the_frame(hoegidong):
    from moduai.commerce.trade_area import StoreColumns, store_columns

    path = store.snapshot_path("2026Q2")
    _write_snapshot(path, hoegidong.frame)
    s = snapshots.get_store_set("2026Q2")
    stored, built = store_columns(s), StoreColumns(hoegidong.frame)
    assert set(stored.keys()) == set(built.keys())
    everything = np.arange(len(s.frame))
    for c in built.keys():
        a, b = stored.take(everything, [c])[c], built.take(everything, [c])[c]
        assert [None if v is None or v is pd.NA else v for v in a.tolist()] == b.tolist(), c


def test_the_saturation_profile_is_kept_next_to_the_snapshot_and_read_back_equal(hoegidong):
    from moduai.commerce import saturation

    path = store.snapshot_path("2026Q3")
    _write_snapshot(path, hoegidong.frame)
    first = saturation.dong_store_profile(snapshots.get_store_set("2026Q3"))
    folder = snapshot_files.structures_dir(path)
    assert list(folder.glob("dongprofile-*.complete"))
    snapshots.clear_cache()  # a new process: the profile comes from the files
    again = saturation.dong_store_profile(snapshots.get_store_set("2026Q3"))
    fresh = saturation._dong_store_profile(hoegidong)
    for f in ("dong_of_store", "minor_codes", "counts", "totals", "covered"):
        assert np.array_equal(np.asarray(getattr(again, f)), np.asarray(getattr(fresh, f))), f
        assert np.array_equal(np.asarray(getattr(first, f)), np.asarray(getattr(fresh, f))), f


def test_a_reimport_gets_new_files_and_the_old_ones_are_removed(hoegidong):
    path = store.snapshot_path("2026Q4")
    _write_snapshot(path, hoegidong.frame.head(500))
    old = snapshot_files.build_snapshot_structures(path)
    assert len(snapshots.get_store_set("2026Q4")) == 500
    time.sleep(0.01)
    _write_snapshot(path, hoegidong.frame.head(700))
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    assert snapshot_files.structures_dir(path) != old
    s = snapshots.get_store_set("2026Q4")
    assert len(s) == 700 and s.structures.grid.n == 700
    assert not old.exists()
    assert [p.name for p in snapshot_files.structures_root().iterdir() if p.name.startswith("2026Q4-")] == \
        [snapshot_files.structures_dir(path).name]


def test_build_snapshot_structures_is_idempotent(hoegidong):
    path = store.snapshot_path("2025Q1")
    _write_snapshot(path, hoegidong.frame.head(50))
    first = snapshot_files.build_snapshot_structures(path)
    stamp = (first / "grid_keys.npy").stat().st_mtime_ns
    assert snapshot_files.build_snapshot_structures(path) == first
    assert (first / "grid_keys.npy").stat().st_mtime_ns == stamp


def _without_snapshot_ids(doc):
    if isinstance(doc, dict):
        return {k: _without_snapshot_ids(v) for k, v in doc.items() if k not in ("snapshot", "sources")}
    if isinstance(doc, list):
        return [_without_snapshot_ids(v) for v in doc]
    return doc


def test_a_report_on_a_snapshot_keeps_its_columns_in_the_mapped_file(hoegidong):
    """The frame's numeric columns are read-only views of the memory-mapped Arrow file (not a private copy per
    process), a report materialises no few-valued text column whole, and it answers like the in-memory set."""
    from moduai.commerce.report import build_commerce_report
    from moduai.commerce.trade_area import _Factorized, store_columns
    from moduai.results import to_jsonable

    path = store.snapshot_path("2026Q3")
    _write_snapshot(path, hoegidong.frame)
    s = snapshots.get_store_set("2026Q3")
    for c in ("x", "y", "lat", "lon"):
        assert not s.frame[c].to_numpy().flags.writeable, c  # a copy would be writeable
        assert s.frame[c].tolist() == hoegidong.frame[c].tolist()
    mapped = build_commerce_report(37.5894, 127.0557, radius_m=500, category="카페", snapshot="2026Q3")
    fresh = build_commerce_report(37.5894, 127.0557, radius_m=500, category="카페", stores=hoegidong)
    factorized = [c for c in store_columns(s)._cols.values() if isinstance(c, _Factorized)]
    assert factorized and all(c._full is None for c in factorized)
    for part in ("trade_area", "saturation", "huff", "gaps"):
        # every figure equal; only the snapshot's id and source differ (an import against the in-memory set)
        assert _without_snapshot_ids(to_jsonable(getattr(mapped, part))) == \
            _without_snapshot_ids(to_jsonable(getattr(fresh, part))), part
    assert mapped.trade_area.store_count > 0 and mapped.trade_area.category_count > 0
