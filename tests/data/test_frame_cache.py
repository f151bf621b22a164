"""Tables and figures kept on disk between processes: the stored answer equals the fresh computation on the
real bundled rows, a second process reads instead of computing, and a changed input misses."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest

from moduai.data import frame_cache as FC
from moduai.data import population as P

# these tests are about the home's own cache; the copies shipped in the package: test_shipped_derived.py
pytestmark = pytest.mark.usefixtures("no_shipped_derived")


def _frames(home):
    return sorted(p.name for p in (home / "cache" / "frames").glob("*.parquet"))


def test_cached_frame_reads_what_it_stored_and_recomputes_a_damaged_file(_isolated_home):
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"code": ["11", "26"], "year": [2024, 2024], "value": [9.5, float("nan")]})

    first = FC.cached_frame("t", "k1", compute)
    second = FC.cached_frame("t", "k1", compute)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, second)
    FC.cached_frame("t", "k2", compute)  # another key: computed again
    assert len(calls) == 2
    (FC.cache_folder() / "t-k1.parquet").write_bytes(b"not parquet")
    pd.testing.assert_frame_equal(FC.cached_frame("t", "k1", compute), first)
    assert len(calls) == 3
    with pytest.raises(ValueError):
        FC.cached_frame("bad", "k", lambda: pd.DataFrame({"a": [1]}, index=[5]))


@pytest.mark.parametrize(("name", "cached", "fresh"), [
    ("mois_age_sex", lambda: P.mois_age_sex.__wrapped__(), P._parse_mois_age_sex),
    ("kosis_age_sex-0", lambda: P.kosis_age_sex.__wrapped__(False), lambda: P._parse_kosis_age_sex(False)),
    ("kosis_age_sex-1", lambda: P.kosis_age_sex.__wrapped__(True), lambda: P._parse_kosis_age_sex(True)),
    ("age_sex-auto", lambda: P._age_sex_table.__wrapped__("auto"), lambda: P._compute_age_sex_table("auto")),
    ("age_sex-mois", lambda: P._age_sex_table.__wrapped__("mois"), lambda: P._compute_age_sex_table("mois")),
    ("decline_index-auto", lambda: P.decline_index_table.__wrapped__("auto"),
     lambda: P._compute_decline_index_table("auto")),
    ("decline_index-kosis", lambda: P.decline_index_table.__wrapped__("kosis"),
     lambda: P._compute_decline_index_table("kosis")),
])
def test_population_tables_from_disk_equal_the_fresh_parse(_isolated_home, name, cached, fresh):
    stored = cached()  # computes and writes
    assert any(f.startswith(name + "-") for f in _frames(_isolated_home))
    again = cached()  # reads the file
    expected = fresh()
    pd.testing.assert_frame_equal(stored, expected)
    pd.testing.assert_frame_equal(again, expected)
    assert len(expected) > 1000


def test_repeated_years_from_disk_equal_the_fresh_scan(_isolated_home):
    for source in ("kosis", "mois"):
        fresh = P._repeated_years(source)
        assert P.repeated_years.__wrapped__(source) == fresh
        assert P.repeated_years.__wrapped__(source) == fresh  # second: from the file
    # the atlas copies 군위군 2015–2023 and 미추홀구 2015–2018 (module docstring of repeated_years)
    assert ("27720", 2015) in P._repeated_years("kosis") and ("28177", 2018) in P._repeated_years("kosis")


def test_a_second_process_reads_the_decline_table_instead_of_parsing(_isolated_home, monkeypatch):
    expected = P.decline_index_table.__wrapped__("auto")

    def parse_again(*_):
        raise AssertionError("parsed although a stored table exists")

    monkeypatch.setattr(P, "_parse_mois_age_sex", parse_again)
    monkeypatch.setattr(P, "_parse_kosis_age_sex", parse_again)
    monkeypatch.setattr(P, "_compute_decline_index_table", parse_again)
    pd.testing.assert_frame_equal(P.decline_index_table.__wrapped__("auto"), expected)
    # the 지방소멸위험지수 of 전국 2024 (docstring of decline_index: 0.588) from the stored table
    row = expected[(expected.code == "00") & (expected.year == 2024)].iloc[0]
    assert round(row.women_20_39 / row.residents_65_plus, 3) == 0.588


def test_a_changed_source_or_recode_changes_the_key(tmp_path):
    copy = tmp_path / P.MOIS_FILE.name
    shutil.copy(P.MOIS_FILE, copy)
    before = P._cache_key(copy)
    assert before == P._cache_key(copy)
    data = bytearray(copy.read_bytes())
    data[-2] = ord("7") if data[-2] != ord("7") else ord("8")
    copy.write_bytes(bytes(data))
    assert P._cache_key(copy) != before
    # what to_current_code follows depends on the date: before 2026-07-01 the 인천 split is not in force
    from moduai.regions.spine import history_state

    assert history_state(dt.date(2020, 1, 1)) != history_state(dt.date(2030, 1, 1))
    assert FC.content_key([copy], history_state(dt.date(2020, 1, 1))) != FC.content_key(
        [copy], history_state(dt.date(2030, 1, 1)))


def test_registered_residents_equal_the_age_table_sums():
    a = P.age_sex_table("auto")
    checked = 0
    for (level, year), sel in a.groupby(["level", "year"]):
        pd.testing.assert_series_equal(P.registered_residents(level, int(year)), sel.groupby("code")["value"].sum())
        checked += 1
    assert checked >= 30
    assert P.registered_residents("sigungu", 1990).empty
    # callers get their own Series
    s = P.registered_residents("sido", 2024)
    s.iloc[0] = -1
    assert P.registered_residents("sido", 2024).iloc[0] != -1


def test_pysal_check_from_disk_equals_pysal(_isolated_home, monkeypatch):
    from moduai.balance import disparity as D

    values = P.decline_index_table("auto")
    sel = values[(values.level == "sigungu") & (values.year == 2024)]
    y = sel["index"].to_numpy(dtype=float)
    groups = sel["code"].str[:2].to_numpy()
    codes, _ = pd.factorize(groups)
    expected = D._pysal_fresh(np.ascontiguousarray(y), codes)
    first = D._pysal(y, groups)
    assert [first.gini, first.theil_total, first.theil_between] == expected
    assert list((_isolated_home / "cache" / "numbers").glob("pysal-*.json"))

    def no_pysal(*_):
        raise AssertionError("PySAL ran although the figures are stored")

    monkeypatch.setattr(D, "_pysal_fresh", no_pysal)
    second = D._pysal(y, groups)
    assert [second.gini, second.theil_total, second.theil_between] == expected
    with pytest.raises(AssertionError):  # other values: another key, computed
        D._pysal(y[::-1].copy(), groups)
