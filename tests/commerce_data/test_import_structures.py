"""An import leaves the snapshot's analysis files ready (CLI, web job, API); a failed build loses nothing.

The analysis files (:mod:`moduai.commerce.snapshot_files`) are built right after the import commits the
snapshot, so the first report opens them.  When the build fails the snapshot is stored all the same and the
first ``get_store_set`` builds the files itself, answering like the in-memory store set.
"""

from __future__ import annotations

import json
import os
import threading
import time

import numpy as np
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.cli import app as cli_app
from moduai.commerce import snapshot_files, snapshots, store
from moduai.commerce.importer import import_sangga_files

HOEGI = "sangga/seoul_dongdaemun_hoegidong_2026q1.csv"


@pytest.fixture(autouse=True)
def _fresh_cache():
    snapshots.clear_cache()
    yield
    snapshots.clear_cache()


@pytest.fixture
def builds(monkeypatch):
    """Every call of the structure builder (the column-by-column one and the whole-table one)."""
    calls: list[str] = []
    by_column, whole = snapshot_files.write_structures_from_parquet, snapshot_files.write_structures

    def spy_by_column(parquet_path, folder, **kw):
        calls.append(str(parquet_path))
        return by_column(parquet_path, folder, **kw)

    def spy_whole(table, folder):
        calls.append("whole table")
        return whole(table, folder)

    monkeypatch.setattr(snapshot_files, "write_structures_from_parquet", spy_by_column)
    monkeypatch.setattr(snapshot_files, "write_structures", spy_whole)
    return calls


def _failing_build(monkeypatch):
    """A build that dies half-way (a few files written into its temporary folder), as memory running out would."""
    def broken(parquet_path, folder, **kw):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "frame.arrow").write_bytes(b"half")
        raise MemoryError("no memory for the grid")

    monkeypatch.setattr(snapshot_files, "write_structures_from_parquet", broken)


def _leftovers() -> list[str]:
    root = snapshot_files.structures_root()
    return sorted(p.name for p in root.iterdir() if not p.name.endswith(".lock")) if root.exists() else []


def test_cli_import_builds_the_files_and_says_so(db_url, fixture_data, builds):
    r = CliRunner().invoke(cli_app, ["commerce", "import", str(fixture_data / HOEGI), "--snapshot", "2026Q1"])
    assert r.exit_code == 0, r.output
    path = store.snapshot_path("2026Q1")
    assert snapshot_files.structures_ready(path)
    assert builds == [str(path)]
    assert "2026Q1의 분석용 색인 파일을 만들었습니다" in r.stdout
    # --json carries the same; a re-import finds them ready and builds nothing
    doc = json.loads(CliRunner().invoke(cli_app, ["commerce", "import", str(fixture_data / HOEGI),
                                                  "--snapshot", "2026Q1", "--json"]).stdout)
    assert doc["already_imported"] and [(b["snapshot"], b["status"]) for b in doc["structures"]] == [("2026Q1", "ready")]
    assert builds == [str(path)]


def test_cli_no_structures_leaves_them_to_the_first_report(db_url, fixture_data, builds):
    r = CliRunner().invoke(cli_app, ["commerce", "import", str(fixture_data / HOEGI), "--snapshot", "2026Q1",
                                     "--no-structures", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["structures"] == [] and builds == []
    path = store.snapshot_path("2026Q1")
    assert not snapshot_files.structures_ready(path)
    assert len(snapshots.get_store_set("2026Q1")) == 963  # the lazy path
    assert builds == [str(path)] and snapshot_files.structures_ready(path)


def test_reimport_of_an_older_snapshot_builds_its_missing_files(db_url, fixture_data, builds):
    """A snapshot imported before the import built them (an older version): importing any file again builds them."""
    import_sangga_files([fixture_data / HOEGI], snapshot="2026Q1", structures=False)
    report = import_sangga_files([fixture_data / HOEGI], snapshot="2026Q1")
    assert report.already_imported and [(b.snapshot, b.status) for b in report.structures] == [("2026Q1", "built")]
    assert snapshot_files.structures_ready(store.snapshot_path("2026Q1"))


def test_a_failed_build_keeps_the_snapshot_and_the_first_report_builds_the_files(db_url, fixture_data, monkeypatch):
    import csv

    with open(fixture_data / HOEGI, encoding="utf-8-sig", newline="") as fh:
        want_ids = [row["상가업소번호"] for row in csv.DictReader(fh)]
    _failing_build(monkeypatch)
    r = CliRunner().invoke(cli_app, ["commerce", "import", str(fixture_data / HOEGI), "--snapshot", "2026Q1",
                                     "--json"])
    assert r.exit_code == 0, r.output  # the import itself succeeded
    doc = json.loads(r.stdout)
    assert doc["rows_ok"] == 963
    (b,) = doc["structures"]
    assert b["status"] == "failed" and b["error_id"] and "첫 상권 보고서를 열 때 다시 만듭니다" in b["message"]
    path = store.snapshot_path("2026Q1")
    got = pq.read_table(path)
    got.validate(full=True)
    assert got.column("store_id").to_pylist() == want_ids and store.read_snapshot_meta(path)["rows"] == 963
    assert _leftovers() == []  # no half-written folder, no temporary folder
    assert not snapshot_files.structures_ready(path)

    monkeypatch.undo()  # the real builder again, spied on: the first store set builds the files lazily
    calls = []
    real = snapshot_files.write_structures_from_parquet
    monkeypatch.setattr(snapshot_files, "write_structures_from_parquet",
                        lambda p, folder, **kw: (calls.append(p), real(p, folder, **kw))[1])
    s = snapshots.get_store_set("2026Q1")
    assert calls == [path] and snapshot_files.structures_ready(path)
    assert isinstance(s.structures.grid.xs.base, np.memmap)
    memory = store.StoreSet(snapshots.real_extract("hoegidong"), s.snapshot)
    xy = memory.xy
    for j in range(0, len(xy), 97):
        for level in ("major", "minor"):
            a, la = s.code_counts_within(float(xy[j, 0]), float(xy[j, 1]), 400.0, level)
            m, lm = memory.code_counts_within(float(xy[j, 0]), float(xy[j, 1]), 400.0, level)
            assert a.tolist() == m.tolist() and list(la) == list(lm)


def test_a_killed_builds_temporary_folder_is_removed_by_the_next_build(db_url, fixture_data):
    root = snapshot_files.structures_root()
    dead = root / ".2026Q1-0123456789abcdef.999999999.0badf00d.tmp"  # no process 999999999
    (dead / "sub").mkdir(parents=True)
    import_sangga_files([fixture_data / HOEGI], snapshot="2026Q1")
    assert not dead.exists()
    assert _leftovers() == [snapshot_files.structures_dir(store.snapshot_path("2026Q1")).name]


# ------------------------------------------------------------------------------------------------ web
@pytest.fixture
def client(db_url):
    from moduai.web.app import create_app
    from tests.helpers_auth import login_as

    c = TestClient(create_app())
    login_as(c, "operator")
    return c


def _upload(client, fixture_data, snapshot="2026Q1", **kw):
    from tests.helpers_web import post

    data = (fixture_data / HOEGI).read_bytes()
    return post(client, "/commerce/data", page="/commerce/data",
                files=[("files", ("hoegidong.csv", data, "text/csv"))], data={"snapshot": snapshot}, **kw)


def test_web_upload_job_builds_the_files_and_the_page_says_so(client, fixture_data, builds):
    r = _upload(client, fixture_data)
    assert r.status_code == 200, r.text
    assert 'id="import-report"' in r.text and 'data-structures="built"' in r.text
    assert "2026Q1의 분석용 색인 파일을 만들었습니다" in r.text
    path = store.snapshot_path("2026Q1")
    assert snapshot_files.structures_ready(path) and builds == [str(path)]
    # the API import (in the request) builds them too, and says so in its JSON
    from tests.helpers_web import csrf_headers

    data = (fixture_data / "sangga/gangwon_first200.csv").read_bytes()
    doc = client.post("/api/v1/commerce/import", files=[("files", ("g_2024q1.csv", data, "text/csv"))],
                      headers=csrf_headers(client)).json()
    assert [(b["snapshot"], b["status"]) for b in doc["structures"]] == [("2024Q1", "built")]
    assert snapshot_files.structures_ready(store.snapshot_path("2024Q1"))


def test_a_long_upload_shows_the_build_as_the_second_step_of_its_job(client, fixture_data, monkeypatch):
    from moduai.jobs import get_runner
    from moduai.web.routes import commerce_data as route

    monkeypatch.setattr(route, "UPLOAD_INLINE_WAIT_S", 0.0)
    in_build, release = threading.Event(), threading.Event()
    real = snapshot_files.write_structures_from_parquet

    def held(parquet_path, folder, *, progress=None):
        def step(done, total):
            progress(done, total)
            if done == 10:
                in_build.set()
                assert release.wait(30)

        return real(parquet_path, folder, progress=step)

    monkeypatch.setattr(snapshot_files, "write_structures_from_parquet", held)
    r = _upload(client, fixture_data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    job_id = r.headers["location"].rsplit("/", 1)[1]
    try:
        assert in_build.wait(30)
        state = client.get(f"/api/v1/jobs/{job_id}").json()
        assert state["status"] == "running"
        total = snapshot_files.build_steps() + 1  # + the 읍면동 profile
        assert state["note"] == f"2/2단계: 상권 보고서가 바로 열 분석용 색인 파일을 만드는 중입니다 (10/{total})."
        assert state["progress"] == pytest.approx(0.6 + 0.4 * 10 / total, abs=1e-4)
        page = client.get(f"/jobs/{job_id}").text
        assert "처리 중" in page and "2/2단계" in page and "분석용 색인 파일" in page
    finally:
        release.set()
    job = get_runner().wait(job_id, 30)
    assert job.status == "done" and job.result_url == f"/commerce/data?job={job_id}"
    assert "963행 저장" in job.note and "분석용 색인 파일을 만들었습니다" in job.note
    page = client.get(job.result_url)
    assert page.status_code == 200 and 'id="import-report"' in page.text and 'data-structures="built"' in page.text
    assert snapshot_files.structures_ready(store.snapshot_path("2026Q1"))
    # another operator does not see this job's report on the page
    from tests.helpers_auth import login_as

    login_as(client, "operator", "other-operator@example.kr")
    assert 'id="import-report"' not in client.get(job.result_url).text


def test_web_upload_with_a_failed_build_still_imports(client, fixture_data, monkeypatch):
    _failing_build(monkeypatch)
    r = _upload(client, fixture_data)
    assert r.status_code == 200
    assert "963행을 저장했고" in r.text and 'data-structures="failed"' in r.text
    assert "오류 번호" in r.text
    assert _leftovers() == [] and store.snapshot_path("2026Q1").exists()


def test_structures_ready_is_false_until_the_folder_is_complete(tmp_path, fixture_data, db_url):
    import_sangga_files([fixture_data / HOEGI], snapshot="2026Q1", structures=False)
    path = store.snapshot_path("2026Q1")
    assert not snapshot_files.structures_ready(path)
    folder = snapshot_files.build_snapshot_structures(path)
    assert snapshot_files.structures_ready(path)
    time.sleep(0.01)
    os.utime(path, ns=(time.time_ns(), time.time_ns()))  # a newer file: its folder is another one
    assert not snapshot_files.structures_ready(path) and folder.exists()


def test_a_report_arriving_during_another_processs_build_waits_for_its_files(db_url, fixture_data, builds):
    """Builders of one snapshot take turns on a file lock: the second finds the first one's folder and builds
    nothing (on the national set, two builds at once would need twice the memory)."""
    import fcntl

    import_sangga_files([fixture_data / HOEGI], snapshot="2026Q1", structures=False)
    path = store.snapshot_path("2026Q1")
    root = snapshot_files.structures_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".2026Q1.lock", "a+") as other:  # another process's build holds the lock
        fcntl.flock(other, fcntl.LOCK_EX)
        got: list = []
        waiter = threading.Thread(target=lambda: got.append(snapshots.get_store_set("2026Q1")))
        waiter.start()
        time.sleep(0.3)
        assert waiter.is_alive() and not got  # waiting for its turn, not building
        target = snapshot_files.structures_dir(path)  # the other process writes its folder and lets go
        tmp = root / ".other-build"
        builds.clear()
        snapshot_files.write_structures_from_parquet(path, tmp)
        os.rename(tmp, target)
        builds.clear()
        fcntl.flock(other, fcntl.LOCK_UN)
    waiter.join(30)
    assert got and got[0].structures.folder == target and len(got[0]) == 963
    assert builds == []  # the waiting one opened the other's files


def test_the_import_stores_the_dong_profile_so_the_first_report_reads_it(db_url, fixture_data, monkeypatch):
    """The store→읍면동 profile of the saturation analysis is written by the import, next to the structures, equal
    to a fresh computation; a new process then reads it instead of computing it.  A failure to write it only
    costs that first report the computation (the import is stored and reported built all the same), and the next
    import of the snapshot writes it."""
    from moduai.commerce import saturation
    from moduai.commerce.demand import load_dong_demand

    def profiles() -> list[str]:
        return [p.name for p in snapshot_files.structures_dir(store.snapshot_path("2026Q1")).glob("dongprofile-*")]

    from moduai.commerce import importer

    monkeypatch.setattr(importer, "stored_dong_store_profile", lambda *_a: (_ for _ in ()).throw(OSError("disk")))
    report = import_sangga_files([fixture_data / HOEGI], snapshot="2026Q1")
    assert [b.status for b in report.structures] == ["built"] and report.rows_ok == 963
    assert profiles() == []
    monkeypatch.undo()
    again = import_sangga_files([fixture_data / HOEGI], snapshot="2026Q1")
    assert again.already_imported and [b.status for b in again.structures] == ["ready"]
    assert len([n for n in profiles() if n.endswith(".complete")]) == 1

    fresh = saturation._dong_store_profile(snapshots.get_store_set("2026Q1"))
    dongs, per_dong = np.unique(np.asarray(fresh.dong_of_store), return_counts=True)
    assert per_dong.tolist() == [963]  # every row of the 회기동 file, in one census 읍면동: 동대문구 회기동
    census = load_dong_demand()
    assert (census.sigungu_code[dongs[0]], census.name[dongs[0]]) == ("11230", "서울특별시 동대문구 회기동")
    snapshots.clear_cache()  # a new process
    monkeypatch.setattr(saturation, "_dong_store_profile", lambda *_a: pytest.fail("computed again"))
    stored = saturation.dong_store_profile(snapshots.get_store_set("2026Q1"))
    for f in ("dong_of_store", "minor_codes", "counts", "totals", "covered"):
        assert np.array_equal(np.asarray(getattr(stored, f)), np.asarray(getattr(fresh, f))), f
