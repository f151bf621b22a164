"""The memory-light structure build (one Parquet column at a time) writes exactly the files of the whole-table
build, and its frame file reads back as the snapshot.

``write_structures`` (the whole table in memory) is the reference: every file of the folder is compared byte for
byte.  The frame is also checked independently: read back with pyarrow, it equals the Parquet file cast to the
snapshot schema, value for value.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from moduai.commerce import snapshot_files, snapshots, store


@pytest.fixture(scope="module")
def hoegidong_table():
    frame = snapshots.real_extract("hoegidong")
    for c in store.STORED_COLUMNS:
        if c not in frame.columns:
            frame[c] = ""
    return store.frame_to_table(frame, store.arrow_schema())


def _with_nulls(table: pa.Table) -> pa.Table:
    """Nulls in a text, a coordinate, the bool and a level column (what a foreign or damaged file may hold)."""
    n = table.num_rows
    mask = pa.array(np.arange(n) % 7 == 3)
    out = table
    for name in ("name", "x", "lon", "synthetic", "mid_code", "floor", "dataset"):
        i = out.schema.get_field_index(name)
        col = out.column(name).combine_chunks()
        out = out.set_column(i, out.schema.field(i), pc.if_else(mask, pa.nulls(n, col.type), col))
    return out


def _both_ways(tmp_path, parquet):
    old, new = tmp_path / "whole-table", tmp_path / "by-column"
    snapshot_files.write_structures(snapshot_files._read_table(parquet), old)
    steps = []
    snapshot_files.write_structures_from_parquet(parquet, new, progress=lambda d, t: steps.append((d, t)))
    return old, new, steps


def _assert_same_files(old, new):
    names = sorted(p.name for p in old.iterdir())
    assert names == sorted(p.name for p in new.iterdir())
    assert "frame.arrow" in names and "grid_keys.npy" in names and "minor_pair_count.npy" in names
    for name in names:
        assert (old / name).read_bytes() == (new / name).read_bytes(), name


def _assert_frame_is_the_parquet(folder, parquet):
    got = ipc.open_file(pa.memory_map(str(folder / "frame.arrow"))).read_all()
    assert got.schema == store.arrow_schema()
    assert all(got.column(c).num_chunks == 1 for c in got.column_names)  # one contiguous array per column
    want = pq.read_table(parquet)
    for f in store.arrow_schema():
        if f.name in want.column_names:
            assert got.column(f.name).to_pylist() == want.column(f.name).cast(f.type).to_pylist(), f.name
        else:
            assert set(got.column(f.name).to_pylist()) <= {""}, f.name


@pytest.mark.parametrize("case", ["plain", "nulls", "missing columns"])
def test_column_by_column_build_writes_the_same_bytes(tmp_path, hoegidong_table, case):
    table = hoegidong_table
    if case == "nulls":
        table = _with_nulls(table)
    elif case == "missing columns":  # an older or foreign file: the build fills them with empty text
        table = table.drop_columns(["ksic_name", "dataset", "building_name"])
    parquet = tmp_path / "2026Q1.parquet"
    pq.write_table(table, parquet, row_group_size=128)  # 8 row groups: each column is read in pieces
    assert pq.ParquetFile(parquet).num_row_groups == 8
    old, new, steps = _both_ways(tmp_path, parquet)
    _assert_same_files(old, new)
    _assert_frame_is_the_parquet(new, parquet)
    total = snapshot_files.build_steps()
    assert steps == [(i, total) for i in range(1, total + 1)]


def test_a_snapshot_written_by_the_importer_builds_the_same_bytes(tmp_path, fixture_data):
    from moduai.commerce.importer import import_sangga_files

    report = import_sangga_files([fixture_data / "sangga/gangwon_first200_broken_truncated_rows.csv",
                                  fixture_data / "sangga/seoul_dongdaemun_hoegidong_2026q1.csv"],
                                 snapshot="2026Q1", structures=False)
    parquet = store.snapshot_path("2026Q1")
    assert report.rows_ok == 187 + 963
    old, new, _ = _both_ways(tmp_path, parquet)
    _assert_same_files(old, new)
    _assert_frame_is_the_parquet(new, parquet)


def test_one_row_and_no_rows(tmp_path, hoegidong_table):
    for rows in (1, 0):
        parquet = tmp_path / f"r{rows}" / "2026Q1.parquet"
        parquet.parent.mkdir()
        pq.write_table(hoegidong_table.slice(0, rows), parquet)
        old, new, _ = _both_ways(parquet.parent, parquet)
        _assert_same_files(old, new)


@pytest.mark.parametrize("where", ["template", "header"])
def test_an_unexpected_ipc_layout_falls_back_to_the_whole_table(tmp_path, hoegidong_table, monkeypatch, where):
    """Another pyarrow could lay the file out differently: a template it cannot parse, or a header patched wrong
    (here: every buffer offset shifted, caught by Arrow's own validation), gives the whole-table build."""
    parquet = tmp_path / "2026Q1.parquet"
    pq.write_table(hoegidong_table, parquet, row_group_size=300)
    if where == "template":
        def no_template(self, *a, **k):
            raise snapshot_files.FrameLayoutError("unknown layout")

        monkeypatch.setattr(snapshot_files._FrameFile, "__init__", no_template)
    else:
        finish = snapshot_files._FrameFile._finish

        def shifted(self):
            self._buffers = [(off + 8, length) for off, length in self._buffers]
            finish(self)

        monkeypatch.setattr(snapshot_files._FrameFile, "_finish", shifted)
    old, new, steps = _both_ways(tmp_path, parquet)
    _assert_same_files(old, new)
    total = snapshot_files.build_steps()
    assert steps[-1] == (total, total) and len(steps) == total


def test_the_frame_check_refuses_a_file_that_is_not_the_batch(tmp_path, hoegidong_table):
    parquet = tmp_path / "2026Q1.parquet"
    pq.write_table(hoegidong_table, parquet)
    snapshot_files.write_structures_from_parquet(parquet, tmp_path / "s")
    frame, schema, n = tmp_path / "s" / "frame.arrow", store.arrow_schema(), hoegidong_table.num_rows
    snapshot_files._check_frame(frame, schema, n)
    with pytest.raises(snapshot_files.FrameLayoutError):
        snapshot_files._check_frame(frame, schema, n + 1)
    with pytest.raises(snapshot_files.FrameLayoutError):
        snapshot_files._check_frame(frame, pa.schema(list(schema)[:-1]), n)
    data = frame.read_bytes()
    frame.write_bytes(data[:len(data) // 2] + data[-10:])  # the body cut in half, the footer kept
    with pytest.raises(snapshot_files.FrameLayoutError):
        snapshot_files._check_frame(frame, schema, n)
