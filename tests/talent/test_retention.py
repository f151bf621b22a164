"""Retention in region: hand-checked rows, censoring never counted as staying or leaving."""

import pandas as pd
import pytest

from moduai.errors import ImportRejected
from moduai.talent import retention as R


def rows():
    return pd.DataFrame([
        # stayed: checked 3.5 years later, still employed in 광주 → retained at 1 and 3 years
        {"훈련생ID": "a", "프로그램": "부트캠프", "배정지역": "광주 북구", "배정일": "2021-03-01", "상태확인일": "2024-09-01",
         "재직": "예", "현재지역": "광주 서구", "변동일": ""},
        # moved to 서울 after 2 years → retained at 1 year, left at 3 years
        {"훈련생ID": "b", "프로그램": "부트캠프", "배정지역": "광주", "배정일": "2021-03-01", "상태확인일": "2024-09-01",
         "재직": "예", "현재지역": "서울", "변동일": "2023-03-01"},
        # checked after 8 months, still there → unknown at both horizons (censored)
        {"훈련생ID": "c", "프로그램": "인턴십", "배정지역": "부산", "배정일": "2025-01-01", "상태확인일": "2025-09-01",
         "재직": "예", "현재지역": "부산", "변동일": ""},
        # quit within 6 months, no change date, checked at 10 months → left at 1 and 3 years
        {"훈련생ID": "d", "프로그램": "인턴십", "배정지역": "부산", "배정일": "2024-01-01", "상태확인일": "2024-11-01",
         "재직": "아니오", "현재지역": "부산", "변동일": ""},
        # quit, checked 2 years later without a date → 1-year status unknown (might have left after a year)
        {"훈련생ID": "e", "프로그램": "인턴십", "배정지역": "부산", "배정일": "2022-01-01", "상태확인일": "2024-01-01",
         "재직": "아니오", "현재지역": "부산", "변동일": ""},
    ])


def test_hand_checked_statuses_and_rates():
    r = R.retention(rows())
    prog = {x.key: x for x in r.by_program}
    assert (prog["부트캠프"].observed_1y, prog["부트캠프"].retained_1y) == (2, 2)
    assert (prog["부트캠프"].observed_3y, prog["부트캠프"].retained_3y) == (2, 1)
    assert (prog["인턴십"].observed_1y, prog["인턴십"].retained_1y, prog["인턴십"].unknown_1y) == (1, 0, 2)
    assert r.total.rate_1y == pytest.approx(2 / 3) and r.total.unknown_1y == 2
    region = {x.label: x for x in r.by_region}
    assert region["광주광역시"].rate_3y == 0.5
    assert {x.label for x in r.by_megaregion} == {"호남권", "동남권"}


def test_bad_rows_are_all_reported():
    df = rows()
    df.loc[0, "배정일"] = "2021-13-01"
    df.loc[2, "재직"] = "글쎄"
    df.loc[3, "변동일"] = "2023-01-01"  # before 배정일
    with pytest.raises(ImportRejected) as err:
        R.retention(df)
    assert [x.line for x in err.value.rows] == [2, 4, 5]


def test_synthetic_placements_are_labelled():
    df = R.synthetic_placements(300, seed=2)
    r = R.retention(df)
    assert "합성 자료입니다." in r.rules and r.sources == ["talent-synthetic-cohort"]
    assert 0 < r.total.rate_1y < 1 and r.total.placements == 300
