"""Forecasts against seasonal naive on series of known structure; alert rules; the defect model's split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from moduai.errors import InputError, NotFound
from moduai.fieldai.alerts import evaluate_alerts, parse_rules, template
from moduai.fieldai.forecast import evaluate_models, forecast_sensor, seasonal_naive
from moduai.fieldai.ingest import read_field_file


# ------------------------------------------------------------------------------------------ forecasts
def _series(values, start="2026-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="h"), name="x")


def test_fixed_daily_profile_plus_noise_beats_seasonal_naive():
    rng = np.random.default_rng(1)
    n = 24 * 40
    prof = 10 + 5 * np.sin(2 * np.pi * np.arange(24) / 24)
    y = prof[np.arange(n) % 24] + rng.normal(0, 1, n)
    r = forecast_sensor(_series(y), label="x", unit="")
    mase = {s.model: s.mase for s in r.scores}
    assert r.beats_seasonal_naive and r.chosen != "seasonal_naive"
    # theory: seasonal naive errors are e(t) − e(t−24), MAE = 2σ/√π ≈ 1.128; a 7-day median ≈ 0.85
    mae = {s.model: s.mae for s in r.scores}
    assert mae["seasonal_naive"] == pytest.approx(2 / np.sqrt(np.pi), rel=0.12)
    assert mase[r.chosen] < 0.85 * mase["seasonal_naive"]
    assert "척도화 오차" in r.reason and r.chosen_label in r.reason
    # the intervals hold the point forecast
    assert all(lo <= p <= hi for lo, p, hi in zip(r.lower80, r.point, r.upper80))
    assert all(lo95 <= lo80 for lo95, lo80 in zip(r.lower95, r.lower80))


def test_drifting_daily_pattern_does_not_beat_seasonal_naive_and_says_so():
    rng = np.random.default_rng(1)
    n = 24 * 40
    y = np.empty(n)
    y[:24] = 10 + 5 * np.sin(2 * np.pi * np.arange(24) / 24)
    for i in range(24, n):  # each hour is yesterday's same hour plus a step: seasonal naive is optimal
        y[i] = y[i - 24] + rng.normal(0, 1)
    r = forecast_sensor(_series(y), label="x", unit="")
    assert not r.beats_seasonal_naive and r.chosen == "seasonal_naive"
    assert "낫지 않아" in r.reason
    np.testing.assert_allclose(r.point, y[-24:], atol=1e-3)  # the forecast shown is yesterday repeated


def test_mase_by_hand_on_a_tiny_series():
    m, h = 4, 2
    y = np.array([1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, 4, 5, 6, 7], dtype=float)
    mae, mase, err = evaluate_models(y, h, m, holdout=4, max_origins=None)
    # origins 12 and 14: seasonal naive forecasts y[8:10] = [3,4] for [4,5], then y[10:12] = [5,6] for [6,7]
    assert mae["seasonal_naive"] == pytest.approx(1.0)
    # in-sample scale: |y[t] − y[t−4]| over the first 12 points = 1 everywhere
    assert mase["seasonal_naive"] == pytest.approx(1.0)
    assert list(seasonal_naive(y, 6, 4)) == [4, 5, 6, 7, 4, 5]


# --------------------------------------------------------------------------------------------- alerts
def _night(values_by_time: dict[str, float], start="2026-01-10 18:00", periods=24 * 6) -> bytes:
    t = pd.date_range(start, periods=periods, freq="10min")
    v = np.full(len(t), 12.0)
    for ts, val in values_by_time.items():
        a, b = ts.split("/")
        v[(t >= pd.Timestamp(a)) & (t <= pd.Timestamp(b))] = val
    return pd.DataFrame({"일시": t.strftime("%Y-%m-%d %H:%M"), "온도(℃)": v}).to_csv(index=False).encode()


def test_frost_rule_across_midnight_with_duration_and_evidence():
    raw = _night({"2026-01-10 23:30/2026-01-11 01:20": 6.5,   # 120 min below 8 at night → alert
                  "2026-01-11 03:00/2026-01-11 03:10": 7.0,   # 20 min only → not long enough
                  "2026-01-11 10:00/2026-01-11 11:00": 5.0})  # daytime → outside 22:00–06:00
    result = evaluate_alerts(read_field_file(raw, "night.csv"), "온실")
    frost = [a for a in result.alerts if a.rule_id == "frost"]
    assert len(frost) == 1
    a = frost[0]
    assert (a.start, a.end, a.minutes, a.extreme) == ("2026-01-10 23:30", "2026-01-11 01:20", 120.0, 6.5)
    assert a.severity == "위험" and "온도가 22:00-06:00 사이에 8 °C 미만 상태로 120분 이어짐" in a.message
    assert a.evidence["sensor"] == "온도(℃)" and 6.5 in a.evidence["values"] and 12.0 in a.evidence["values"]
    summary = {s.rule_id: s for s in result.rules}
    assert summary["frost"].alerts == 1 and not summary["co2_low"].applied and "CO₂ 센서가 없어" in summary["co2_low"].note


@pytest.mark.parametrize("text, field, words", [
    ("rules: [", "rules", "YAML 문법"),
    ("site: x", "rules", "'rules:' 목록"),
    ("rules:\n  - id: a\n    sensor: temperature\n    condition: '< abc'", "rules[1].condition", "'< 8'"),
    ("rules:\n  - id: a\n    sensor: temperature\n    condition: '< 8'\n    hours: '25:00-06:00'", "rules[1].hours", "22:00-06:00"),
    ("rules:\n  - id: a\n    sensor: t\n    condition: '< 8'\n  - id: a\n    sensor: t\n    condition: '> 9'", "rules[2].id", "두 번"),
    ("rules:\n  - id: a\n    sensor: t\n    condition: '< 8'\n    severity: 심각", "rules[1].severity", "주의, 경고, 위험"),
    ("rules:\n  - id: a\n    condition: '< 8'", "rules[1].sensor", "'sensor'"),
])
def test_broken_rule_files_get_specific_messages(text, field, words):
    with pytest.raises(InputError) as err:
        parse_rules(text, source="내 규칙")
    assert err.value.field == field and words in err.value.message and "내 규칙" in err.value.message


def test_templates_and_site_rules_on_real_files(fix):
    assert {k: len(template(k).rules) for k in ("온실", "축사", "사출", "프레스")} == {"온실": 5, "축사": 4, "사출": 3, "프레스": 3}
    with pytest.raises(NotFound):
        template("양식장")
    press = read_field_file(fix / "kamp_press_2020-05_first5000.csv")
    result = evaluate_alerts(press)  # guessed: 프레스
    assert result.site == "press"
    v = press.frame["pressure_1"].to_numpy()
    out = (v < 265) | (v > 285)
    runs = np.diff(np.r_[0, out.astype(int), 0])
    lengths = np.flatnonzero(runs == -1) - np.flatnonzero(runs == 1)
    assert sum(a.rule_id == "pressure1" for a in result.alerts) == int((lengths >= 3).sum())


# -------------------------------------------------------------------------------------------- quality
def test_cn7_defect_model_is_evaluated_on_held_out_rows_only(fix):
    from moduai.fieldai.quality import defect_model

    data = read_field_file(fix / "kamp_injection_molding_cn7_labelled.csv")
    r = defect_model(data)
    y = data.labels.to_numpy()
    assert (r.train_rows, r.test_rows) == (1192, 2782)
    assert (r.train_defects, r.test_defects) == (int(y[:1192].sum()), int(y[1192:].sum())) == (17, 11)
    assert min(r.test_positions) == r.train_rows and len(r.test_positions) == r.test_rows
    c = r.confusion
    assert c["tp"] + c["fn"] == 11 and c["tp"] + c["fp"] + c["tn"] + c["fn"] == 2782
    assert r.precision == pytest.approx(c["tp"] / max(c["tp"] + c["fp"], 1), abs=1e-4)
    assert r.recall == pytest.approx(c["tp"] / 11, abs=1e-4)
    assert r.auc is not None and r.auc > 0.8
    print(f"\nCN7 time-ordered: precision {r.precision:.2f} recall {r.recall:.2f} F1 {r.f1:.2f} AUC {r.auc:.3f}")
    # no leakage: scrambling the test rows' labels changes neither the threshold nor the predictions
    scrambled = read_field_file(fix / "kamp_injection_molding_cn7_labelled.csv")
    lab = scrambled.labels.to_numpy().copy()
    lab[1192:] = np.random.default_rng(0).permutation(lab[1192:])
    lab[1192:1200] = 1
    scrambled.labels = pd.Series(lab, index=scrambled.labels.index)
    r2 = defect_model(scrambled)
    assert r2.threshold == r.threshold
    assert r2.confusion["tp"] + r2.confusion["fp"] == c["tp"] + c["fp"]  # same rows flagged
    assert [v.sensor for v in r2.top_variables] == [v.sensor for v in r.top_variables]
