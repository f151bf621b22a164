"""Preferences from data: weighted lists, published company criteria, templates, imports, the 합성 cohort."""

import pandas as pd
import pytest

from moduai.errors import ImportRejected
from moduai.talent import preferences as P
from moduai.talent import synthetic as S


def slots_df():
    return pd.DataFrame([
        {"자리ID": "A", "기업명": "서울사", "지역": "서울 강남구", "분야": "인공지능", "월급(만원)": 350, "원격": "아니오", "정원": 1,
         "성적가중치": 1, "지역가점": 0, "분야가점": 5},
        {"자리ID": "B", "기업명": "광주사", "지역": "광주 북구", "분야": "인공지능", "월급(만원)": 250, "원격": "예", "정원": 1,
         "성적가중치": 1, "지역가점": 20, "분야가점": 0},
        {"자리ID": "C", "기업명": "부산사", "지역": "26", "분야": "빅데이터분석", "월급(만원)": 250, "원격": "아니오", "정원": 1,
         "성적가중치": 1, "지역가점": 0, "분야가점": 0},
    ])


def trainees_df():
    return pd.DataFrame([
        {"훈련생ID": "k1", "거주지역": "광주 서구", "희망분야": "인공지능", "성적": 70, "지망": "",
         "가중치_지역": 5, "가중치_분야": 3, "가중치_급여": 0, "가중치_원격": 0},
        {"훈련생ID": "k2", "거주지역": "서울", "희망분야": "인공지능", "성적": 80, "지망": "B;A",
         "가중치_지역": "", "가중치_분야": "", "가중치_급여": "", "가중치_원격": ""},
        {"훈련생ID": "k3", "거주지역": "부산", "희망분야": "빅데이터분석", "성적": 60, "지망": "",
         "가중치_지역": 0, "가중치_분야": 0, "가중치_급여": 4, "가중치_원격": 0},
    ])


def test_weights_produce_an_order_and_companies_score_by_their_criteria():
    mi = P.problem_from_tables(trainees_df(), slots_df(), seed=0)
    lists = P.lists_from_weights(mi.trainees, mi.slots, seed=0)
    assert lists["k1"] == ["B", "A"]  # own 시도 + 분야 (8) beats 분야 only (3); C scores 0 and is left out
    assert lists["k2"] == ["B", "A"]  # given list wins over weights
    assert lists["k3"][0] == "A"  # pay only: 350 beats 250; B and C tie at 0 pay and are dropped (score 0)
    scores = P.company_scores(mi.trainees, mi.slots)
    assert scores["B"]["k1"] == 70 + 20 and scores["B"]["k2"] == 80  # 지역가점 for the local trainee
    assert scores["A"]["k2"] == 85 and scores["A"]["k1"] == 75  # 분야가점 5 for both
    r = P.run_matching(mi.problem)
    got = {x.trainee_id: x.slot_id for x in r.placements}
    assert got == {"k1": "B", "k2": "A", "k3": None}  # B prefers the local k1 (90) over k2 (80)


def test_imports_report_every_bad_row_and_read_nothing():
    t = trainees_df()
    t.loc[0, "성적"] = "백점"
    t.loc[1, "지망"] = "B;Z"
    t.loc[2, "거주지역"] = "아틀란티스"
    with pytest.raises(ImportRejected) as err:
        P.problem_from_tables(t, slots_df())
    assert [r.line for r in err.value.rows] == [2, 3, 4]
    s = slots_df()
    s.loc[1, "정원"] = "-1"
    with pytest.raises(ImportRejected) as err:
        P.parse_slots(s)
    assert err.value.rows[0].line == 3 and "정원" in err.value.rows[0].reason


def test_templates_round_trip_through_csv_and_xlsx(tmp_path):
    files = P.write_templates(tmp_path)
    assert {f.name for f in files} == {"훈련생_양식.csv", "훈련생_양식.xlsx", "자리_양식.csv", "자리_양식.xlsx"}
    r, mi = P.match_files(tmp_path / "훈련생_양식.xlsx", tmp_path / "자리_양식.csv")
    assert r.placed == 1 and r.placements[0].slot_id == "예시-S01"


def test_synthetic_cohort_is_seeded_labelled_and_calibrated_on_kdt():
    t1, s1 = S.synthetic_tables(400, 80, seed=3)
    t2, s2 = S.synthetic_tables(400, 80, seed=3)
    pd.testing.assert_frame_equal(t1, t2)
    assert (t1["합성"] == "예").all() and (s1["합성"] == "예").all()
    cal = S.calibration()
    seoul = cal.sido_weights[cal.sido_codes.index("11")]
    assert 0.65 < seoul < 0.8  # KDT seats are ≈ 77 % 서울, mixed with 15 % of the young-resident share
    big, _ = S.synthetic_tables(20_000, 10, seed=1)
    assert abs((big["거주지역"] == "서울특별시").mean() - seoul) < 0.015
    r, mi = P.match_files(t1.to_csv(index=False).encode(), s1.to_csv(index=False).encode())
    assert r.synthetic and mi.synthetic and r.sources == ["talent-synthetic-cohort"]
    p = S.synthetic_problem(2_000, 200, 10, seed=4)
    assert p.prefs.shape == (2_000, 10) and p.synthetic
    assert all(len(set(row[row >= 0])) == (row >= 0).sum() for row in p.prefs[:200])  # no slot listed twice
