"""Dashboard figures against an independent pandas computation on the raw (gzip) file.

The independent side below reads the file with plain pandas, its own parsing and its own measured rule
(end + 6 months on or before 2025-12-31); it shares no code with moduai.talent.
"""

from pathlib import Path

import pandas as pd
import pytest

import moduai.talent
from moduai.talent import outcomes as O

RAW = Path(moduai.talent.__file__).with_name("data") / "kdt_course_runs_2021_2025.csv.gz"
SIDO_PREFIX = {"서울": "11", "부산": "26", "대구": "27", "인천": "28", "광주": "29", "대전": "30", "울산": "31",
               "세종": "36", "경기": "41", "충북": "43", "충남": "44", "전남": "46", "경북": "47", "경남": "48",
               "제주": "50", "강원": "51", "전북": "52"}


@pytest.fixture(scope="module")
def raw():
    df = pd.read_csv(RAW, compression="gzip", encoding="utf-8-sig")
    df["code"] = df["지역"].str.split().str[0].map(SIDO_PREFIX)
    end = pd.to_datetime(df["과정종료일"])
    df["m6"] = end <= pd.Timestamp("2025-06-30")  # 6 months before the 2025-12-31 cut-off
    df["m3"] = end <= pd.Timestamp("2025-09-30")
    df["ended"] = end <= pd.Timestamp("2025-12-31")
    return df


def test_totals_by_sido_equal_plain_pandas(raw):
    f = {r.key: r for r in O.outcome_funnel("sido").rows}
    exp = raw.groupby("code").agg(runs=("고유값", "size"), cap=("정원", "sum"), app=("수강신청 인원", "sum"))
    grads = raw[raw.ended].groupby("code")["수료인원"].sum()
    assert set(f) == set(exp.index)
    for code, e in exp.iterrows():
        assert (f[code].runs, f[code].capacity, f[code].applicants) == (e.runs, e.cap, e.app)
        assert f[code].graduates == grads.get(code, 0)
    assert f["11"].runs == 4718  # the README's 서울 figure


def test_six_month_rates_equal_plain_pandas_for_runs_that_have_them(raw):
    m = raw[raw.m6 & raw["취업인원 (6개월)"].notna()]
    exp = m.groupby("code").apply(lambda g: g["취업인원 (6개월)"].sum() / g["수료인원"].sum(), include_groups=False)
    got = {r.key: r.rate6 for r in O.outcome_funnel("sido").rows}
    for code, v in exp.items():
        assert got[code] == pytest.approx(v, rel=1e-12)
    total = O.outcome_funnel("sido").total
    assert total.rate6 == pytest.approx(m["취업인원 (6개월)"].sum() / m["수료인원"].sum())
    # the trap: counting unmeasured recent runs as 0 would pull the national rate down
    naive = raw[raw.ended]
    naive_rate = naive["취업인원 (6개월)"].fillna(0).sum() / naive["수료인원"].sum()
    assert naive_rate < total.rate6 - 0.05


def test_three_month_rates_and_other_groupings(raw):
    m = raw[raw.m3 & raw["취업인원 (3개월)"].notna()]
    cap = m["code"].isin(["11", "28", "41"])
    got = {r.key: r for r in O.outcome_funnel("capital").rows}
    assert got["수도권"].rate3 == pytest.approx(m[cap]["취업인원 (3개월)"].sum() / m[cap]["수료인원"].sum())
    assert got["비수도권"].rate3 == pytest.approx(m[~cap]["취업인원 (3개월)"].sum() / m[~cap]["수료인원"].sum())
    years = {r.key: r.runs for r in O.outcome_funnel("year").rows}
    assert years == pd.to_datetime(raw["과정시작일"]).dt.year.astype(str).value_counts().to_dict()
    ncs = O.outcome_funnel("ncs")
    assert sum(r.runs for r in ncs.rows) == len(raw) and ncs.rows[0].runs == raw["NCS명"].value_counts().iloc[0]
    mega = {r.label: r.runs for r in O.outcome_funnel("megaregion").rows}
    assert mega["수도권"] == raw["code"].isin(["11", "28", "41"]).sum()


def test_concentration_shares_hhi_and_runs_per_young_resident(raw):
    c = O.supply_concentration()
    share = raw["code"].value_counts(normalize=True)
    assert c.hhi_runs_sido == pytest.approx((share ** 2).sum() * 10_000)
    ishare = raw["훈련기관"].value_counts(normalize=True)
    assert c.hhi_runs_institution == pytest.approx((ishare ** 2).sum() * 10_000)
    seoul = next(r for r in c.regions if r.code == "11")
    assert seoul.runs_per_10k == pytest.approx(4718 / seoul.residents_20_34 * 10_000)
    assert 1_000_000 < seoul.residents_20_34 < 3_000_000
    jeju = next(r for r in c.regions if r.code == "50")
    assert jeju.runs == 0 and jeju.runs_per_10k == 0


def test_wilson_interval_and_ranking_rewards_evidence():
    lo, hi = O.wilson_interval(280, 400)
    assert (round(lo, 3), round(hi, 3)) == (0.653, 0.743)
    assert round(O.wilson_interval(5, 5)[0], 3) == 0.566  # 5/5 ranks below 280/400
    assert round(O.wilson_interval(12, 12)[0], 3) == 0.758  # 12/12 does not: intervals do not overlap
    r = O.rank_institutions(min_graduates=30)
    lows = [x.low for x in r.rows]
    assert lows == sorted(lows, reverse=True)
    assert all(x.graduates6 >= 30 for x in r.rows)
    top = r.rows[0]
    assert top.low <= top.rate6 <= top.high


def test_statement_names_scarce_regions_in_korean():
    s = O.regional_statement()
    assert s.scarce[0]["name"] == "제주특별자치도"  # no KDT run at all
    assert any("청년 1만 명당" in x for x in s.sentences)
    assert all(x["low"] <= x["rate6"] <= x["high"] for x in s.leading)
