"""The import pipeline across files: blocks checked in parallel, the next file started before the last one ends.

Independent references: the frozen old parser (tests/commerce_data/reference_sangga_csv.py), run file by file
in one thread; and the stored snapshot as it was before a failed import.
"""

from __future__ import annotations

import csv
import io
import threading

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from moduai.commerce import sangga_csv, store
from moduai.commerce.importer import import_sangga_files

from .test_importer_equivalence import DATA, _equal_tables, _national_like, _old


def _log_names(db_url) -> list[str]:
    from moduai.db.engine import get_engine

    with get_engine(db_url).connect() as c:
        return [r[0] for r in c.execute(text("SELECT source_name FROM import_log ORDER BY id"))]


def _hoegidong_with_repeats() -> bytes:
    def rows(name):
        with open(DATA / name, encoding="utf-8-sig", newline="") as f:
            return list(csv.reader(f))

    hoegi, gangwon = rows("sangga_hoegidong_2026q1.csv"), rows("sangga_gangwon_first200.csv")
    order = [gangwon[0].index(h) for h in hoegi[0]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(hoegi + [[r[i] for i in order] for r in gangwon[1:6]])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def test_many_small_blocks_across_files_equal_the_old_parser(db_url, tmp_path, monkeypatch):
    # ~10 KB blocks: every file is many blocks, so blocks of the next file are parsed while the last ones
    # of the file before are still being checked for duplicates
    monkeypatch.setattr(sangga_csv, "BLOCK_BYTES", 10_000)
    folder = tmp_path / "q"
    folder.mkdir()
    paths = _national_like(folder)
    # a file that is refused whole between the two (its name sorts between them), and a third file of real
    # rows (회기동) ending with 5 rows of the first file: "(이미 저장된 행)" across files
    (folder / "ab_notes_202601.csv").write_bytes(b"a,b\r\n1,2\r\n")
    third = folder / "c_hoegidong_202601.csv"
    third.write_bytes(_hoegidong_with_repeats())
    report = import_sangga_files([folder])
    by_name = {f.name: f for f in report.files}
    assert "필수 열" in by_name["ab_notes_202601.csv"].refused
    assert _log_names(db_url) == [paths[0].name, paths[1].name, third.name]

    old_seen: set[str] = set()
    tables, rejected = [], []
    for path in (*paths, third):
        t, r, _ = _old(path, "2026Q1", old_seen)
        tables.append(t)
        rejected += [(r_.line, f"[{path.name}] {r_.reason}", r_.value) for r_ in r]
    assert [(r.line, r.reason, r.value) for r in report.rejected] == rejected
    assert sum("(이미 저장된 행)" in r[1] for r in rejected if r[1].startswith("[c_hoegidong")) == 5
    stored = pq.read_table(store.snapshot_path("2026Q1"))
    assert report.rows_ok == stored.num_rows == sum(t.num_rows for t in tables)
    _equal_tables(stored, pa.concat_tables(tables))
    meta = store.read_snapshot_meta(store.snapshot_path("2026Q1"))
    assert meta["sido_codes"] == sorted(set(stored.column("sido_code").to_pylist()))
    assert meta["rows"] == stored.num_rows


def test_a_failure_half_way_stores_nothing_and_leaves_no_threads(db_url, tmp_path, monkeypatch):
    import_sangga_files([DATA / "sangga_gangwon_first200.csv"], snapshot="2026Q1")
    path = store.snapshot_path("2026Q1")
    before = path.read_bytes()
    monkeypatch.setattr(sangga_csv, "BLOCK_BYTES", 10_000)
    folder = tmp_path / "q"
    folder.mkdir()
    _national_like(folder)
    calls = {"n": 0}
    real = sangga_csv._prepare_block

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 40:  # in the second file (the first has ~30 blocks of 10 KB)
            raise RuntimeError("worker failed")
        return real(*args, **kwargs)

    monkeypatch.setattr(sangga_csv, "_prepare_block", failing)
    with pytest.raises(RuntimeError, match="worker failed"):
        import_sangga_files([folder])
    assert calls["n"] >= 40
    assert path.read_bytes() == before
    assert _log_names(db_url) == ["sangga_gangwon_first200.csv"]
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert not [t for t in threading.enumerate() if t.name.startswith(("sangga-prepare", "sangga-write"))]
