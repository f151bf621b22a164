"""The Arrow importer against the old pandas one (frozen in ``reference_sangga_csv.py``): same rows, same rejections.

Every real fixture file (tests/fixtures/sangga and the package's embedded extracts) and a generated
national-like set with every kind of damage are parsed by both; the good rows (all 45 stored columns),
the rejected lines, their Korean reasons and values, and the file facts must be equal.  The new parser
runs with small blocks (many blocks per file), the old one with one block per file: the old one named the
first line of a duplicate only inside its 8 MB block, the new one anywhere in the file (see
docs/notes/importer.md), and with one block per file the two rules agree.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from moduai.commerce import generator, sangga_csv, store
from moduai.commerce.importer import import_sangga_files
from moduai.commerce.seen_ids import SeenIds

from . import reference_sangga_csv as reference

DATA = Path(store.__file__).with_name("data")


def _old(path, snapshot, seen=None):
    facts, chunks = reference.iter_sangga_chunks(Path(path), snapshot=snapshot, seen_ids=seen, block_bytes=1 << 30,
                                                 chunk_rows=1 << 30)
    frames, rejected = [], []
    for frame, rej in chunks:
        frames.append(store.frame_to_table(frame, store.arrow_schema()))
        rejected.extend(rej)
    return pa.concat_tables(frames), rejected, facts


def _new(path, snapshot, seen=None, file_no=0, block_bytes=50_000):
    facts, batches = sangga_csv.iter_sangga_batches(Path(path), snapshot=snapshot, seen=seen, file_no=file_no,
                                                    block_bytes=block_bytes)
    tables, rejected = [], []
    for table, rej in batches:
        tables.append(table)
        rejected.extend(rej)
    return pa.concat_tables(tables), rejected, facts


def _facts(f) -> dict:
    return {k: getattr(f, k) for k in ("encoding", "rows_ok", "rows_rejected", "old_code_rows", "new_code_rows",
                                       "sido_codes", "pre2023_ids", "synthetic_rows", "code_system")}


def _same(path, snapshot="2024Q1", block_bytes=50_000):
    old_t, old_r, old_f = _old(path, snapshot)
    new_t, new_r, new_f = _new(path, snapshot, block_bytes=block_bytes)
    assert [(r.line, r.reason, r.value) for r in new_r] == [(r.line, r.reason, r.value) for r in old_r]
    assert _facts(new_f) == _facts(old_f)
    assert new_t.schema == old_t.schema
    _equal_tables(new_t, old_t)
    return new_t, new_r


def _equal_tables(new_t, old_t):
    """Equal, except that coordinates may differ in the last place where the old parser fell back to pandas."""
    exact = [c for c in new_t.column_names if c not in store.FLOAT_COLUMNS]
    assert new_t.select(exact).equals(old_t.select(exact)), [c for c in exact if not new_t[c].equals(old_t[c])]
    for c in store.FLOAT_COLUMNS:
        np.testing.assert_allclose(new_t[c].to_numpy(), old_t[c].to_numpy(), rtol=1e-14, atol=0)


def _raw_coordinates(path, encoding) -> dict[str, tuple[float, float]]:
    """store_id → (경도, 위도) read with the csv module and Python's float (correctly rounded), first row wins."""
    # the header's BOM is dropped by the utf-8-sig decoder; every physical line is one record in these files
    with open(path, encoding=encoding, newline="") as f:  # line by line: a broken quote spoils one line only
        rows = [next(csv.reader([line.rstrip("\r\n")]), []) for line in f]
    col = {n: i for i, n in enumerate(rows[0])}
    out: dict[str, tuple[float, float]] = {}
    for r in rows[1:]:
        try:
            out.setdefault(r[col["상가업소번호"]].strip(), (float(r[col["경도"]]), float(r[col["위도"]])))
        except (ValueError, IndexError):
            continue
    return out


REAL_FILES = sorted((Path(__file__).parents[1] / "fixtures" / "sangga").glob("*.csv")) + sorted(DATA.glob("*.csv"))


@pytest.mark.parametrize("path", [p for p in REAL_FILES if not p.name.startswith("upjong")], ids=lambda p: p.name)
def test_real_files_give_the_same_rows_and_reasons(path):
    table, rejected = _same(path, block_bytes=3_000)
    assert table.num_rows > 0
    if "broken" in path.name:
        assert rejected


def _national_like(tmp_path: Path) -> list[Path]:
    """Two generated 시도 files (서귀포시, 포항시 북구 rows in the published format) plus real rows, damaged."""
    files = []
    real = list(csv.reader(open(DATA / "sangga_gangwon_first200.csv", encoding="utf-8-sig", newline="")))
    header = real[0]
    col = {n: i for i, n in enumerate(header)}
    for unit, name, encoding in (("39020", "a_jeju_202601.csv", "cp949"), ("37011", "b_pohang_202601.csv", "utf-8-sig")):
        official = generator.to_official_frame(generator.generate_unit(unit).head(3_000))
        rows = [list(r) for r in official.astype(str).itertuples(index=False)]
        rows += [list(r) for r in real[1:]]
        first = rows[0][col["상가업소번호"]]
        rows[10][col["경도"]] = ""                                          # no coordinates
        rows[11][col["경도"]], rows[11][col["위도"]] = rows[11][col["위도"]], rows[11][col["경도"]]  # swapped
        rows[12][col["상권업종소분류코드"]] = "I29999"                        # unknown code
        rows[13][col["상권업종중분류코드"]] = "I299"                          # codes disagree
        rows[14][col["상가업소번호"]] = ""                                    # no ID
        rows[15][col["위도"]] = "north"                                     # not a number
        rows[2_500][col["상가업소번호"]] = first                             # duplicate of line 2, many blocks later
        rows[2_501][col["상가업소번호"]] = real[5][col["상가업소번호"]]       # duplicate of a later real row
        rows[20][col["상권업종소분류코드"]] = "Q01A01"                        # old code, mapped
        rows[20][col["상권업종중분류코드"]], rows[20][col["상권업종대분류코드"]] = "Q01", "Q"
        for c in ("시도코드", "시군구코드", "행정동코드", "법정동코드"):      # 강원 42 → 51 (old region codes)
            rows[-1][col[c]] = "42" + rows[-1][col[c]][2:]
        rows[-1][col["시도명"]] = "강원도"
        rows[30][col["상호명"]] = "  공백 상호  "                             # names kept as published
        rows[31][col["상가업소번호"]] = f"  {rows[31][col['상가업소번호']]} "   # IDs compared without blanks
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows([header] + rows)
        lines = buf.getvalue().split("\r\n")
        lines[40] = lines[40].rsplit(",", 5)[0]                          # truncated row
        lines.insert(60, "")                                               # a blank line
        sid, rest = lines[70].split(",", 1)
        lines[70] = f'{sid},"{rest}'                                       # broken quote swallowing lines
        text = "\r\n".join(lines)
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        files.append(path)
    return files


def test_a_generated_national_like_set_gives_the_same_rows_and_reasons(tmp_path):
    for path in _national_like(tmp_path):
        table, rejected = _same(path, snapshot="2026Q1", block_bytes=64_000)
        reasons = " ".join(r.reason for r in rejected)
        for needle in ("좌표", "대한민국 밖", "I29999", "맞지 않습니다", "상가업소번호가 비어", "중복", "잘렸"):
            assert needle in reasons, needle
        assert "Q01A01" in table.column("source_minor_code").to_pylist()
        raw = _raw_coordinates(path, "cp949" if "jeju" in path.name else "utf-8-sig")
        ids = table.column("store_id").to_pylist()
        assert list(zip(table.column("lon").to_pylist(), table.column("lat").to_pylist(), strict=True)) == [raw[i] for i in ids]
        assert "42" not in table.column("sido_code").to_pylist()


def test_duplicates_across_files_and_blocks_name_the_same_lines(tmp_path):
    """Across files both say '이미 저장된 행'; inside a file the new parser names the first line in any block."""
    a, b = _national_like(tmp_path)
    (tmp_path / "b_copy_202601.csv").write_bytes(b.read_bytes()[:200_000].rsplit(b"\r\n", 1)[0])
    old_seen: set[str] = set()
    new_seen = SeenIds()
    for i, path in enumerate([a, b, tmp_path / "b_copy_202601.csv"]):
        old_t, old_r, _ = _old(path, "2026Q1", old_seen)
        new_t, new_r, _ = _new(path, "2026Q1", new_seen, file_no=i, block_bytes=20_000)
        assert [(r.line, r.reason) for r in new_r] == [(r.line, r.reason) for r in old_r]
        _equal_tables(new_t, old_t)
    assert sum("이미 저장된 행" in r.reason for r in new_r) > 100  # the copy's rows were all claimed by b
    # the old parser with small blocks loses the line of a first occurrence in an earlier block
    _, small_blocks = reference.iter_sangga_chunks(a, snapshot="2026Q1", block_bytes=64_000)
    old_small = [r for _, rej in small_blocks for r in rej if "중복" in r.reason]
    new_small = [r for r in _new(a, "2026Q1", block_bytes=64_000)[1] if "중복" in r.reason]
    assert [r.line for r in old_small] == [r.line for r in new_small]
    assert any("이미 저장된 행" in r.reason for r in old_small)
    assert all("먼저 나온" in r.reason for r in new_small)


def test_import_report_and_snapshot_equal_the_old_parser(db_url, tmp_path):
    folder = tmp_path / "q"
    folder.mkdir()
    paths = _national_like(folder)
    report = import_sangga_files([folder])
    stored = pq.read_table(store.snapshot_path("2026Q1"))
    old_seen: set[str] = set()
    tables, rejected = [], []
    for path in paths:
        t, r, _ = _old(path, "2026Q1", old_seen)
        tables.append(t)
        rejected += [(r_.line, f"[{path.name}] {r_.reason}", r_.value) for r_ in r]
    assert [(r.line, r.reason, r.value) for r in report.rejected] == rejected
    assert report.rows_ok == stored.num_rows == sum(t.num_rows for t in tables)
    _equal_tables(stored, pa.concat_tables(tables))
    meta = store.read_snapshot_meta(store.snapshot_path("2026Q1"))
    assert meta["rows"] == stored.num_rows and [f["name"] for f in meta["files"]] == [p.name for p in paths]
    assert meta["sido_codes"] == sorted(set(stored.column("sido_code").to_pylist()))
