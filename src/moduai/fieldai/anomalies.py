"""Anomaly windows with a reason in Korean: robust baselines, change points, stuck sensors, Isolation Forest.

Four detectors, each giving windows (start, end, score, reason):

1. **Baseline** per sensor.  Time data with a sampling interval ≤ 1 hour and ≥ 3 days: the baseline of a
   moment is the median of the *previous 7 days at the same hour of day* (hourly medians, a rolling median
   over days; the current day is never in its own baseline).  Event data (shots, strokes) and short files:
   the median of the previous ``w`` rows.  The residual is scaled by the robust spread of all residuals,
   ``1.4826 × MAD`` (a normal's σ), so ``z = (x − baseline) / (1.4826·MAD)``; ``|z| ≥ z_threshold`` flags.
   Flagged points closer than ``merge_gap`` join one window; the score is the window's largest ``|z|``.
2. **Change points**: hourly (or 50-row block) medians; the score at t is
   ``|median(next w) − median(previous w)| / (1.4826·MAD of the series around its rolling median)``;
   local maxima ≥ ``change_threshold`` and ``w`` apart are level shifts.
3. **Stuck sensors**: runs of one repeated value (see :func:`moduai.fieldai.ingest.stuck_runs`).
4. **Isolation Forest** (scikit-learn, BSD-3; Liu, Ting & Zhou 2008) on the robust z of all sensors
   together (files with ≥ 2 sensors), fitted and scored on ≤ 5,000 rows (hourly means for long time series); a row
   is flagged when its anomaly score ``s = 2^(−E[h]/c(n))`` is ≥ 0.6 and in the top 0.5 %.

Reasons name the sensor with :func:`moduai.korean.josa` and the variables that moved with it
(``|z| ≥ 3`` in the same window).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from moduai.fieldai.ingest import FieldData, _fmt_time, stuck_runs
from moduai.fieldai.names import josa_label
from moduai.params import validate_params

KIND_LABELS = {"baseline": "기준선 이탈", "change": "수준 변화", "stuck": "센서 고착 의심", "multivariate": "여러 변수 조합 이상"}


@dataclass
class AnomalyWindow:
    kind: str
    kind_label: str
    sensor: str | None
    label: str
    start: str
    end: str
    peak: str
    score: float
    reason: str
    value: float | None = None
    baseline: float | None = None
    unit: str = ""
    related: list[str] = field(default_factory=list)
    points: int = 0
    first_row: int | None = None  # 1-based positions in the cleaned, time-ordered table
    last_row: int | None = None


@dataclass
class DetectionResult:
    """Anomaly windows of one file, newest last, and the settings that produced them."""

    file: str
    rows: int
    sensors: list[str]
    baseline_kind: str
    z_threshold: float
    windows: list[AnomalyWindow]
    counts: dict[str, int]
    notes: list[str]
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)


@dataclass
class _Baseline:
    base: np.ndarray
    z: np.ndarray
    scale: float
    seasonal: bool | str


def _seasonal_ok(data: FieldData) -> bool:
    f = data.frame
    if data.event_data or data.interval_seconds is None or data.interval_seconds > 3600 or len(f) < 10:
        return False
    return (f.index[-1] - f.index[0]).total_seconds() >= 3 * 86400


def _robust_scale(r: np.ndarray) -> float:
    r = r[np.isfinite(r)]
    if len(r) == 0:
        return 1.0
    mad = float(np.median(np.abs(r - np.median(r))))
    if mad <= 0:
        mad = float(np.mean(np.abs(r - np.median(r)))) / 0.7979 if len(r) else 0.0
    return 1.4826 * mad if mad > 0 else 1.0


def _rolling_table(x: np.ndarray, period: np.ndarray, slot: np.ndarray, n_slots: int, periods: int) -> np.ndarray:
    """Median of the previous ``periods`` periods at the same slot, looked up for every point.

    ``period`` and ``slot`` are small non-negative integer codes (day or week number, hour or hour of
    week); one integer key keeps the group-by cheap on a million rows.
    """
    n_periods = int(period.max()) + 1
    key = period * n_slots + slot
    med = pd.Series(x).groupby(key).median()
    tab = np.full(n_periods * n_slots, np.nan)
    tab[med.index.to_numpy()] = med.to_numpy()
    tab = tab.reshape(n_periods, n_slots)
    # window i holds periods i−periods … i−1 (NaN-padded before the first): the previous ones only
    padded = np.vstack([np.full((periods, n_slots), np.nan), tab])
    win = np.lib.stride_tricks.sliding_window_view(padded, periods, axis=0)[:n_periods]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-empty slot stays NaN
        base = np.nanmedian(win, axis=-1)
        base[(~np.isnan(win)).sum(axis=-1) < 2] = np.nan
        first = np.nanmedian(tab[: periods + 1], axis=0)
    base = np.where(np.isnan(base), first[None, :], base)  # the first periods: median of the first ones
    return base[period, slot]


def _time_codes(index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Day number, hour, Monday-based week number and hour of week of every point, as int64 codes."""
    day0 = pd.Timestamp(index[0]).normalize()
    day = ((index.asi8 - day0.value) // 86_400_000_000_000).astype(np.int64)
    hour = np.asarray(index.hour, dtype=np.int64)
    dow = np.asarray(index.dayofweek, dtype=np.int64)
    return {"day": day, "hour": hour, "week": (day + day0.dayofweek) // 7, "how": dow * 24 + hour}


def _hour_of_day(x: np.ndarray, codes: dict, days: int) -> np.ndarray:
    return _rolling_table(x, codes["day"], codes["hour"], 24, days)


def _hour_of_week(x: np.ndarray, codes: dict, weeks: int) -> np.ndarray:
    return _rolling_table(x, codes["week"], codes["how"], 168, weeks)


def baseline(data: FieldData, sensor: str, *, days: int = 7, rows: int = 200, codes: dict | None = None) -> _Baseline:
    """Baseline, robust z and scale of one sensor (seasonal by hour of day when the file allows it)."""
    s = data.frame[sensor]
    x = s.to_numpy()
    if _seasonal_ok(data):
        codes = codes or _time_codes(s.index)
        base = _hour_of_day(x, codes, days)
        seasonal = True
        if (s.index[-1] - s.index[0]).total_seconds() >= 21 * 86400:
            weekly = _hour_of_week(x, codes, 4)
            if _robust_scale(x - weekly) < 0.9 * _robust_scale(x - base):
                base, seasonal = weekly, "weekly"
    else:
        w = int(min(rows, max(10, len(s) // 10)))
        base = s.rolling(w, min_periods=max(3, w // 4)).median().shift(1).bfill().to_numpy()
        seasonal = False
    r = x - base
    scale = _robust_scale(r)
    return _Baseline(base, r / scale, scale, seasonal)


def _windows_from_mask(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Index ranges [start, end] of True runs, joining runs separated by ≤ gap False values."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.r_[idx[0], idx[breaks + 1]]
    ends = np.r_[idx[breaks], idx[-1]]
    return list(zip(starts.tolist(), ends.tolist()))


def _fmt_value(v: float, unit: str) -> str:
    digits = 0 if abs(v) >= 100 else 1 if abs(v) >= 1 else 2
    return f"{v:,.{digits}f}" + (f" {unit}" if unit else "")


def _related(zs: dict[str, np.ndarray], data: FieldData, primary: str, s: int, e: int) -> list[str]:
    out = []
    for c, z in zs.items():
        if c == primary:
            continue
        seg = np.abs(z[s: e + 1])
        seg = seg[np.isfinite(seg)]
        if len(seg) and seg.max() >= 3:
            out.append((float(seg.max()), data.label(c)))
    return [name for _, name in sorted(out, reverse=True)[:3]]


def _merge_gap(data: FieldData, seasonal: bool) -> int:
    if seasonal and data.interval_seconds:
        return max(1, int(round(3600 / data.interval_seconds)))  # an hour of quiet ends a window
    return 5


def detect_baseline(data: FieldData, *, z_threshold: float = 6.0, days: int = 7) -> tuple[list[AnomalyWindow], dict]:
    """Per-sensor baseline windows (detector 1) and the z of every sensor (for related variables)."""
    zs, bases = {}, {}
    codes = _time_codes(data.frame.index) if _seasonal_ok(data) else None
    for c in data.sensors:
        b = baseline(data, c, days=days, codes=codes)
        zs[c], bases[c] = b.z, b
    idx = data.frame.index
    out = []
    for c in data.sensors:
        b = bases[c]
        z = np.nan_to_num(b.z)
        for s, e in _windows_from_mask(np.abs(z) >= z_threshold, _merge_gap(data, b.seasonal)):
            seg = np.abs(z[s: e + 1])
            p = s + int(np.argmax(seg))
            value, base = float(data.frame[c].iloc[p]), float(b.base[p])
            unit, label = data.unit(c), data.label(c)
            where = ("지난 4주 같은 요일·시간대 중앙값" if b.seasonal == "weekly" else
                     f"지난 {days}일 같은 시간대 중앙값" if b.seasonal else "직전 구간 중앙값")
            direction = "높음" if value > base else "낮음"
            reason = (f"{josa_label(label, '이/가')} {where}보다 {_fmt_value(abs(value - base), unit)} {direction}"
                      f"(측정 {_fmt_value(value, unit)}, 기준 {_fmt_value(base, unit)})")
            rel = _related(zs, data, c, s, e)
            if rel:
                reason += f"; 함께 움직인 변수: {', '.join(rel)}"
            out.append(AnomalyWindow("baseline", KIND_LABELS["baseline"], c, label, _fmt_time(idx[s]), _fmt_time(idx[e]),
                                     _fmt_time(idx[p]), round(float(seg.max()), 2), reason, value, base, unit, rel,
                                     int(e - s + 1), int(s) + 1, int(e) + 1))
    return out, zs


def detect_changes(data: FieldData, *, threshold: float = 10.0) -> list[AnomalyWindow]:
    """Level shifts (detector 2) on hourly medians (time data) or 50-row block medians (event data)."""
    out = []
    for c in data.sensors:
        s = data.frame[c].dropna()
        if len(s) < 50:
            continue
        if not data.event_data and data.interval_seconds and data.interval_seconds < 3600:
            agg = s.resample("1h").median().dropna()
            rows_of = data.frame.index.searchsorted(agg.index)
            w, step = 24, "시간"
        else:
            blocks = np.arange(len(s)) // 50
            agg = s.groupby(blocks).median()
            agg.index = s.index[::50][: len(agg)]
            rows_of = np.arange(len(agg)) * 50
            w, step = 6, "블록(50행)"
        if len(agg) < 3 * w:
            continue
        v = agg.to_numpy()
        before = pd.Series(v).rolling(w).median().to_numpy()
        after = pd.Series(v[::-1]).rolling(w).median().to_numpy()[::-1]
        # score at i: median of v[i-w+1..i] vs median of v[i+1..i+w]
        diff = np.full(len(v), np.nan)
        diff[:-1] = after[1:] - before[:-1]
        spread = _robust_scale(v - pd.Series(v).rolling(w, center=True, min_periods=1).median().to_numpy())
        score = np.abs(diff) / spread
        order = np.argsort(-np.nan_to_num(score))
        taken: list[int] = []
        for i in order:
            if not np.isfinite(score[i]) or score[i] < threshold:
                break
            if any(abs(i - j) < w for j in taken):
                continue
            taken.append(int(i))
        unit, label = data.unit(c), data.label(c)
        for i in sorted(taken):
            a, b = float(before[i]), float(after[i + 1])
            reason = (f"{label}의 수준이 바뀜: 앞 {w}{step} 중앙값 {_fmt_value(a, unit)} → 뒤 {w}{step} "
                      f"{_fmt_value(b, unit)} ({'상승' if b > a else '하락'} {_fmt_value(abs(b - a), unit)})")
            t0, t1 = agg.index[i], agg.index[min(i + 1, len(agg) - 1)]
            out.append(AnomalyWindow("change", KIND_LABELS["change"], c, label, _fmt_time(t0), _fmt_time(t1),
                                     _fmt_time(t1), round(float(score[i]), 2), reason, b, a, unit, [], 2,
                                     int(rows_of[i]) + 1, int(rows_of[min(i + 1, len(agg) - 1)]) + 1))
    return out


def detect_stuck(data: FieldData) -> list[AnomalyWindow]:
    """Stuck-sensor windows (detector 3)."""
    out = []
    for c in data.sensors:
        for run in stuck_runs(data, c):
            unit, label = data.unit(c), data.label(c)
            span = f"{run.hours:.1f}시간" if run.hours is not None else f"{run.points}행"
            reason = f"{josa_label(label, '이/가')} {span} 동안 같은 값({_fmt_value(run.value, unit)})에 머묾 — 센서 고착 또는 통신 끊김 의심"
            out.append(AnomalyWindow("stuck", KIND_LABELS["stuck"], c, label, run.start, run.end, run.start,
                                     float(run.points), reason, run.value, None, unit, [], run.points,
                                     run.first_row, run.last_row))
    return out


def detect_multivariate(data: FieldData, zs: dict[str, np.ndarray], *, seed: int = 0,
                        max_rows: int = 5000) -> list[AnomalyWindow]:
    """Isolation Forest on all sensors' robust z together (detector 4); needs ≥ 2 sensors."""
    if len(data.sensors) < 2:
        return []
    from sklearn.ensemble import IsolationForest  # slow import (≈1 s): only files with ≥ 2 sensors need it

    z = pd.DataFrame({c: zs[c] for c in data.sensors}, index=data.frame.index).clip(-20, 20)
    rows = np.arange(len(z))
    if len(z) > max_rows and not data.event_data and data.interval_seconds and data.interval_seconds < 3600:
        z = z.resample("1h").mean()
        rows = data.frame.index.searchsorted(z.index)
    if len(z) > max_rows:  # block means keep short bursts visible; the index is each block's first time
        step = int(np.ceil(len(z) / max_rows))
        first = z.index[::step]
        z = z.groupby(np.arange(len(z)) // step).mean()
        z.index = first[: len(z)]
        rows = np.arange(len(z)) * step
    keep = z.notna().any(axis=1).to_numpy()
    z, rows = z[keep].fillna(0.0), np.asarray(rows)[keep]
    if len(z) < 50:
        return []
    model = IsolationForest(n_estimators=100, max_samples=min(256, len(z)), random_state=seed).fit(z.to_numpy())
    s = -model.score_samples(z.to_numpy())  # = 2^(−E[h]/c(n)) of the paper
    thr = max(0.6, float(np.quantile(s, 0.995)))
    out = []
    idx = z.index
    for a, b in _windows_from_mask(s >= thr, 2):
        p = a + int(np.argmax(s[a: b + 1]))
        row = z.iloc[p]
        top = row.abs().sort_values(ascending=False).index[:3]
        parts = [f"{data.label(c)} {row[c]:+.1f}" for c in top if abs(row[c]) >= 2]
        reason = (f"여러 변수의 조합이 평소와 다름(격리 점수 {s[p]:.2f})"
                  + (f": 가장 벗어난 변수(중앙절대편차의 배수) {', '.join(parts)}" if parts else ": 한 변수만 보면 정상 범위이나 조합이 드묾"))
        out.append(AnomalyWindow("multivariate", KIND_LABELS["multivariate"], None, "여러 변수", _fmt_time(idx[a]),
                                 _fmt_time(idx[b]), _fmt_time(idx[p]), round(float(s[p]), 3), reason,
                                 related=[data.label(c) for c in top], points=int(b - a + 1),
                                 first_row=int(rows[a]) + 1, last_row=int(rows[b]) + 1))
    return out


@validate_params(z_threshold="z_threshold")
def detect(data: FieldData, *, z_threshold: float = 6.0, change_threshold: float = 10.0, days: int = 7,
           multivariate: bool = True, seed: int = 0) -> DetectionResult:
    """All four detectors on one file; windows sorted by start.

    >>> from moduai.fieldai.generator import greenhouse_frame
    >>> r = detect(greenhouse_frame(days=20, seed=1))
    >>> any(w.kind == "stuck" for w in r.windows)
    True
    """
    windows, zs = detect_baseline(data, z_threshold=z_threshold, days=days)
    windows += detect_changes(data, threshold=change_threshold)
    windows += detect_stuck(data)
    if multivariate:
        windows += detect_multivariate(data, zs, seed=seed)
    windows.sort(key=lambda w: (w.start, w.kind))
    counts = {k: sum(w.kind == k for w in windows) for k in KIND_LABELS}
    notes = []
    seasonal = _seasonal_ok(data)
    kind = f"지난 {days}일 같은 시간대(시각별) 중앙값" if seasonal else "직전 행들의 이동 중앙값"
    if not seasonal:
        notes.append("사건 단위 자료이거나 3일보다 짧아 시간대별 기준선 대신 직전 행들의 이동 중앙값을 씁니다.")
    return DetectionResult(data.file, len(data.frame), [data.label(c) for c in data.sensors], kind, z_threshold,
                           windows, counts, notes, data.synthetic, list(data.sources))
