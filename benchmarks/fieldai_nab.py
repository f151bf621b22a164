"""NAB standard-profile score on the two NAB series: moduai.fieldai vs three simple peers, side by side.

Scoring: :mod:`moduai.fieldai.nab` (the published NAB rules — A_TP 1, A_FP 0.11, A_FN 1, sigmoid position
weighting inside windows, 15 % probation, normalised null = 0 / perfect = 100 — restated there).  NAB
normalises over its whole corpus; here each series is scored on its own.

Detectors (each turned into alarms: one alarm at the first point of every run of flagged points, runs
closer than 12 points joined — an operator is alerted once per episode):

- ``moduai`` — :func:`moduai.fieldai.anomalies.detect` at its defaults (|z| ≥ 6, change score ≥ 10): an
  alarm at the start of every anomaly window;
- ``moduai (causal)`` — the same without change points (which look 24 h ahead, i.e. report a day late);
- ``windowed Gaussian`` — NAB's own baseline: mean and σ of the previous 6,400 points, flag when the
  two-sided tail probability of the point is below ``p``;
- ``seasonal-naive residual`` — ``|x(t) − x(t − 1 day)| / (1.4826·MAD)`` ≥ k (MAD from the probation part);
- ``Isolation Forest`` (scikit-learn) on [value, 1-day difference, 1-h mean, 1-h σ], fitted on the
  probation part (the first 15 %), flag when the score is in the top q of the probation scores.

Honesty notes: moduai's defaults were fixed while looking at these two series (the change-point threshold
went from 6 to 10 after seeing the machine series' false alarms; the hour-of-week baseline was added
after seeing the taxi series' weekend nights), so its default rows are in-sample — compare them with the
peers' *best* rows, not their defaults.  NAB scores an alarm at the time of the anomaly it points to; the
change-point detector only knows a level shift 24 h later, so the ``moduai (causal)`` rows are the
real-time figure.

Every detector gets its default threshold and, like NAB does corpus-wide, the best of a small grid
("best" rows flatter everyone equally: they are tuned on the series they are scored on).
Run: ``python benchmarks/fieldai_nab.py``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [ROOT.parent / "shared" / "data" / "fieldai" / "nab", ROOT.parent.parent / "shared" / "data" / "fieldai" / "nab"]
SERIES = {"machine_temperature_system_failure": 288, "nyc_taxi": 48}  # points per day


def nab_dir() -> Path:
    for c in CANDIDATES:
        if (c / "nyc_taxi.csv").exists():
            return c
    raise SystemExit("../shared/data/fieldai/nab not found")


def ours(data, *, z=6.0, changes=True):
    from moduai.fieldai.anomalies import detect

    r = detect(data, z_threshold=z, change_threshold=10.0 if changes else 1e9)
    return [pd.Timestamp(w.start) for w in r.windows]


def windowed_gaussian(x: np.ndarray, window=6400):
    s = pd.Series(x)
    mu = s.rolling(window, min_periods=50).mean().shift(1)
    sd = s.rolling(window, min_periods=50).std().shift(1)
    from scipy.stats import norm

    z = ((s - mu) / sd).abs().to_numpy()
    return 2 * norm.sf(np.nan_to_num(z, nan=0.0))  # tail probability, small = anomalous


def seasonal_residual(x: np.ndarray, m: int, prob: int):
    r = np.full(len(x), np.nan)
    r[m:] = x[m:] - x[:-m]
    base = r[m:prob] if prob > m + 10 else r[m:]
    base = base[np.isfinite(base)]
    scale = 1.4826 * np.median(np.abs(base - np.median(base)))
    return np.abs(np.nan_to_num(r)) / scale


def isolation_forest(x: np.ndarray, m: int, prob: int, seed=0):
    from sklearn.ensemble import IsolationForest

    s = pd.Series(x)
    feats = pd.DataFrame({"x": s, "d": s - s.shift(m), "mean": s.rolling(12, min_periods=1).mean(),
                          "sd": s.rolling(12, min_periods=2).std()}).bfill().fillna(0).to_numpy()
    model = IsolationForest(n_estimators=100, random_state=seed).fit(feats[:prob])
    score = -model.score_samples(feats)
    return score, np.sort(score[:prob])


def run_series(name: str, per_day: int, d: Path, windows: dict):
    from moduai.fieldai.ingest import read_field_file
    from moduai.fieldai.nab import events_from_flags, nab_score

    data = read_field_file(d / f"{name}.csv")
    times = data.frame.index
    x = data.frame["value"].to_numpy()
    lw = windows[f"realKnownCause/{name}.csv"]
    prob = int(min(np.floor(0.15 * len(x)), 750))
    rows = []

    def score(label, alarms, setting, seconds):
        s = nab_score(times, alarms, lw)
        rows.append((label, setting, s, seconds))

    # interleave: each detector once per round, two rounds, keep the faster time
    timings: dict[str, float] = {}
    for _ in range(2):
        for label, fn in (("moduai", lambda: ours(data)), ("moduai (causal)", lambda: ours(data, changes=False)),
                          ("windowed Gaussian", lambda: windowed_gaussian(x)),
                          ("seasonal-naive residual", lambda: seasonal_residual(x, per_day, prob)),
                          ("Isolation Forest", lambda: isolation_forest(x, per_day, prob))):
            t = time.perf_counter()
            out = fn()
            timings[label] = min(timings.get(label, 1e9), time.perf_counter() - t)
            timings[label + "/out"] = out
    score("moduai", timings["moduai/out"], "z ≥ 6, change ≥ 10 (default)", timings["moduai"])
    score("moduai (causal)", timings["moduai (causal)/out"], "z ≥ 6, no change points", timings["moduai (causal)"])
    for z in (4.0, 5.0, 8.0, 10.0):
        score("moduai", ours(data, z=z), f"z ≥ {z:g}", timings["moduai"])
    for z in (3.0, 4.0, 5.0):
        score("moduai (causal)", ours(data, z=z, changes=False), f"z ≥ {z:g}, no change points", timings["moduai (causal)"])
    p = timings["windowed Gaussian/out"]
    for thr in (1e-3, 1e-4, 1e-5, 1e-6, 1e-8):
        score("windowed Gaussian", events_from_flags(times, p < thr), f"p < {thr:g}" + (" (default)" if thr == 1e-5 else ""),
              timings["windowed Gaussian"])
    r = timings["seasonal-naive residual/out"]
    for k in (4, 6, 8, 12, 16):
        score("seasonal-naive residual", events_from_flags(times, r >= k), f"k ≥ {k}" + (" (default)" if k == 6 else ""),
              timings["seasonal-naive residual"])
    sc, ref = timings["Isolation Forest/out"]
    for q in (0.99, 0.995, 0.999, 1.0):
        thr = ref[min(int(q * len(ref)), len(ref) - 1)] if q < 1 else ref[-1]
        score("Isolation Forest", events_from_flags(times, sc > thr), f"top {100 * (1 - q):g} % of probation"
              + (" (default)" if q == 0.995 else "") if q < 1 else "above probation max", timings["Isolation Forest"])
    weeks = (times[-1] - times[0]).total_seconds() / 604800
    print(f"\n## {name}: {len(x):,} points, {len(lw)} labelled windows, {weeks:.1f} weeks")
    print(f"{'detector':26s} {'setting':34s} {'NAB':>7s} {'TP':>3s} {'FN':>3s} {'FP':>4s} {'FP/wk':>6s} {'s':>6s}")
    for label, setting, s, sec in rows:
        print(f"{label:26s} {setting:34s} {s.normalised:7.1f} {s.tp:3d} {s.fn:3d} {s.fp:4d} {s.fp / weeks:6.2f} {sec:6.2f}")
    best = {}
    for label, setting, s, _ in rows:
        if label not in best or s.normalised > best[label][1].normalised:
            best[label] = (setting, s)
    default = {label: s for label, setting, s, _ in rows if "default" in setting}
    default["moduai (causal)"] = next(s for label, setting, s, _ in rows if label == "moduai (causal)")  # z ≥ 6
    return name, default, best


def main() -> None:
    d = nab_dir()
    windows = json.loads((d / "anomaly_windows.json").read_text())
    print(f"load average at start: {os.getloadavg()}")
    summary = []
    for name, per_day in SERIES.items():
        summary.append(run_series(name, per_day, d, windows))
    print(f"\nload average at end: {os.getloadavg()}")
    print("\n## summary (NAB standard profile, normalised; default setting / best of grid)")
    for name, default, best in summary:
        ref = default["moduai"].normalised
        print(f"{name}:")
        for label in best:
            dv = default.get(label)
            ratio = f" ({dv.normalised / ref:.2f}× moduai)" if dv and ref else ""
            print(f"  {label:26s} default {dv.normalised if dv else float('nan'):6.1f}{ratio}   best {best[label][1].normalised:6.1f}"
                  f" [{best[label][0]}]")
    print("\nPublished NAB scoreboard (corpus-wide, standard profile): Numenta HTM ≈ 70, windowed Gaussian 39.6, random 11.")


if __name__ == "__main__":
    main()
