"""Snapshot ids are looked up in the registry, never joined into paths; the store-set cache is bounded."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from moduai.commerce import snapshots, store
from moduai.errors import InputError, NotFound

SRC = Path(__file__).resolve().parents[2] / "src" / "moduai"


def _tiny_parquet(path: Path, rows: int = 3) -> None:
    """A valid store file (the 회기동 real rows, cut short) written where an attacker would point."""
    frame = snapshots.real_extract("hoegidong").head(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path)


@pytest.fixture(autouse=True)
def _fresh_cache():
    snapshots.clear_cache()
    yield
    snapshots.clear_cache()


@pytest.mark.parametrize("spelling", [
    "../../secret", "../secret", "<abs>/secret", "imports/../secret", "..\\secret", "secret/..", "./secret",
    "%2e%2e/secret",
])
def test_a_path_is_an_unknown_snapshot_not_a_file_read(spelling, tmp_path, monkeypatch):
    # a perfectly loadable Parquet file sits at every place the spelling could reach
    d = store.snapshot_dir()
    for target in (tmp_path / "secret.parquet", d.parent / "secret.parquet", d.parent.parent / "secret.parquet",
                   d / "secret.parquet.parquet"):
        _tiny_parquet(target)
    monkeypatch.chdir(tmp_path)
    spelling = spelling.replace("<abs>", str(tmp_path))
    with pytest.raises(NotFound) as e:
        snapshots.get_store_set(spelling)
    assert e.value.field == "snapshot"
    assert "스냅샷" in e.value.message and "없습니다" in e.value.message
    assert snapshots.cache_size() == 0


def test_snapshot_path_refuses_anything_but_a_plain_name():
    assert store.snapshot_path("2024Q1").name == "2024Q1.parquet"
    for bad in ("../x", "/etc/passwd", "a/b", "a.b", "", " 2024Q1", "x" * 65):
        with pytest.raises(InputError) as e:
            store.snapshot_path(bad)
        assert e.value.field == "snapshot"


def test_no_module_joins_a_snapshot_id_into_a_path_itself():
    """Only store.snapshot_path builds a snapshot file name; everybody else goes through it."""
    offenders = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and any(
                isinstance(v, ast.Constant) and ".parquet" in str(v.value) for v in node.values
            ) and any(isinstance(v, ast.FormattedValue) and "snapshot" in ast.unparse(v.value).lower()
                      for v in node.values):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert len(offenders) == 1 and offenders[0].startswith("commerce/store.py:")


def test_eight_spellings_of_unknown_ids_add_nothing_to_the_cache():
    for spelling in ("2024q1", " 2024Q1x", "2024Q1/", "2024Q1.parquet", "../2024Q1", "2024Q1\x00", "default/",
                     "DEFAULT"):
        with pytest.raises((NotFound, InputError)):
            snapshots.get_store_set(spelling)
    assert snapshots.cache_size() == 0


def test_the_cache_keeps_at_most_maxsize_sets_and_evicts_the_least_recent(monkeypatch):
    n = snapshots.CACHE_MAXSIZE + 4
    for i in range(n):
        _tiny_parquet(store.snapshot_path(f"20{10 + i}Q1"), rows=2 + i)
    loaded = [snapshots.get_store_set(f"20{10 + i}Q1") for i in range(n)]
    assert [len(s.frame) for s in loaded] == [2 + i for i in range(n)]
    assert snapshots.cache_size() == snapshots.CACHE_MAXSIZE
    # the most recent ones are still the same objects; the oldest one was evicted and is read again
    newest = f"20{10 + n - 1}Q1"
    assert snapshots.get_store_set(newest) is loaded[-1]
    assert snapshots.get_store_set("2010Q1") is not loaded[0]
    assert snapshots.cache_size() == snapshots.CACHE_MAXSIZE


def test_spaces_around_a_registered_id_are_the_same_entry():
    a = snapshots.get_store_set(store.GANGWON_SNAPSHOT)
    assert snapshots.get_store_set(f"  {store.GANGWON_SNAPSHOT} ") is a
    assert snapshots.cache_size() == 1


def test_a_removed_import_is_forgotten():
    p = store.snapshot_path("2030Q2")
    _tiny_parquet(p)
    assert len(snapshots.get_store_set("2030Q2").frame) == 3
    p.unlink()
    with pytest.raises(NotFound):
        snapshots.get_store_set("2030Q2")


def test_the_frame_cache_is_one_bounded_lru():
    import pandas as pd

    frames = [pd.DataFrame({"a": [i]}) for i in range(store.FRAME_CACHE_MAXSIZE + 10)]
    calls = []
    for f in frames:
        store.frame_cache(f, "t", lambda f=f: calls.append(1) or len(f))
    assert store.frame_cache_size() <= store.FRAME_CACHE_MAXSIZE
    n = len(calls)
    assert store.frame_cache(frames[-1], "t", lambda: calls.append(1)) == 1 and len(calls) == n  # a hit


@pytest.mark.parametrize("spelling", ["../../etc/passwd", "/etc/passwd"])
def test_the_api_answers_a_korean_404_for_a_path(spelling):
    from fastapi.testclient import TestClient

    from moduai.web.app import create_app

    r = TestClient(create_app()).get("/api/v1/commerce/report", params={
        "lat": 37.5898, "lon": 127.0579, "radius": 500, "category": "카페", "snapshot": spelling})
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["field"] == "snapshot" and "스냅샷" in err["message"] and "없습니다" in err["message"]
    assert snapshots.cache_size() == 0
