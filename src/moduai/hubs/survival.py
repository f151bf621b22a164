"""Kaplan–Meier survival with right censoring: lifelines (MIT) for the KPIs, and a plain product-limit
implementation that the tests check it against.

S(t) = Π_{t_i ≤ t} (1 − d_i / n_i): d_i closures at time t_i, n_i firms still observed just before t_i.
At a tie, closures count before censorings (the usual convention, also lifelines').
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class SurvivalAt:
    t: float
    survival: float | None  # None when nobody is observed up to t
    at_risk: int  # firms whose observed time is ≥ t
    n: int
    events: int  # closures up to t
    censored: int  # censorings up to t


def product_limit(durations, events, t: float) -> SurvivalAt:
    """S(t) by the product-limit formula (independent of lifelines)."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    n = len(d)
    at_risk_t = int((d >= t).sum())
    s = 1.0
    for ti in np.unique(d[e & (d <= t)]):
        n_i = int((d >= ti).sum())
        d_i = int((e & (d == ti)).sum())
        s *= 1.0 - d_i / n_i
    ev, ce = int((e & (d <= t)).sum()), int((~e & (d < t)).sum())
    return SurvivalAt(t, s if (n and at_risk_t > 0) else None, at_risk_t, n, ev, ce)


def kaplan_meier(durations, events, t: float) -> SurvivalAt:
    """S(t) from lifelines' KaplanMeierFitter; ``survival`` is None when no firm is observed up to ``t``."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    n = len(d)
    at_risk_t = int((d >= t).sum())
    ev, ce = int((e & (d <= t)).sum()), int((~e & (d < t)).sum())
    if n == 0 or at_risk_t == 0:
        return SurvivalAt(t, None, at_risk_t, n, ev, ce)
    from lifelines import KaplanMeierFitter  # deferred: lifelines (autograd) takes ~1 s to import

    kmf = KaplanMeierFitter().fit(d, event_observed=e)
    return SurvivalAt(t, float(kmf.survival_function_at_times(t).iloc[0]), at_risk_t, n, ev, ce)
