"""The synthetic store generator: deterministic, calibrated on the real rows, honest in every field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from moduai.commerce import generator, snapshots, store
from moduai.commerce.sangga_csv import read_sangga_frame

UNIT = "37011"  # 포항시 남구 (통계청)


@pytest.fixture(scope="module")
def pohang():
    return generator.generate_unit(UNIT)


def test_same_seed_same_rows_other_seed_other_rows(pohang):
    again = generator.generate_unit(UNIT)
    pd.testing.assert_frame_equal(pohang, again)
    other = generator.generate_unit(UNIT, seed=7)
    assert len(other) != len(pohang) or not np.array_equal(other["x"].to_numpy(), pohang["x"].to_numpy())


def test_calibration_counts_are_the_real_rows(fixture_data):
    cal = generator.calibration()
    real = pd.concat([
        pd.read_csv(fixture_data / "sangga/seoul_dongdaemun_hoegidong_2026q1.csv", dtype=str, encoding="utf-8-sig"),
        pd.read_csv(fixture_data / "sangga/gangwon_first200.csv", dtype=str),
    ])
    rural = real["행정동명"].str.endswith(("읍", "면"))
    assert cal.real_counts_urban.sum() == (~rural).sum() == 1066
    assert cal.real_counts_rural.sum() == rural.sum() == 97
    table = cal.frame().set_index("minor_code")
    expected = real.loc[~rural, "상권업종소분류코드"].value_counts()
    assert table.loc[expected.index, "real_count_dong"].tolist() == expected.tolist()
    np.testing.assert_allclose(cal.urban_p.sum(), 1.0)
    np.testing.assert_allclose(cal.rural_p.sum(), 1.0)
    # add-½ smoothing: an 업종 seen k times among 1,066 urban rows gets (k + ½) / (1,066 + 247 × ½)
    k = int(expected["I21201"])
    assert table.loc["I21201", "share_dong"] == pytest.approx((k + 0.5) / (1066 + 247 * 0.5))


def test_generated_mix_matches_the_calibration(pohang):
    cal = generator.calibration()
    rural = pohang["adm_dong_name"].str.endswith(("읍", "면")).to_numpy()
    expected = (~rural).sum() * cal.urban_p + rural.sum() * cal.rural_p
    exp_major = pd.Series(expected, index=pd.Index(cal.minor_codes).str[:2]).groupby(level=0).sum()
    got_major = pohang["major_code"].value_counts().reindex(exp_major.index, fill_value=0)
    # total variation distance between generated and calibrated 대분류 shares, n ≈ 11,000
    tvd = 0.5 * np.abs(got_major / got_major.sum() - exp_major / exp_major.sum()).sum()
    assert tvd < 0.02
    # and a chi-square test on the 대분류 counts does not reject at 0.1 %
    from scipy.stats import chisquare

    assert chisquare(got_major.to_numpy(), exp_major.to_numpy() * got_major.sum() / exp_major.sum()).pvalue > 0.001


def test_counts_follow_population(pohang):
    g = generator.census_units()
    part = g[g["unit"] == UNIT]
    expected = (part["pop"] * generator.national_rate()).sum()
    # Poisson total: within 4 standard deviations of the expectation
    assert abs(len(pohang) - expected) < 4 * np.sqrt(expected)
    assert generator.national_rate() * g["pop"].sum() == pytest.approx(generator.NATIONAL_TARGET)


def test_rows_lie_inside_their_eupmyeondong_and_carry_current_codes(pohang):
    g = generator.census_units()
    part = g[g["unit"] == UNIT].set_index("name")
    sample = pohang.sample(500, random_state=1)
    for name, grp in sample.groupby("adm_dong_name"):
        poly = part.loc[name, "geometry"]
        assert shapely.contains_xy(poly, grp["x"].to_numpy(), grp["y"].to_numpy()).all()
    assert pohang["synthetic"].all() and set(pohang["dataset"]) == {"sangga-synthetic"}
    assert pohang["sigungu_code"].isin(["47111", "47113", "47130", "47290"]).all()
    assert (pohang["legal_dong_code"].str[:5] == pohang["sigungu_code"]).all()
    assert (pohang["adm_dong_code"].str[:5] == pohang["sigungu_code"]).all()
    assert pohang["legal_dong_code"].str.len().eq(10).all() and pohang["adm_dong_code"].str.len().eq(8).all()
    assert set(pohang.loc[pohang["sigungu_code"] == "47111", "sigungu_name"]) == {"포항시 남구"}
    assert pohang["store_id"].is_unique and pohang["store_id"].str.len().eq(20).all()


def test_official_csv_round_trips_through_the_importer(pohang, tmp_path):
    official = generator.to_official_frame(pohang.head(300))
    assert list(official.columns) == list(store.OFFICIAL_COLUMNS)
    path = tmp_path / "synthetic_47_202601.csv"
    official.to_csv(path, index=False, encoding="cp949")
    frame, rejected, facts = read_sangga_frame(path, snapshot="2026Q1")
    assert rejected == [] and facts.encoding == "cp949"
    for col in ("store_id", "minor_code", "legal_dong_code", "sigungu_name", "jibun_address"):
        assert frame[col].tolist() == pohang.head(300)[col].tolist()
    np.testing.assert_allclose(frame["x"], pohang.head(300)["x"], atol=1e-3)


def test_units_file_writes_parquet_and_csv(tmp_path):
    r = generator.generate_units_file(["39020"], tmp_path / "jeju.parquet")  # 서귀포시
    s = store.load_store_set(tmp_path / "jeju.parquet")
    assert len(s) == r["rows"] > 1000 and s.snapshot.synthetic_rows == len(s)
    r = generator.generate_units_file(["39020"], tmp_path / "csv", fmt="csv")
    assert [p.split("/")[-1] for p in r["files"]] == ["synthetic_sangga_50_202601.csv"]


def test_hoegidong_is_not_generated():
    frame = generator.generate_unit("11060")
    assert (frame["adm_dong_name"] != "회기동").all()
    assert generator.expected_store_count("1106071") > 0  # it would have been, by population


def test_ensure_units_adds_a_whole_sigungu_to_the_default():
    s = snapshots.ensure_units(["39020"])  # 서귀포시
    f = s.frame
    part = f[f["sigungu_code"] == "50130"]
    assert len(part) > 1000 and part["synthetic"].all()
    before = len(f)
    snapshots.ensure_units(["39020"])  # idempotent
    assert len(s.frame) == before


def test_the_default_set_keeps_text_as_arrow_strings_with_the_units_values():
    """A generated unit joins the default set with its text columns as Arrow strings (≈ 4× less memory than
    Python strings), holding exactly the unit's values (missing → NA)."""
    snapshots.clear_cache()
    unit = generator.load_unit("39020")
    n0 = len(snapshots.get_store_set().frame)
    s = snapshots.ensure_units(["39020"])
    part = s.frame.iloc[n0:].reset_index(drop=True)
    text = [c for c in unit.columns if unit[c].dtype == object]
    assert "name" in text and "minor_code" in text
    assert set(part["snapshot"]) == {snapshots.DEFAULT_SNAPSHOT}  # the set's own id, not the unit's
    for c in text:
        assert s.frame[c].dtype == pd.StringDtype("pyarrow"), c
        if c == "snapshot":
            continue
        got = [None if v is pd.NA else v for v in part[c].tolist()]
        assert got == [None if v is None or v is pd.NA else v for v in unit[c].tolist()], c
    assert part["x"].tolist() == unit["x"].tolist()
    arrow_bytes = part[text].memory_usage(deep=True).sum()
    python_bytes = unit[text].memory_usage(deep=True).sum()
    assert arrow_bytes < python_bytes / 3


def test_generated_csv_imported_back_stays_synthetic(tmp_path):
    from moduai.commerce.importer import import_sangga_files

    r = generator.generate_units_file(["39020"], tmp_path / "csv", fmt="csv", encoding="cp949")
    rep = import_sangga_files([tmp_path / "csv"])
    assert rep.rows_ok == r["rows"] and rep.snapshot == "2026Q1"
    info = {i.id: i for i in snapshots.list_snapshots()}["2026Q1"]
    assert info.synthetic and info.synthetic_rows == info.rows == r["rows"]
    assert "sangga-synthetic" in info.sources
    frame = snapshots.get_store_set("2026Q1").frame
    assert frame["synthetic"].all() and set(frame["dataset"]) == {"sangga-synthetic"}


def test_a_generated_unit_is_cached_in_the_background_and_reads_back_equal(pohang, monkeypatch):
    """``load_unit`` answers before the cache file is written; once written it holds the same rows, and a
    second load reads it instead of generating (each test has its own MODUAI_HOME, so nothing is cached yet)."""
    path = generator.unit_cache_path(UNIT)
    assert not path.exists()
    first = generator.load_unit(UNIT)
    pd.testing.assert_frame_equal(first, pohang)
    generator.flush_unit_writes()
    assert path.exists()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
    monkeypatch.setattr(generator, "generate_unit", lambda *_a, **_k: pytest.fail("generated again"))
    pd.testing.assert_frame_equal(generator.load_unit(UNIT), pohang)


def test_shipped_units_are_the_default_reports():
    """The warm-up loads the shipped units: 동대문구 (회기동) and its neighbour 성북구, at today's key."""
    assert generator.shipped_units() == ["11060", "11080"]
    assert all(generator.shipped_unit_file(u) is not None for u in generator.shipped_units())


def test_the_cache_write_waits_for_the_gate(pohang, monkeypatch):
    """With a gate (the server's "no request in flight"), the unit is written only after the gate opens."""
    import threading

    opened = threading.Event()
    monkeypatch.setattr(generator, "WRITE_GATE", opened.wait)
    path = generator.unit_cache_path(UNIT)
    pd.testing.assert_frame_equal(generator.load_unit(UNIT), pohang)
    opened.wait(0.3)  # the writer is blocked on the gate meanwhile
    assert not path.exists()
    opened.set()
    generator.flush_unit_writes()
    pd.testing.assert_frame_equal(pd.read_parquet(path), pohang)


def test_arrow_text_loads_read_the_same_rows_from_every_copy(pohang, monkeypatch):
    """``arrow_text=True`` (the default store set's way) gives the rows of the plain load with text as Arrow
    strings, whether the unit is generated, read from the home's cache, or read from a damaged cache (which is
    regenerated, never trusted)."""
    from moduai.commerce.store import ARROW_TEXT, with_arrow_text

    text = [c for c in pohang.columns if pohang[c].dtype == object]
    assert "name" in text
    expected = with_arrow_text(pohang)
    generated = generator.load_unit(UNIT, arrow_text=True)
    assert all(generated[c].dtype == ARROW_TEXT for c in text)
    pd.testing.assert_frame_equal(generated, expected)
    generator.flush_unit_writes()
    path = generator.unit_cache_path(UNIT)
    real_generate = generator.generate_unit
    monkeypatch.setattr(generator, "generate_unit", lambda *_a, **_k: pytest.fail("generated again"))
    pd.testing.assert_frame_equal(generator.load_unit(UNIT, arrow_text=True), expected)
    path.write_bytes(b"not parquet")
    calls = []
    monkeypatch.setattr(generator, "generate_unit", lambda *a, **k: calls.append(a) or real_generate(*a, **k))
    pd.testing.assert_frame_equal(generator.load_unit(UNIT, arrow_text=True), expected)
    assert calls == [(UNIT, generator.DEFAULT_SEED)]
