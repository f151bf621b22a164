"""A synthetic (합성) cohort of trainees and slots for demos and benchmarks — not real people or companies.

Calibration (from the bundled K-Digital Training runs, :mod:`moduai.talent.kdt`):

* trainees' 시도 and slots' 시도 follow the share of KDT *seats* (정원) by 시도 (서울 ≈ 77 %, 경기 ≈ 12 %, …),
  mixed with 15 % of the 20–34 population share so that every 시도 (제주 too) has some;
* 분야 follows the ten most common NCS fields of the runs (the rest pooled as '기타');
* pay (월급, 만원) ~ Normal(300 수도권 / 260 elsewhere, 40), rounded to 10; remote with probability 0.2;
* at least two slots in every non-수도권 5극3특 group (the last rows), so demo floors can be met;
* capacity per slot 1–20 (geometric, mean ≈ seats ÷ slots); 성적 ~ Normal(70, 12) clipped to 0–100 and
  rounded to whole points (so ties happen and the seeded lottery matters);
* trainees' weights: 지역 0–10 (higher outside 수도권), 분야 0–10, 급여 0–5, 원격 0–3, uniform.
* companies' criteria: 성적가중치 1, 지역가점 0 or 10 (40 % of non-수도권 slots give local points), 분야가점 5.

Everything is drawn from ``numpy.random.default_rng(seed)``: the same seed gives the same cohort.  Every
table carries a ``합성`` column = "예"; pages, exports and API answers say 합성.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from moduai.regions import get_region, list_regions, megaregion_of, megaregions
from moduai.talent.kdt import CAPITAL_SIDO, load_runs
from moduai.talent.matching import MatchingProblem, rank_within_slots
from moduai.talent.outcomes import young_residents

SOURCE_ID = "talent-synthetic-cohort"
LABEL = "합성 자료 (실제 사람·기업 아님)"


@dataclass(frozen=True)
class Calibration:
    sido_codes: tuple[str, ...]
    sido_weights: tuple[float, ...]
    fields: tuple[str, ...]
    field_weights: tuple[float, ...]


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    """시도 mix of KDT seats (85 %) + 20–34 residents (15 %); top-10 NCS fields of the runs."""

    runs = load_runs()
    seats = runs.groupby("sido_code")["capacity"].sum()
    young = young_residents()
    codes = tuple(r.code for r in list_regions("sido"))
    s = np.array([seats.get(c, 0) for c in codes], float)
    y = np.array([young.get(c, 0) for c in codes], float)
    w = 0.85 * s / s.sum() + 0.15 * y / y.sum()
    top = runs["ncs_name"].value_counts()
    fields = tuple(top.index[:10]) + ("기타",)
    fw = np.r_[top.iloc[:10].to_numpy(float), top.iloc[10:].sum()]
    return Calibration(codes, tuple(w / w.sum()), fields, tuple(fw / fw.sum()))


def synthetic_tables(n_trainees: int = 300, n_slots: int = 60, *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Korean-headed trainee and slot tables (the upload format of :mod:`moduai.talent.preferences`), 합성."""

    cal = calibration()
    rng = np.random.default_rng(seed)
    sido = rng.choice(cal.sido_codes, size=n_slots, p=cal.sido_weights)
    # every 5극3특 group gets at least two slots (its most-weighted 시도), so demo floors can be met

    w = dict(zip(cal.sido_codes, cal.sido_weights, strict=True))
    anchors = [max(g.sido_codes, key=lambda c: w.get(c, 0)) for g in megaregions() if g.id != "capital"]
    for j, code in enumerate([a for a in anchors for _ in range(2)][:n_slots]):
        sido[-(j + 1)] = code
    capital = np.isin(sido, CAPITAL_SIDO)
    fields = rng.choice(cal.fields, size=n_slots, p=cal.field_weights)
    pay = np.round(rng.normal(np.where(capital, 300, 260), 40) / 10) * 10
    mean_cap = max(1.0, n_trainees / max(n_slots, 1))
    cap = np.clip(rng.geometric(1 / mean_cap, size=n_slots), 1, 20)
    slots = pd.DataFrame({
        "자리ID": [f"S{j + 1:04d}" for j in range(n_slots)],
        "기업명": [f"(합성) {get_region(c).short_name} 기업 {j + 1}" for j, c in enumerate(sido)],
        "지역": [get_region(c).name for c in sido], "분야": fields, "월급(만원)": pay.astype(int),
        "원격": np.where(rng.random(n_slots) < 0.2, "예", "아니오"), "정원": cap.astype(int), "성적가중치": 1,
        "지역가점": np.where(~capital & (rng.random(n_slots) < 0.4), 10, 0), "분야가점": 5, "합성": "예",
    })
    home = rng.choice(cal.sido_codes, size=n_trainees, p=cal.sido_weights)
    trainees = pd.DataFrame({
        "훈련생ID": [f"T{i + 1:05d}" for i in range(n_trainees)],
        "거주지역": [get_region(c).name for c in home],
        "희망분야": rng.choice(cal.fields, size=n_trainees, p=cal.field_weights),
        "성적": np.clip(np.round(rng.normal(70, 12, n_trainees)), 0, 100).astype(int),
        "지망": "",
        "가중치_지역": np.round(rng.uniform(0, 10, n_trainees) * np.where(np.isin(home, CAPITAL_SIDO), 0.6, 1.0), 1),
        "가중치_분야": np.round(rng.uniform(0, 10, n_trainees), 1),
        "가중치_급여": np.round(rng.uniform(0, 5, n_trainees), 1),
        "가중치_원격": np.round(rng.uniform(0, 3, n_trainees), 1),
        "합성": "예",
    })
    return trainees, slots


def synthetic_problem(n_trainees: int = 50_000, n_slots: int = 5_000, length: int = 10, *, seed: int = 0,
                      candidates: int = 40) -> MatchingProblem:
    """The same distributions, straight to arrays, for large benchmarks (50,000 × 5,000 in ≈ 1 s).

    Each trainee scores ``candidates`` slots — half drawn from her own 시도 when it has slots, the rest
    at random — and lists her best ``length``.  Companies' scores as in :func:`synthetic_tables`.
    """

    cal = calibration()
    rng = np.random.default_rng(seed)
    codes = np.array(cal.sido_codes)
    s_sido = rng.choice(len(codes), size=n_slots, p=cal.sido_weights)
    s_capital = np.isin(codes[s_sido], CAPITAL_SIDO)
    s_field = rng.choice(len(cal.fields), size=n_slots, p=cal.field_weights)
    s_pay = np.round(rng.normal(np.where(s_capital, 300, 260), 40) / 10) * 10
    s_remote = rng.random(n_slots) < 0.2
    s_bonus = np.where(~s_capital & (rng.random(n_slots) < 0.4), 10.0, 0.0)
    cap = np.clip(rng.geometric(1 / max(1.0, n_trainees / n_slots), size=n_slots), 1, 20).astype(np.int64)
    t_sido = rng.choice(len(codes), size=n_trainees, p=cal.sido_weights)
    t_field = rng.choice(len(cal.fields), size=n_trainees, p=cal.field_weights)
    t_score = np.clip(np.round(rng.normal(70, 12, n_trainees)), 0, 100)
    w_region = rng.uniform(0, 10, n_trainees) * np.where(np.isin(codes[t_sido], CAPITAL_SIDO), 0.6, 1.0)
    w_field, w_pay, w_remote = rng.uniform(0, 10, n_trainees), rng.uniform(0, 5, n_trainees), rng.uniform(0, 3, n_trainees)
    by_sido = [np.flatnonzero(s_sido == k) for k in range(len(codes))]
    half = candidates // 2
    cand = rng.integers(0, n_slots, size=(n_trainees, candidates))
    for k, members in enumerate(by_sido):
        rows = np.flatnonzero(t_sido == k)
        if len(members) and len(rows):
            cand[rows, :half] = members[rng.integers(0, len(members), size=(len(rows), half))]
    cand.sort(axis=1)
    dup = np.zeros_like(cand, bool)
    dup[:, 1:] = cand[:, 1:] == cand[:, :-1]
    pay = (s_pay - s_pay.min()) / 100.0
    u = (w_region[:, None] * (s_sido[cand] == t_sido[:, None]) + w_field[:, None] * (s_field[cand] == t_field[:, None])
         + w_pay[:, None] * pay[cand] + w_remote[:, None] * s_remote[cand] + rng.gumbel(0, 0.5, cand.shape))
    u[dup] = -np.inf
    top = np.argsort(-u, axis=1)[:, :length]
    prefs = np.take_along_axis(cand, top, axis=1).astype(np.int64)
    score = t_score[:, None] + s_bonus[prefs] * (s_sido[prefs] == t_sido[:, None]) + 5.0 * (s_field[prefs] == t_field[:, None])
    lottery = rng.permutation(n_trainees)
    prio = rank_within_slots(prefs, score, lottery)
    groups = megaregions()
    gid = [g.id for g in groups]
    sido_group = np.array([gid.index(megaregion_of(c).id) for c in codes])
    return MatchingProblem([f"T{i + 1:05d}" for i in range(n_trainees)], [f"S{j + 1:04d}" for j in range(n_slots)],
                           prefs, prio, cap, sido_group[s_sido], gid, [g.name for g in groups], seed, True)
