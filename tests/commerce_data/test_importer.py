"""The 상가정보 importer on the real published extracts: counts, encodings, every broken row and reason."""

from __future__ import annotations

import csv
import io
import os

import pandas as pd
import pytest
from sqlalchemy import text

from moduai.commerce import sangga_csv, snapshots, store
from moduai.commerce.importer import import_sangga_files
from moduai.commerce.sangga_csv import infer_snapshot, read_sangga_frame
from moduai.errors import ImportRejected, InputError

HOEGI = "sangga/seoul_dongdaemun_hoegidong_2026q1.csv"
GANGWON = "sangga/gangwon_first200.csv"


def _field_counts(path) -> dict[int, int]:
    """Line number → field count, read independently with the csv module line by line."""
    out = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for i, line in enumerate(f, start=1):
            out[i] = len(next(csv.reader([line.rstrip("\r\n")])))
    return out


def _rows(fixture_data, name=GANGWON):
    with open(fixture_data / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _write(path, rows, *, encoding="utf-8", quoting=csv.QUOTE_ALL, newline="\r\n", bom=False):
    buf = io.StringIO()
    csv.writer(buf, quoting=quoting, lineterminator=newline).writerows(rows)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def test_hoegidong_counts_equal_pandas_value_counts(fixture_data):
    frame, rejected, facts = read_sangga_frame(fixture_data / HOEGI, snapshot="2026Q1")
    raw = pd.read_csv(fixture_data / HOEGI, dtype=str, encoding="utf-8-sig")
    assert rejected == [] and len(frame) == len(raw) == 963
    assert facts.encoding == "utf-8-sig" and facts.code_system == "2023"
    for ours, theirs in (("major_code", "상권업종대분류코드"), ("mid_code", "상권업종중분류코드"),
                         ("minor_code", "상권업종소분류코드")):
        assert frame[ours].value_counts().to_dict() == raw[theirs].value_counts().to_dict()
    assert frame["store_id"].tolist() == raw["상가업소번호"].tolist()
    assert frame["lon"].tolist() == raw["경도"].astype(float).tolist()
    assert list(frame.columns) == store.STORED_COLUMNS
    assert not frame["synthetic"].any() and set(frame["snapshot"]) == {"2026Q1"}


def test_shifted_row_is_the_only_rejection(fixture_data):
    path = fixture_data / "sangga/gangwon_first200_broken_shifted_row.csv"
    frame, rejected, _ = read_sangga_frame(path, snapshot="2024Q1")
    assert len(frame) == 199 and [r.line for r in rejected] == [2]
    assert "38개" in rejected[0].reason and "밀렸" in rejected[0].reason and "모자랍니다" in rejected[0].reason


def test_truncated_rows_are_exactly_the_lines_with_a_wrong_field_count(fixture_data):
    path = fixture_data / "sangga/gangwon_first200_broken_truncated_rows.csv"
    bad_lines = sorted(i for i, n in _field_counts(path).items() if n != 39)
    assert bad_lines == [2, 3, 4, 11, 15, 19, 25, 30, 34, 37, 54, 57, 59]
    frame, rejected, _ = read_sangga_frame(path, snapshot="2024Q1")
    assert [r.line for r in rejected] == bad_lines
    assert len(frame) == 200 - len(bad_lines)
    by_line = {r.line: r.reason for r in rejected}
    assert "2개" in by_line[4] and "잘렸" in by_line[4]
    assert "38개" in by_line[3]


@pytest.mark.parametrize(
    ("encoding", "bom", "newline", "quoting"),
    [
        ("cp949", False, "\r\n", csv.QUOTE_MINIMAL),
        ("cp949", False, "\n", csv.QUOTE_ALL),
        ("euc-kr", False, "\r\n", csv.QUOTE_MINIMAL),
        ("utf-8", True, "\n", csv.QUOTE_MINIMAL),
        ("utf-8", False, "\n", csv.QUOTE_MINIMAL),
    ],
)
def test_encodings_quoting_and_line_endings_give_the_same_rows(fixture_data, tmp_path, encoding, bom, newline, quoting):
    rows = _rows(fixture_data, HOEGI)
    path = _write(tmp_path / "hoegi.csv", rows, encoding=encoding, bom=bom, newline=newline, quoting=quoting)
    frame, rejected, facts = read_sangga_frame(path, snapshot="2026Q1")
    reference, _, _ = read_sangga_frame(fixture_data / HOEGI, snapshot="2026Q1")
    assert rejected == []
    assert facts.encoding == {"cp949": "cp949", "euc-kr": "cp949", "utf-8": "utf-8-sig" if bom else "utf-8"}[encoding]
    pd.testing.assert_frame_equal(frame, reference)


def test_every_kind_of_bad_row_is_reported_with_its_line_and_reason(fixture_data, tmp_path):
    rows = _rows(fixture_data)
    header, good = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    r = [list(x) for x in good[:10]]
    r[0][col["경도"]] = ""                                   # line 2: no coordinates
    r[1][col["경도"]], r[1][col["위도"]] = r[1][col["위도"]], r[1][col["경도"]]  # line 3: swapped → outside Korea
    r[2][col["상권업종소분류코드"]] = "I29999"                 # line 4: unknown code
    r[3][col["상가업소번호"]] = r[4][col["상가업소번호"]]       # line 5 and 6 share an ID: line 6 rejected
    r[6][col["상권업종중분류코드"]] = "I299"                   # line 8: codes disagree
    r[7][col["상가업소번호"]] = ""                             # line 9: no ID
    r[8][col["위도"]] = "12.5"                                # line 10: outside Korea
    path = _write(tmp_path / "bad.csv", [header] + r)
    frame, rejected, _ = read_sangga_frame(path, snapshot="2024Q1")
    reasons = {e.line: e.reason for e in rejected}
    assert sorted(reasons) == [2, 3, 4, 6, 8, 9, 10]
    assert "좌표" in reasons[2] and "비어" in reasons[2]
    assert "대한민국 밖" in reasons[3]
    assert "I29999" in reasons[4] and "업종" in reasons[4]
    assert "중복" in reasons[6] and "5행" in reasons[6]
    assert "맞지 않습니다" in reasons[8]
    assert "상가업소번호" in reasons[9]
    assert "대한민국 밖" in reasons[10]
    assert len(frame) == 3


def test_broken_quote_swallowing_lines_is_split_back(fixture_data, tmp_path):
    rows = _rows(fixture_data)
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows[:9])
    lines = buf.getvalue().split("\r\n")
    sid, rest = lines[3].split(",", 1)
    lines[3] = f'{sid},"{rest}'  # a lone opening quote: the csv reader runs on through every later line
    (tmp_path / "q.csv").write_text("\r\n".join(lines), encoding="utf-8")
    swallowed = list(csv.reader(io.StringIO("\r\n".join(lines[3:]), newline="")))
    assert len(swallowed) == 1  # independent check: the plain reader merges lines 4–9 into one record
    frame, rejected, _ = read_sangga_frame(tmp_path / "q.csv", snapshot="2024Q1")
    assert [r.line for r in rejected] == [4]
    assert frame["store_id"].tolist() == [r[0] for r in rows[1:3] + rows[4:9]]


def test_old_codes_of_2022_files_are_mapped_through_the_crosswalk(fixture_data):
    cw = pd.read_csv(fixture_data / "sangga/codes/upjong_old_to_2023_crosswalk.csv", dtype=str)
    for name in ("old_codes_seoul_202212_2rows.csv", "old_codes_jeonnam_202212_2rows.csv"):
        raw = pd.read_csv(fixture_data / "sangga" / name, dtype=str)
        frame, rejected, facts = read_sangga_frame(fixture_data / "sangga" / name, snapshot="2022Q4")
        assert rejected == [] and facts.code_system == "old"
        expected = raw.merge(cw, left_on="상권업종소분류코드", right_on="old_code")["new_code"].tolist()
        assert frame["minor_code"].tolist() == expected
        assert frame["source_minor_code"].tolist() == raw["상권업종소분류코드"].tolist()
        assert frame["adm_dong_code"].str.len().eq(8).all()  # 10-digit 행정동코드 shortened
        assert infer_snapshot(name) == "2022Q4"


def test_region_codes_are_brought_to_today(tmp_path, fixture_data):
    rows = _rows(fixture_data)
    header, r = rows[0], [list(x) for x in rows[1:3]]
    col = {n: i for i, n in enumerate(header)}
    for row in r:  # pretend an old file: 강원 42
        for c in ("시도코드", "시군구코드", "행정동코드", "법정동코드"):
            row[col[c]] = "42" + row[col[c]][2:]
        row[col["시도명"]] = "강원도"
    frame, rejected, _ = read_sangga_frame(_write(tmp_path / "old.csv", [header] + r), snapshot="2022Q4")
    assert rejected == [] and set(frame["sido_code"]) == {"51"} and set(frame["sido_name"]) == {"강원특별자치도"}
    assert frame["sigungu_code"].str.startswith("51").all()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("소상공인시장진흥공단_상가(상권)정보_서울_202212.csv", "2022Q4"), ("x_202403.csv", "2024Q1"),
     ("seoul_2026q1.csv", "2026Q1"), ("상가_2025년 3분기.csv", "2025Q3"), ("gangwon_first200.csv", None)],
)
def test_snapshot_label_from_file_name(name, expected):
    assert infer_snapshot(name) == expected


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"\x00\x01\x02binary\x00", "이진"), (b"a,b,c\r\n1,2,3\r\n", "필수 열"), (b"\xff\xfe\x00h", "UTF-16")],
)
def test_unreadable_files_are_refused_whole(tmp_path, content, needle):
    p = tmp_path / "bad_202401.csv"
    p.write_bytes(content)
    with pytest.raises(ImportRejected) as e:
        read_sangga_frame(p, snapshot="2024Q1")
    assert needle in e.value.message


def test_empty_file_and_missing_snapshot(tmp_path, fixture_data):
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(ImportRejected):
        read_sangga_frame(tmp_path / "e.csv", snapshot="2024Q1")
    with pytest.raises(InputError) as e:
        import_sangga_files([fixture_data / GANGWON])
    # the field by its name and Korean label; the command line's flag only in the detail (never on a page)
    assert "기준 분기(snapshot)를 '2026Q1'처럼" in e.value.message and "--snapshot" in e.value.detail
    with pytest.raises(InputError):
        import_sangga_files([fixture_data / GANGWON], snapshot="2024-1")


def _log_rows(url):
    from moduai.db.engine import get_engine

    with get_engine(url).connect() as c:
        return c.execute(text("select source_name, sha256, rows_ok, rows_rejected from import_log "
                              "where domain = 'commerce' order by id")).fetchall()


def test_import_stores_a_snapshot_and_reimport_changes_nothing(db_url, fixture_data):
    src = fixture_data / "sangga/gangwon_first200_broken_truncated_rows.csv"
    first = import_sangga_files([src], snapshot="2024Q1")
    assert (first.rows_ok, first.rows_rejected, first.already_imported) == (187, 13, False)
    path = store.snapshot_path("2024Q1")
    before = (path.stat().st_mtime_ns, path.read_bytes())
    again = import_sangga_files([src], snapshot="2024Q1")
    assert again.already_imported and again.rows_ok == 0
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    logs = _log_rows(db_url)
    assert [(r[0], r[2], r[3]) for r in logs] == [(src.name, 187, 13)]
    assert logs[0][1] == sangga_csv.file_sha256(src)
    s = snapshots.get_store_set("2024Q1")
    assert len(s) == 187 and s.snapshot.rows == 187 and not s.snapshot.synthetic
    info = {i.id: i for i in snapshots.list_snapshots()}["2024Q1"]
    assert info.files[0]["sha256"] == logs[0][1] and info.sido_codes == ["51"]


def test_a_failed_import_leaves_the_stored_snapshot_intact(db_url, fixture_data, tmp_path):
    import_sangga_files([fixture_data / GANGWON], snapshot="2024Q1")
    path = store.snapshot_path("2024Q1")
    before = path.read_bytes()
    rows = _rows(fixture_data)
    header = rows[0]
    col = header.index("경도")
    bad = [list(r) for r in rows[1:4]]
    for r in bad:
        r[col] = ""
    with pytest.raises(ImportRejected) as e:
        import_sangga_files([_write(tmp_path / "allbad.csv", [header] + bad)], snapshot="2024Q1")
    assert len(e.value.rows) == 3
    assert path.read_bytes() == before
    assert len(_log_rows(db_url)) == 1
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_folder_import_and_second_file_of_a_quarter(db_url, fixture_data, tmp_path):
    folder = tmp_path / "q"
    folder.mkdir()
    for name in ("old_codes_seoul_202212_2rows.csv", "old_codes_jeonnam_202212_2rows.csv"):
        (folder / name).write_bytes((fixture_data / "sangga" / name).read_bytes())
    rep = import_sangga_files([folder])
    assert rep.snapshot == "2022Q4" and rep.rows_ok == 4 and len(rep.files) == 2
    info = {i.id: i for i in snapshots.list_snapshots()}["2022Q4"]
    assert info.rows == 4 and info.id_scheme == "pre2023" and info.code_system == "old"
    assert info.sido_codes == ["11", "46"]
    assert len(_log_rows(db_url)) == 2


def test_churn_pair_refuses_ids_that_cannot_link(db_url, fixture_data):
    import_sangga_files([fixture_data / "sangga/old_codes_seoul_202212_2rows.csv"])
    import_sangga_files([fixture_data / GANGWON], snapshot="2024Q1")
    with pytest.raises(InputError) as e:
        snapshots.compare_snapshots("2022Q4", "2024Q1")
    assert "상가업소번호" in e.value.message and "2023" in e.value.message
    with pytest.raises(InputError):
        snapshots.compare_snapshots("2024Q1", "default")
    with pytest.raises(InputError):
        snapshots.compare_snapshots("2024Q1", "2024Q1")


def test_churn_pair_of_two_2023_quarters(db_url, fixture_data, tmp_path):
    rows = _rows(fixture_data)
    header, body = rows[0], rows[1:]
    import_sangga_files([_write(tmp_path / "a_2024q1.csv", [header] + body[:150])])
    import_sangga_files([_write(tmp_path / "b_2024q2.csv", [header] + body[50:])])
    pair = snapshots.compare_snapshots("2024Q1", "2024Q2")
    before = set(pair.before.frame["store_id"])
    after = set(pair.after.frame["store_id"])
    assert len(before & after) == 100 and len(after - before) == 50 and len(before - after) == 50
    assert pair.common_sido_codes == ["51"]
    with pytest.raises(InputError):
        snapshots.compare_snapshots("2024Q2", "2024Q1")


def test_no_temp_files_left_and_parquet_has_the_schema(db_url, fixture_data):
    import pyarrow.parquet as pq

    import_sangga_files([fixture_data / HOEGI])
    path = store.snapshot_path("2026Q1")
    assert pq.read_schema(path).names == store.STORED_COLUMNS
    assert [p.name for p in path.parent.iterdir() if not p.name.endswith(".lock")] == ["2026Q1.parquet"]
    assert os.path.getsize(path) > 10_000


def test_fast_and_careful_paths_agree(fixture_data, monkeypatch):
    """pyarrow blocks and the line-exact Python path give the same rows, also across small blocks."""
    path = fixture_data / HOEGI
    fast, rej_fast, _ = read_sangga_frame(path, snapshot="2026Q1")
    facts, chunks = sangga_csv.iter_sangga_chunks(path, snapshot="2026Q1", block_bytes=5_000)
    small = pd.concat([f for f, _ in chunks], ignore_index=True)
    pd.testing.assert_frame_equal(small, fast)
    monkeypatch.setattr(sangga_csv, "_fast_block", lambda *a, **k: None)
    careful, rej_careful, _ = read_sangga_frame(path, snapshot="2026Q1")
    pd.testing.assert_frame_equal(careful, fast)
    assert rej_fast == rej_careful == []
    trunc = fixture_data / "sangga/gangwon_first200_broken_truncated_rows.csv"
    facts, chunks = sangga_csv.iter_sangga_chunks(trunc, snapshot="2024Q1", block_bytes=3_000)
    rejected = [r.line for _, rej in chunks for r in rej]
    assert rejected == [2, 3, 4, 11, 15, 19, 25, 30, 34, 37, 54, 57, 59]


def test_undecodable_bytes_reject_only_their_row(fixture_data, tmp_path):
    data = (fixture_data / GANGWON).read_bytes().split(b"\r\n")
    data[5] = data[5].replace("강원특별자치도".encode(), b"\xff\xfe", 1)  # line 6: invalid UTF-8
    (tmp_path / "enc.csv").write_bytes(b"\r\n".join(data))
    frame, rejected, facts = read_sangga_frame(tmp_path / "enc.csv", snapshot="2024Q1")
    assert facts.encoding == "utf-8"
    assert [r.line for r in rejected] == [6] and "깨졌" in rejected[0].reason
    assert len(frame) == 199


def test_clean_blocks_take_the_fast_path_in_both_encodings(fixture_data):
    rows = _rows(fixture_data, HOEGI)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    body = text.split("\r\n", 1)[1]
    for enc, arrow_enc in (("utf-8", "utf8"), ("cp949", "cp949")):
        frame = sangga_csv._fast_block(body.encode(enc), rows[0], arrow_enc)
        assert frame is not None and len(frame) == 963
    broken = (fixture_data / "sangga/gangwon_first200_broken_shifted_row.csv").read_bytes().split(b"\r\n", 1)[1]
    assert sangga_csv._fast_block(broken, _rows(fixture_data)[0], "utf8") is None  # → the careful path


def test_folder_with_one_unreadable_file_stores_the_others(db_url, fixture_data, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good_2024q1.csv").write_bytes((fixture_data / GANGWON).read_bytes())
    (folder / "notes_2024q1.csv").write_bytes(b"a,b\r\n1,2\r\n")
    rep = import_sangga_files([folder])
    by_name = {f.name: f for f in rep.files}
    assert by_name["good_2024q1.csv"].rows_ok == 200 and by_name["good_2024q1.csv"].refused is None
    assert "필수 열" in by_name["notes_2024q1.csv"].refused
    assert rep.to_dict()["refused_files"][0]["name"] == "notes_2024q1.csv"
    assert [r[0] for r in _log_rows(db_url)] == ["good_2024q1.csv"]
    info = {i.id: i for i in snapshots.list_snapshots()}["2024Q1"]
    assert [f["name"] for f in info.files] == ["good_2024q1.csv"]
    # every file refused: an error, and nothing stored
    bad = tmp_path / "bad"
    bad.mkdir()
    for n in ("x_2024q2.csv", "y_2024q2.csv"):
        (bad / n).write_bytes(f"a,b\r\n1,{n}\r\n".encode())
    with pytest.raises(ImportRejected) as e:
        import_sangga_files([bad])
    assert "x_2024q2.csv" in e.value.message and "y_2024q2.csv" in e.value.message
    assert not store.snapshot_path("2024Q2").exists()


def test_concurrent_imports_into_one_quarter_lose_nothing(db_url, fixture_data, tmp_path):
    """Two web workers importing different files of the same quarter at once: both files' rows are kept."""
    import threading

    rows = _rows(fixture_data)
    header, body = rows[0], rows[1:]
    a = _write(tmp_path / "a_2024q1.csv", [header] + body[:100])
    b = _write(tmp_path / "b_2024q1.csv", [header] + body[100:])
    errors = []

    def run(p):
        try:
            import_sangga_files([p])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    info = {i.id: i for i in snapshots.list_snapshots()}["2024Q1"]
    assert info.rows == 200 and sorted(f["name"] for f in info.files) == ["a_2024q1.csv", "b_2024q1.csv"]
    assert len(_log_rows(db_url)) == 2
