"""The NAB (Numenta Anomaly Benchmark) scoring rules, written from their published description
(Lavin & Ahmad 2015, "Evaluating Real-time Anomaly Detection Algorithms — the Numenta Anomaly
Benchmark"; NAB README), and helpers to match detections with labelled windows.

Rules (standard profile: ``A_TP = 1``, ``A_FP = 0.11``, ``A_FN = 1``):

1. Detections are time stamps.  The first 15 % of the series (at most 750 points) is a probation period
   whose detections are ignored.
2. A labelled window whose earliest detection sits at index ``i`` earns
   ``A_TP · σ(y) / σ(−1)`` with ``y = −(right − i + 1) / width`` and the scaled sigmoid
   ``σ(y) = 2 / (1 + e^{5y}) − 1`` — an alarm at the window's left edge earns the full ``A_TP``, one at the
   right edge almost nothing.  Later detections in the same window add nothing.
3. A window with no detection costs ``−A_FN``.
4. A detection outside every window costs ``A_FP · σ(y)`` with ``y = |i − right_prev| / (width_prev − 1)``
   measured from the end of the previous window (``σ(3) = −1`` when there is none, and ``σ(y) = −1`` for
   ``y ≥ 3``): an alarm just after a window costs less than a stray one.
5. Normalised score ``100 · (S − S_null) / (S_perfect − S_null)`` with ``S_null = −A_FN · windows`` (a detector
   that never fires) and ``S_perfect = A_TP · windows`` (one alarm at each window's left edge).

NAB normalises over its whole corpus and tunes each detector's threshold on it; here each series is
scored on its own, which the benchmark states next to every number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

STANDARD = {"tp": 1.0, "fp": 0.11, "fn": 1.0}


def scaled_sigmoid(y: float) -> float:
    """``2 / (1 + e^{5y}) − 1``, and −1 from ``y ≥ 3`` on."""
    if y >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * y)) - 1.0


@dataclass
class NabScore:
    raw: float
    null: float
    perfect: float
    normalised: float
    tp: int
    fp: int
    fn: int
    detections: int
    window_scores: list[float] = field(default_factory=list)


def nab_score(times: pd.DatetimeIndex, detections, windows, profile: dict | None = None,
              probation: float = 0.15) -> NabScore:
    """Score ``detections`` (time stamps) against labelled ``windows`` [(start, end)] on ``times``."""
    w = profile or STANDARD
    times = pd.DatetimeIndex(times)
    n = len(times)
    prob_len = min(math.floor(probation * n), probation * 5000)
    bounds = []
    for a, b in windows:
        left = int(times.searchsorted(pd.Timestamp(a), side="left"))
        right = int(times.searchsorted(pd.Timestamp(b), side="right")) - 1
        bounds.append((left, right))
    det_idx = sorted({int(times.searchsorted(pd.Timestamp(d), side="left")) for d in detections})
    det_idx = [i for i in det_idx if i < n and i >= prob_len]
    max_tp = scaled_sigmoid(-1.0)
    best = [None] * len(bounds)
    fp_total, fp_count = 0.0, 0
    for i in det_idx:
        inside = next((k for k, (left, right) in enumerate(bounds) if left <= i <= right), None)
        if inside is not None:
            left, right = bounds[inside]
            width = right - left + 1
            s = w["tp"] * scaled_sigmoid(-(right - i + 1) / width) / max_tp
            best[inside] = s if best[inside] is None else max(best[inside], s)
        else:
            prev = [(left, right) for left, right in bounds if right < i]
            if prev:
                left, right = prev[-1]
                y = abs(i - right) / float(right - left)
            else:
                y = 3.0
            fp_total += w["fp"] * scaled_sigmoid(y)
            fp_count += 1
    window_scores = [-w["fn"] if b is None else b for b in best]
    raw = sum(window_scores) + fp_total
    null = -w["fn"] * len(bounds)
    perfect = w["tp"] * len(bounds)
    norm = 100.0 * (raw - null) / (perfect - null) if perfect != null else 0.0
    tp = sum(b is not None for b in best)
    return NabScore(round(raw, 4), null, perfect, round(norm, 2), tp, fp_count, len(bounds) - tp, len(det_idx),
                    [round(x, 4) for x in window_scores])


def events_from_flags(times: pd.DatetimeIndex, flags: np.ndarray, gap: int = 12) -> list[pd.Timestamp]:
    """One detection per run of flagged points (runs closer than ``gap`` points join): its first time."""
    idx = np.flatnonzero(flags)
    if len(idx) == 0:
        return []
    starts = np.r_[idx[0], idx[1:][np.diff(idx) > gap]]
    return [times[i] for i in starts]


@dataclass
class WindowMatch:
    label_start: str
    label_end: str
    detected: bool
    first: str | None
    reason: str | None


def match_windows(anomalies, windows) -> tuple[list[WindowMatch], int]:
    """Which labelled windows have an anomaly window overlapping them (with its reason), and how many
    anomaly windows overlap none (false alarms)."""
    spans = [(pd.Timestamp(a.start), pd.Timestamp(a.end), a) for a in anomalies]
    out = []
    for a, b in windows:
        a, b = pd.Timestamp(a), pd.Timestamp(b)
        hits = sorted([s for s in spans if s[0] <= b and s[1] >= a], key=lambda s: s[0])
        out.append(WindowMatch(str(a), str(b), bool(hits), str(hits[0][0]) if hits else None,
                               hits[0][2].reason if hits else None))
    false = sum(1 for s in spans if not any(s[0] <= pd.Timestamp(b) and s[1] >= pd.Timestamp(a) for a, b in windows))
    return out, false


def false_alarms_per_week(false: int, times: pd.DatetimeIndex) -> float:
    weeks = (times[-1] - times[0]).total_seconds() / (7 * 86400)
    return false / weeks if weeks > 0 else float("nan")
