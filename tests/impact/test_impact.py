"""성과 추적: concentration by hand, DiD on simulated panels with known effects, the shipped study re-run by an
independent regression, and Kaplan–Meier against the product-limit formula."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from moduai.errors import ImportRejected, InputError
from moduai.impact import (
    callaway_santanna,
    concentration,
    decline_study,
    event_study,
    read_awards,
    survival,
    twfe,
)
from moduai.impact.study import _panel, study_panel
from moduai.impact.survival import product_limit

AWARDS = pd.DataFrame([
    # recipient, date, amount (만원 → 원), 시군구
    ("A", "2022-03-01", 100, "46820"),  # 해남군 (인구감소지역)
    ("A", "2023-05-01", 300, "46820"),
    ("B", "2022-07-01", 200, "11110"),  # 종로구 (수도권)
    ("C", "2023-02-01", 100, "11110"),
    ("D", "2023-09-01", 50, "47110"),   # 포항시 (비수도권, 지정 없음)
    ("D", "2023-11-01", 50, "47110"),   # same year twice: not a repeat recipient
    ("E", "2024-01-10", 200, "46820"),
    ("A", "2024-06-01", 0, "46820"),
], columns=["recipient_id", "date", "amount", "region_code"]).assign(amount=lambda d: d.amount * 10_000)


def test_concentration_by_hand():
    c = concentration(read_awards(AWARDS.astype(str)))
    # totals per recipient: A 400, B 200, C 100, D 100, E 200 (만원) → 1,000
    assert c.recipients == 5 and c.awards == 8 and c.total_krw == 1000 * 10_000
    assert c.repeat_recipient_share == pytest.approx(1 / 5)          # only A has awards in ≥ 2 years
    assert c.repeat_amount_share == pytest.approx(400 / 1000)
    assert c.top10_share == pytest.approx(400 / 1000)                # ceil(0.5) = 1 recipient
    # Gini of [100, 100, 200, 200, 400]: Σ(2i−n−1)y / (n Σy) = (−4·100 −2·100 +0·200 +2·200 +4·400)/(5·1000)
    #   = 1400 / 5000 = 0.28
    assert c.gini_recipients == pytest.approx(0.28)
    assert c.hhi_recipients == pytest.approx(40**2 + 20**2 + 10**2 + 10**2 + 20**2)
    by = {y.year: y for y in c.by_year}
    assert by[2022].repeat_share is None                              # no history for the first year
    assert by[2023].repeat_share == pytest.approx(1 / 3)             # A of {A, C, D}
    assert by[2024].repeat_share == pytest.approx(1 / 2)             # A of {A, E}
    assert c.decline_area_amount_share == pytest.approx(600 / 1000)  # A 400 + E 200 in 해남군
    assert c.decline_area_recipient_share == pytest.approx(2 / 5)
    assert c.non_capital_amount_share == pytest.approx(700 / 1000)
    assert c.gini_regions == pytest.approx(
        (-2 * 100 + 0 * 300 + 2 * 600) / (3 * 1000))                  # regions 100, 300, 600


def test_bad_award_rows_are_all_reported():
    bad = AWARDS.astype(str).copy()
    bad.loc[1, "amount"] = "많이"
    bad.loc[3, "date"] = "어제"
    bad.loc[5, "region_code"] = "포항"
    with pytest.raises(ImportRejected) as e:
        read_awards(bad)
    assert sorted(r.line for r in e.value.rows) == [3, 5, 7]
    with pytest.raises(InputError):
        read_awards(AWARDS.drop(columns="amount"))


def _panel_sim(effect_by_cohort: dict[int, float], dynamic: float = 0.0, n_per: int = 40, seed: int = 1,
               never: int = 60, years=range(2010, 2021), pretrend: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows, uid = [], 0
    cohorts = list(effect_by_cohort) + [None]
    for g in cohorts:
        for _ in range(never if g is None else n_per):
            uid += 1
            a = rng.normal(0, 1)
            for t in years:
                d = int(g is not None and t >= g)
                eff = (effect_by_cohort[g] + dynamic * (t - g)) if d else 0.0
                trend = pretrend * (t - 2010) if g is not None else 0.0
                y = a + 0.3 * (t - 2010) + trend + eff + rng.normal(0, 0.2)
                rows.append((uid, t, y, d))
    return pd.DataFrame(rows, columns=["unit", "time", "y", "treated"])


def test_twfe_recovers_a_known_effect_and_equals_dummy_ols():
    df = _panel_sim({2016: 1.5})
    est = twfe(df, outcome="y")
    assert est.ci_low < 1.5 < est.ci_high and abs(est.estimate - 1.5) < 0.05
    # independent: OLS with unit and year dummies by numpy
    x = pd.get_dummies(df[["unit", "time"]].astype(str), drop_first=True).astype(float)
    x.insert(0, "treated", df.treated.astype(float))
    x.insert(0, "const", 1.0)
    beta = np.linalg.lstsq(x.to_numpy(), df.y.to_numpy(), rcond=None)[0]
    assert est.estimate == pytest.approx(beta[1], abs=1e-8)


def test_twfe_is_biased_under_staggered_dynamic_effects_and_cs_is_not():
    # early cohort 2013, late cohort 2017; effects grow 0.5 a year after treatment
    df = _panel_sim({2013: 0.0, 2017: 0.0}, dynamic=0.5, never=60, seed=3)
    truth_cells = []
    for g in (2013, 2017):
        for t in range(g, 2021):
            truth_cells.append(0.5 * (t - g))
    truth = float(np.mean(truth_cells))  # equal cohort sizes → the simple average over post cells
    tw = twfe(df, outcome="y")
    cs, dyn = callaway_santanna(df, outcome="y", bootstrap_reps=99)
    assert abs(cs.estimate - truth) < 0.1 and cs.ci_low < truth < cs.ci_high
    assert abs(tw.estimate - truth) > 0.4  # TWFE is far off here
    by_e = {t.event_time: t.estimate for t in dyn}
    assert by_e[0] == pytest.approx(0.0, abs=0.1) and by_e[3] == pytest.approx(1.5, abs=0.15)


def test_event_study_warns_on_pretrends_only_when_present():
    flat = event_study(_panel_sim({2016: 1.0}), outcome="y", leads=4, lags=3)
    assert flat.pretrend_flat is True and not flat.warnings
    sloped = event_study(_panel_sim({2016: 1.0}, pretrend=0.2), outcome="y", leads=4, lags=3)
    assert sloped.pretrend_flat is False and "추세" in sloped.warnings[0]


def test_few_clusters_use_the_wild_bootstrap_and_still_cover():
    df = _panel_sim({2016: 1.0}, n_per=20, never=20)
    df["state"] = df.unit % 8
    est = twfe(df, outcome="y", cluster="state", bootstrap_reps=299)
    assert est.n_clusters == 8 and "부트스트랩" in est.inference
    assert est.ci_low < 1.0 < est.ci_high


def test_study_drops_copied_years_and_matches_an_independent_regression():
    panel = study_panel()
    gunwi = panel[panel.code == "27720"].year.tolist()
    assert min(gunwi) == 2024  # 2015–2023 were one table repeated
    assert panel[panel.code == "28177"].year.min() == 2019
    s = decline_study("residents_20_39", bootstrap_reps=99)
    assert s.n_treated == 89
    df = _panel("residents_20_39", "non_designated")
    x = pd.get_dummies(df[["code", "year"]].astype(str), drop_first=True).astype(float)
    x.insert(0, "treated", df.treated.astype(float))
    x.insert(0, "const", 1.0)
    beta = np.linalg.lstsq(x.to_numpy(), df.y.to_numpy(), rcond=None)[0]
    assert s.estimate.estimate == pytest.approx(beta[1], abs=1e-8)
    # the leads are not flat: the reading must not call the post difference an effect
    assert s.event_study.pretrend_flat is False
    assert "효과로 읽으면 안" in s.reading
    assert {p["fake_year"] for p in s.placebos} == {2018, 2019}


def test_study_refuses_unknown_outcome():
    with pytest.raises(InputError) as e:
        decline_study("gdp")
    assert e.value.field == "outcome"


def test_kaplan_meier_equals_product_limit_and_logrank_runs():
    df = pd.DataFrame({"group": ["지원"] * 6 + ["비교"] * 6,
                       "duration": [1, 2, 2, 3, 5, 5, 1, 1, 2, 3, 3, 4],
                       "event": [1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1]})
    res = survival(df)
    for c in res.curves:
        d = df[df.group == c.group]
        pl = product_limit(d.duration.to_numpy(), d.event.to_numpy())
        got = dict(zip(c.times, c.survival))
        for t, s in pl.items():
            assert got[t] == pytest.approx(s)
    assert 0 < res.logrank_p < 1
    support = next(c for c in res.curves if c.group == "지원")
    # t=1: 1 closes of 6 at risk; t=2: 1 of 5 (one more censored there); t=3: 1 of 3
    assert support.at["3"] == pytest.approx((5 / 6) * (4 / 5) * (2 / 3))
