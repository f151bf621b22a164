"""The KDT loader: parsing traps, the cut-off decided from the file, spine codes."""

import datetime as dt

import pandas as pd
import pytest

from moduai.talent import kdt


def test_parsers_handle_commas_spaces_percent_and_div0():
    assert kdt.parse_money(" 9,140,160 ") == 9140160
    assert kdt.parse_money(" - ") is None
    assert kdt.parse_rate("76%") == pytest.approx(0.76)
    assert kdt.parse_rate("#DIV/0!") is None
    assert kdt.parse_rate("0%") == 0.0
    assert kdt.parse_date("2021.01.04") == dt.date(2021, 1, 4)
    with pytest.raises(ValueError):
        kdt.parse_money("구백만")


def test_cutoff_is_decided_from_the_file_and_recent_runs_are_not_measured():
    runs = kdt.load_runs()
    assert len(runs) == 6523
    assert runs.attrs["cutoff"] == dt.date(2025, 12, 31)
    # a run ending 2025-08 has "0%" at 6 months in the file: not measured, so NaN, never 0
    late = runs[(runs.end >= "2025-07-01") & (runs.end <= "2025-09-30")]
    assert len(late) > 0 and late.emp6.isna().all() and not late.measured6.any()
    assert late.measured3.all() or late.emp3_raw.isna().any()
    # runs ending after the cut-off: 수료 not known yet
    assert runs[runs.end > "2025-12-31"].graduates.isna().all()
    assert runs[runs.end <= "2025-06-30"].measured6.mean() > 0.99


def test_regions_map_to_spine_codes_and_groups():
    runs = kdt.load_runs()
    row = runs[runs.region_text == "서울 관악구"].iloc[0]
    assert (row.sido_code, row.sigungu_code, row.mega, row.capital) == ("11", "11620", "수도권", True)
    daegu = runs[runs.region_text.str.startswith("대구")].iloc[0]
    assert daegu.mega == "대경권" and not daegu.capital
    counts = runs.groupby("sido_code").size()
    assert counts["11"] == 4718 and counts["41"] == 816 and counts["26"] == 235  # the README's figures
    assert runs.institution.nunique() == 297 and runs.course_id.nunique() == 1144


def test_money_column_parsed_against_the_raw_text():
    raw = kdt.read_raw()
    runs = kdt.load_runs()
    expected = pd.to_numeric(raw["훈련비"].str.replace(",", "").str.strip())
    assert (runs.fee.astype("int64") == expected.astype("int64")).all()
