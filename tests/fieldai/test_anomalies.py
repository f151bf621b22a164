"""Anomaly windows: the four NAB machine-temperature failures, baselines checked by hand, stuck sensors,
Isolation Forest on a broken correlation, and the NAB scoring rules on hand-made cases."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from moduai.fieldai.anomalies import baseline, detect
from moduai.fieldai.ingest import read_field_file
from moduai.fieldai.nab import false_alarms_per_week, match_windows, nab_score, scaled_sigmoid

HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def machine(fix):
    return read_field_file(fix / "nab" / "machine_temperature_system_failure.csv")


@pytest.fixture(scope="module")
def machine_windows(fix):
    return json.loads((fix / "nab" / "anomaly_windows.json").read_text())["realKnownCause/machine_temperature_system_failure.csv"]


def test_each_nab_machine_failure_window_is_detected_with_a_korean_reason(machine, machine_windows):
    result = detect(machine)
    matches, false = match_windows(result.windows, machine_windows)
    assert len(matches) == 4
    for m in matches:
        assert m.detected, f"window {m.label_start} – {m.label_end} missed"
        assert HANGUL.search(m.reason) and re.search(r"(높음|낮음|바뀜|머묾|다름)", m.reason)
    per_week = false_alarms_per_week(false, machine.frame.index)
    print(f"\nNAB machine_temperature: 4/4 windows, false alarms {false} = {per_week:.2f} per week "
          f"over {(machine.frame.index[-1] - machine.frame.index[0]).days} days")
    assert false <= 3 and per_week < 0.3
    # the failure of 2014-02-08: temperature far below the same hours of the last 7 days
    feb = [w for w in result.windows if w.kind == "baseline" and w.start.startswith("2014-02-08")]
    assert feb and "지난 7일 같은 시간대 중앙값보다" in feb[0].reason and "낮음" in feb[0].reason


def test_seasonal_baseline_equals_a_hand_computed_median_of_the_previous_7_days(machine):
    b = baseline(machine, "value")
    s = machine.frame["value"]
    t = pd.Timestamp("2014-01-20 14:35")
    i = s.index.get_loc(t)
    # independent: hourly medians of each previous day at 14:00, then their median
    days = [t.normalize() - pd.Timedelta(days=k) for k in range(1, 8)]
    medians = [s[(s.index >= d + pd.Timedelta(hours=14)) & (s.index < d + pd.Timedelta(hours=15))].median() for d in days]
    assert b.base[i] == pytest.approx(np.median(medians))
    r = s.to_numpy() - b.base
    mad = np.median(np.abs(r - np.median(r)))
    assert b.scale == pytest.approx(1.4826 * mad)
    assert b.z[i] == pytest.approx((s.iloc[i] - b.base[i]) / b.scale)


def test_event_data_uses_the_rolling_median_of_previous_rows(fix):
    data = read_field_file(fix / "kamp_press_2020-05_first5000.csv")
    b = baseline(data, "pressure_1", rows=200)
    v = data.frame["pressure_1"].to_numpy()
    assert b.seasonal is False
    assert b.base[1000] == pytest.approx(np.median(v[800:1000]))


def test_broken_correlation_found_by_isolation_forest_only():
    rng = np.random.default_rng(4)
    n = 3000
    t = pd.date_range("2026-02-01", periods=n, freq="10min")
    latent = rng.normal(0, 1, n)
    a = 20 + latent + rng.normal(0, 0.1, n)
    b = 40 + 2 * latent + rng.normal(0, 0.2, n)
    c = rng.normal(50, 1, n)
    a[2000:2006] = 20 + 3.5  # 3.5 σ on each sensor alone (below the baseline's |z| ≥ 6) …
    b[2000:2006] = 40 - 7.0  # … but a high while b is low breaks their relation
    df = pd.DataFrame({"time": t.strftime("%Y-%m-%d %H:%M"), "a": a, "b": b, "c": c})
    result = detect(read_field_file(df.to_csv(index=False).encode(), "corr.csv"))
    assert not any(w.kind == "baseline" and w.first_row <= 2006 and w.last_row >= 2000 for w in result.windows)
    mv = [w for w in result.windows if w.kind == "multivariate"]
    assert any(w.first_row <= 2006 and w.last_row >= 2000 for w in mv)
    hit = next(w for w in mv if w.first_row <= 2006 and w.last_row >= 2000)
    assert "여러 변수의 조합" in hit.reason and {"a", "b"} <= set(hit.related)


def test_generator_faults_are_found():
    from moduai.fieldai.generator import generate_greenhouse, greenhouse_frame

    data = greenhouse_frame(days=30, seed=0)
    faults = {f.kind: f for f in generate_greenhouse(days=30, seed=0).faults}
    result = detect(data)

    def overlaps(w, f):
        return pd.Timestamp(w.start) <= pd.Timestamp(f.end) and pd.Timestamp(w.end) >= pd.Timestamp(f.start)

    assert any(w.kind == "stuck" and w.label == "습도" and overlaps(w, faults["stuck"]) for w in result.windows)
    assert any(w.label == "온도" and "낮음" in w.reason and overlaps(w, faults["heater"]) for w in result.windows)
    assert any(w.label == "CO₂" and "높음" in w.reason and overlaps(w, faults["co2_drift"]) for w in result.windows)
    assert any(w.label == "토양수분" and overlaps(w, faults["irrigation"]) for w in result.windows)
    assert result.synthetic and result.sources == ["fieldai-greenhouse-synthetic"]


def test_nab_scaled_sigmoid_and_scores_by_hand():
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert scaled_sigmoid(0.0) == 0.0 and scaled_sigmoid(3.0) == -1.0
    times = pd.date_range("2026-01-01", periods=1000, freq="h")
    windows = [(times[400], times[499]), (times[700], times[799])]
    # perfect: one alarm at each left edge → 100
    assert nab_score(times, [times[400], times[700]], windows).normalised == pytest.approx(100.0)
    # null → 0; one stray alarm before any window costs A_FP·σ(3) = −0.11
    assert nab_score(times, [], windows).normalised == 0.0
    s = nab_score(times, [times[300]], windows)
    assert s.raw == pytest.approx(-2 - 0.11) and s.fp == 1
    # an alarm halfway through window 1 (i = 450): y = −(499 − 450 + 1)/100 = −0.5
    s = nab_score(times, [times[450]], windows)
    assert s.window_scores[0] == pytest.approx(scaled_sigmoid(-0.5) / scaled_sigmoid(-1.0), abs=1e-4)
    assert s.normalised == pytest.approx(100 * (s.window_scores[0] - 1 + 2) / 4, abs=0.01)
    # probation: the first 15 % (150 points) are ignored
    assert nab_score(times, [times[100]], windows).fp == 0
