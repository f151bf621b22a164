"""Reading messy logger files: every case is handled with a note, or refused naming the row and column."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from moduai.errors import ImportRejected, InputError
from moduai.fieldai.ingest import parse_times, profile, read_field_file
from moduai.fieldai.names import read_header


def _csv(text: str) -> bytes:
    return text.strip().encode("utf-8") + b"\n"


def _hourly(n: int = 48, start: str = "2026-01-01 00:00") -> pd.DataFrame:
    t = pd.date_range(start, periods=n, freq="h")
    return pd.DataFrame({"일시": t.strftime("%Y-%m-%d %H:%M"), "온도(℃)": np.round(10 + np.arange(n) * 0.1, 2)})


def test_shuffled_rows_are_sorted_and_the_note_says_how_many():
    df = _hourly(48)
    shuffled = df.sample(frac=1, random_state=3)
    out_of_order = int((pd.to_datetime(shuffled["일시"]).diff().dt.total_seconds() < 0).sum())
    data = read_field_file(shuffled.to_csv(index=False).encode(), "s.csv")
    assert data.out_of_order == out_of_order > 0
    assert data.frame.index.is_monotonic_increasing
    # values travel with their times: 10 + 0.1·hour
    hours = (data.frame.index - data.frame.index[0]) / pd.Timedelta(hours=1)
    np.testing.assert_allclose(data.frame["온도(℃)"].to_numpy(), 10 + 0.1 * hours.to_numpy(), atol=1e-9)
    assert any(f"{out_of_order:,}곳" in n and "정렬" in n for n in data.notes)


def test_mixed_date_formats_all_read_and_counted():
    raw = _csv("""
time,temp
2020-05-04 00:00,1
5/4/20 1:00,2
2020년 5월 4일 2시,3
2020-05-04 오후 3:00:00,4
2020-05-04T06:00:00+09:00,5
2020-05-03T22:00:00Z,6
43955.375,7
2020.05.04 08:00,8
""")
    data = read_field_file(raw, "mixed.csv")
    assert all(t.strftime("%Y-%m-%d") == "2020-05-04" for t in data.frame.index)
    # 06(+09:00), 07(Z → KST), 09(Excel 43955.375), 15(오후 3시)
    by_value = dict(zip(data.frame["temp"].astype(int), [t.strftime("%H:%M") for t in data.frame.index]))
    assert by_value == {1: "00:00", 2: "01:00", 3: "02:00", 4: "15:00", 5: "06:00", 6: "07:00", 7: "09:00", 8: "08:00"}
    assert set(data.time_formats) == {"iso", "mdy", "korean", "ampm", "iso_tz", "excel", "ymd"}
    assert any("날짜 형식이 섞여" in n for n in data.notes)
    assert any("KST" in n for n in data.notes)


def test_day_first_slash_dates_when_a_first_field_exceeds_12():
    t, used = parse_times(pd.Series(["13/05/2020 10:00", "01/06/2020 10:00"]))
    assert [x.strftime("%Y-%m-%d") for x in t] == ["2020-05-13", "2020-06-01"]
    assert used == {"dmy": 2}


def test_unit_row_under_the_header_is_taken_as_units():
    raw = _csv("""
일시,온도,습도,CO2,일사량
,℃,%,ppm,W/m2
2026-01-01 00:00,12.5,80,650,0
2026-01-01 00:10,12.4,81,655,0
2026-01-01 00:20,12.3,82,660,0
""")
    data = read_field_file(raw, "u.csv")
    assert [data.unit(c) for c in data.sensors] == ["°C", "%", "ppm", "W/m²"]
    assert len(data.frame) == 3 and data.frame["온도"].tolist() == [12.5, 12.4, 12.3]
    assert data.frame.attrs["lines"].tolist() == [3, 4, 5]  # file lines: header 1, unit row 2
    assert any("단위 행" in n for n in data.notes)


def test_thirty_percent_missing_is_handled_and_reported_exactly():
    df = _hourly(100)
    df["습도(%)"] = np.arange(100, dtype=float)
    rng = np.random.default_rng(0)
    holes = rng.choice(100, 30, replace=False)
    df.loc[holes, "습도(%)"] = np.nan
    df["CO2(ppm)"] = 400.0
    df.loc[:69, "CO2(ppm)"] = np.nan  # 70 % empty: left out
    data = read_field_file(df.to_csv(index=False).encode(), "m.csv")
    p = profile(data)
    hum = next(s for s in p.sensors if s.name == "습도(%)")
    assert hum.missing == 30 and hum.missing_share == pytest.approx(0.30)
    assert "CO2(ppm)" in p.excluded and "70%" in p.excluded["CO2(ppm)"]
    assert any("습도는 30%가 비어" in n for n in p.notes)


def test_too_many_unreadable_times_refuse_the_file_naming_rows_and_column():
    df = _hourly(50)
    df.loc[[3, 10], "일시"] = ["어제 오후", "2026-13-45 99:99"]
    with pytest.raises(ImportRejected) as err:
        read_field_file(df.to_csv(index=False).encode(), "bad.csv")
    e = err.value
    assert [r.line for r in e.rows] == [5, 12]  # data row i is file line i + 2
    assert e.rows[0].value == "어제 오후" and "'일시' 열" in e.rows[0].reason
    assert "5행 '어제 오후'" in e.message and "일시는" in e.message


def test_a_few_unreadable_times_are_dropped_with_their_rows_named():
    df = _hourly(300)
    df.loc[7, "일시"] = "측정 오류"
    data = read_field_file(df.to_csv(index=False).encode(), "few.csv")
    assert len(data.frame) == 299
    assert any("9행 '측정 오류'" in n for n in data.notes)


def test_numbers_with_units_thousands_and_junk_cells():
    raw = _csv("""
timestamp,temp,power
2026-01-01 00:00,23.5℃,"1,200"
2026-01-01 01:00,23.7 °C,"1,250"
2026-01-01 02:00,err,"1,300"
2026-01-01 03:00,24.0,-
""")
    data = read_field_file(raw, "n.csv")
    assert data.frame["temp"].tolist()[:2] == [23.5, 23.7] and np.isnan(data.frame["temp"].iloc[2])
    assert data.frame["power"].tolist()[:3] == [1200, 1250, 1300] and np.isnan(data.frame["power"].iloc[3])
    assert any("'temp' 열 1칸(예: 4행 'err')" in n for n in data.notes)


def test_duplicates_dropped_and_same_time_averaged():
    rows = [f"2026-01-01 {h:02d}:00,{h}" for h in range(10)]
    rows.insert(1, "2026-01-01 00:00,0")  # exact duplicate of the first row
    rows.insert(4, "2026-01-01 02:00,4")  # same time as 02:00 (value 2), a different value
    data = read_field_file(("time,v\n" + "\n".join(rows) + "\n").encode(), "d.csv")
    assert not data.event_data
    assert data.duplicates_dropped == 1 and data.times_averaged == 1
    assert data.frame["v"].tolist() == [0, 1, 3, 3, 4, 5, 6, 7, 8, 9]  # 02:00 = (2 + 4) / 2


def test_xlsx_with_datetimes_and_excel_serials():
    t = pd.date_range("2026-03-01", periods=30, freq="30min")
    df = pd.DataFrame({"측정시간": list(t[:15]) + [(x - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1) for x in t[15:]],
                       "압력(bar)": np.linspace(1, 2, 30)})
    buf = io.BytesIO()
    df.to_excel(buf, index=False)
    data = read_field_file(buf.getvalue(), "plc.xlsx")
    assert list(data.frame.index) == list(t)
    assert data.unit("압력(bar)") == "bar" and data.interval_seconds == 1800


def test_no_time_column_is_refused_in_korean():
    with pytest.raises(InputError, match="시간 열을 찾지 못했습니다") as err:
        read_field_file(_csv("a,b\nx,1\ny,2"), "x.csv")
    assert err.value.field == "time_column"


def test_headers_give_korean_labels_units_and_roles():
    h = read_header("Mold_Temperature_4")
    assert (h.label, h.unit, h.unit_guessed, h.role) == ("금형온도4", "°C", True, "temperature")
    assert read_header("일사량(W/m2)").unit == "W/m²" and read_header("진동 [mm/s]").unit == "mm/s"
    assert read_header("Average_Screw_RPM").label == "평균스크루회전수"


def test_stuck_run_found_with_its_length():
    t = pd.date_range("2026-01-01", periods=200, freq="10min")
    v = 20 + np.sin(np.arange(200) / 5)
    v[50:80] = 21.37  # 30 samples = 4 h 50 min flat
    df = pd.DataFrame({"time": t.strftime("%Y-%m-%d %H:%M"), "temperature": v})
    p = profile(read_field_file(df.to_csv(index=False).encode(), "st.csv"))
    runs = p.sensors[0].stuck_runs
    assert len(runs) == 1 and runs[0].points == 30 and runs[0].hours == pytest.approx(29 * 10 / 60, abs=0.01)
    assert runs[0].start == "2026-01-01 08:20" and runs[0].value == 21.37


def test_real_files_profile(fix):
    nab = profile(read_field_file(fix / "nab" / "machine_temperature_system_failure.csv"))
    raw = pd.read_csv(fix / "nab" / "machine_temperature_system_failure.csv")
    assert nab.rows_read == len(raw) == 22695
    assert nab.interval_seconds == 300 and nab.interval_label == "5분"
    # NAB repeats one hour (2014-01-07 02:00–02:55): 12 times averaged, one place out of order
    assert nab.times_averaged == 12 and nab.out_of_order == 1 and nab.rows_used == 22683
    assert nab.sensors[0].min == pytest.approx(raw.value.min()) and nab.sensors[0].max == pytest.approx(raw.value.max())
    press = profile(read_field_file(fix / "kamp_press_2020-05_first5000.csv"))
    assert press.event_data and "id" in press.excluded and press.time_formats == {"월/일/연 (5/4/20 0:00)": 5000}
    cn7 = profile(read_field_file(fix / "kamp_injection_molding_cn7_labelled.csv"))
    assert cn7.label_counts == {"양품": 3946, "불량": 28} and "Reason" in cn7.category_columns


def test_numeric_times_send_no_missing_value_to_pandas(monkeypatch):
    """pandas casts float seconds to datetimes through an integer view under np.errstate(over="raise"): a NaN
    there became an undefined integer and now and then a FloatingPointError (seen once in a full run on the real
    CN7 file).  Only numbers in range reach it; the others are NaT without asking."""
    from moduai.fieldai import ingest

    seen = []
    real = pd.to_datetime

    def spy(arg, *a, **kw):
        seen.append(arg)
        return real(arg, *a, **kw)

    monkeypatch.setattr(ingest.pd, "to_datetime", spy)
    s = pd.Series(["1700000000", "abc", None, "45000.5", "1e5", "3999999999"])
    unix = ingest._parse_number(s, "unix")
    excel = ingest._parse_number(s, "excel")
    assert all(not a.isna().any() for a in seen) and [len(a) for a in seen] == [2, 1]
    # 1,700,000,000 s after 1970-01-01 UTC = 2023-11-14 22:13:20 UTC = 2023-11-15 07:13:20 in Seoul
    assert unix[0] == pd.Timestamp("2023-11-15 07:13:20") and unix[[1, 2, 3, 4]].isna().all()
    assert unix[5] == pd.Timestamp("2096-10-02 16:06:39")
    # Excel day 45,000.5 = 1899-12-30 + 45,000 days + 12 h = 2023-03-15 12:00
    assert excel[3] == pd.Timestamp("2023-03-15 12:00:00") and excel.drop(3).isna().all()
    assert pd.isna(ingest._parse_number(pd.Series(["x", None]), "unix")).all() and len(seen) == 2
