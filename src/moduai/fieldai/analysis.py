"""One call for the upload page and the API: read a file, then profile → anomalies → forecast → alerts
(→ defect model when the file has pass/fail labels), plus chart-ready series.

The chart series keep every anomaly visible at any file size: each sensor is cut into ≤ 1,000 time
buckets and each bucket contributes its minimum and maximum point (in time order), so a 1-sample spike
survives the thinning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from moduai.errors import DataUnavailable
from moduai.fieldai.alerts import AlertResult, RuleSet, evaluate_alerts, guess_site, parse_rules
from moduai.fieldai.anomalies import DetectionResult, detect
from moduai.fieldai.forecast import ForecastResult, forecast
from moduai.fieldai.generator import greenhouse_frame
from moduai.fieldai.ingest import FieldData, FieldProfile, profile, read_field_file
from moduai.fieldai.quality import QualityResult, defect_model


@dataclass
class ChartSeries:
    sensor: str
    label: str
    unit: str
    x: list
    values: list[float | None]
    x_kind: str = "time"  # "row" for event data (shots, strokes): x is the row number in time order


@dataclass
class FieldAnalysis:
    """Everything the 현장 AI page shows for one file, in order."""

    file: str
    profile: FieldProfile
    detection: DetectionResult
    forecast: ForecastResult
    alerts: AlertResult
    quality: QualityResult | None
    quality_note: str | None
    series: list[ChartSeries]
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)


def _bucket_min_max(v: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per bucket ``[a, b)``: the positions of its first minimum and first maximum (NaN ignored), in order,
    one position if they coincide, the bucket's start if it is all NaN.  Same answer as ``np.nanargmin``/
    ``np.nanargmax`` bucket by bucket, done on a padded (buckets × longest bucket) array in one pass."""
    a, b = edges[:-1], edges[1:]
    width = int((b - a).max())
    pos = a[:, None] + np.arange(width)[None, :]
    inside = pos < b[:, None]
    vals = v.astype(float)[np.minimum(pos, len(v) - 1)]
    missing = ~inside | np.isnan(vals)
    empty = missing.all(axis=1)
    lo = a + np.argmin(np.where(missing, np.inf, vals), axis=1)
    hi = a + np.argmax(np.where(missing, -np.inf, vals), axis=1)
    rows = np.arange(len(a))
    for r in np.flatnonzero(~empty & (missing[rows, lo - a] | missing[rows, hi - a])):  # a bucket of only ±inf
        seg = v[a[r]:b[r]]
        lo[r], hi[r] = a[r] + int(np.nanargmin(seg)), a[r] + int(np.nanargmax(seg))
    first, second = np.minimum(lo, hi), np.maximum(lo, hi)
    first[empty] = a[empty]
    keep = np.column_stack([first, np.where(empty | (lo == hi), -1, second)]).ravel()
    return keep[keep >= 0]


def chart_series(data: FieldData, *, buckets: int = 1000) -> list[ChartSeries]:
    """Min/max-per-bucket thinning of every sensor (see the module text)."""
    out = []
    idx = data.frame.index
    n = len(idx)
    for c in data.sensors:
        v = data.frame[c].to_numpy()
        if n <= 2 * buckets:
            keep = np.arange(n)
        else:
            keep = _bucket_min_max(v, np.linspace(0, n, buckets + 1).astype(int))
        x = [int(k) + 1 for k in keep] if data.event_data else [str(t)[:19] for t in idx[keep]]
        out.append(ChartSeries(c, data.label(c), data.unit(c), x,
                               [None if np.isnan(val) else round(float(val), 4) for val in v[keep]],
                               "row" if data.event_data else "time"))
    return out


def analyse_data(data: FieldData, *, site: str | None = None, rules: RuleSet | None = None,
                 horizon: int = 24) -> FieldAnalysis:
    """All steps on an already-read file."""
    prof = profile(data)
    det = detect(data)
    fc = forecast(data, horizon=horizon)
    al = evaluate_alerts(data, rules or site or guess_site(data))
    quality, qnote = None, None
    if data.labels is not None:
        try:
            quality = defect_model(data)
        except DataUnavailable as exc:
            qnote = exc.message
    return FieldAnalysis(data.file, prof, det, fc, al, quality, qnote, chart_series(data), data.synthetic,
                         list(data.sources))


def analyse_file(source: str | Path | bytes, filename: str | None = None, *, site: str | None = None,
                 rules_text: str | None = None, horizon: int = 24) -> FieldAnalysis:
    """Read ``source`` (path or bytes) and run every step; ``rules_text`` is a site's own YAML rules."""
    data = read_field_file(source, filename)
    rules = parse_rules(rules_text, source="올린 규칙") if rules_text and rules_text.strip() else None
    return analyse_data(data, site=site or None, rules=rules, horizon=horizon)


@lru_cache(maxsize=8)
def example_analysis(*, days: int = 30, seed: int = 0) -> FieldAnalysis:
    """The 합성 온실 log's analysis (the /fieldai/example page and its API), computed once per process for each
    (days, seed): the log is a pure function of those two numbers (fixed start date, seeded generator) and the
    analysis of the log is deterministic, so a second visitor gets the same answer without ≈ 1 s of model
    fitting.  Nothing personal goes in or comes out; at most 8 (days, seed) pairs are kept.  Callers must not
    change the returned object (it is shared)."""
    return analyse_data(greenhouse_frame(days=days, seed=seed))

