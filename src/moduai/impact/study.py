"""The shipped study: did designation as 인구감소지역 (October 2021, 89 시군구) change the trend of residents
aged 20–39 or of all residents, 2015–2025, against 비수도권 시군구 that were not designated?

Data: KOSIS 주민등록인구 by age (year-end, 2015–2025; moduai.data.population), with every year of a run of
identical age tables dropped (군위군 2015–2023, 미추홀구 2015–2018: copies, not data). Outcome in logs, so a
coefficient of 0.01 is about a 1 % level difference. Treatment: designated units from 2022, the first
year-end after designation (the 2021 year-end came two months after it). Controls: ``non_designated`` —
비수도권 시군구 that are neither 인구감소지역 nor 관심지역; or ``interest`` — the 18 관심지역, which were
near the line and so more alike. 세종 and 제주 행정시 are in the spine as 시군구 and are kept.

Designation was not random: it picked places already losing people. The event study shows whether
their trend differed before 2022; if it did, the post-2022 difference is not the designation's effect.
Placebo: the same regression on 2015–2021 only, pretending designation happened in 2018 or 2019.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from moduai.data.population import kosis_age_sex, population_decline_areas, repeated_years
from moduai.errors import InputError
from moduai.impact.did import DidEstimate, EventStudy, event_study, twfe
from moduai.regions import get_region

OUTCOMES = {"residents_20_39": "20–39세 인구 (로그)", "population": "총인구 (로그)"}
CONTROLS = {"non_designated": "지정되지 않은 비수도권 시군구", "interest": "관심지역 18곳"}
TREATMENT_YEAR = 2022
CAPITAL_SIDO = ("11", "28", "41")


@dataclass
class DeclineStudy:
    outcome: str
    outcome_label: str
    control: str
    control_label: str
    estimate: DidEstimate
    estimate_sido_clusters: DidEstimate
    event_study: EventStudy
    placebos: list[dict]
    reading: str
    n_treated: int
    n_control: int
    years: list[int]
    dropped: list[str]
    treated_mean: list[dict]
    control_mean: list[dict]
    notes: list[str] = field(default_factory=list)
    sources: tuple[str, ...] = ("population-kosis-atlas", "population-decline-areas")


@lru_cache(maxsize=1)
def study_panel() -> pd.DataFrame:
    """One row per 시군구 and year 2015–2025: code, sido, year, residents_20_39, population, group."""

    t = kosis_age_sex()
    t = t[t.level == "sigungu"]
    young = t[t.age.between(20, 35)].groupby(["code", "year"])["value"].sum().rename("residents_20_39")
    total = t.groupby(["code", "year"])["value"].sum().rename("population")
    df = pd.concat([young, total], axis=1).reset_index()
    bad = repeated_years("kosis")
    df = df[[(c, int(y)) not in bad for c, y in zip(df.code, df.year)]]
    kind = {d.code: d.kind for d in population_decline_areas()}
    df["group"] = df.code.map(kind).fillna("없음")
    df["sido"] = df.code.str[:2]
    return df.reset_index(drop=True)


def _panel(outcome: str, control: str) -> pd.DataFrame:
    df = study_panel().copy()
    ctrl = (df.group == "관심지역") if control == "interest" else \
        ((df.group == "없음") & ~df.sido.isin(CAPITAL_SIDO))
    df = df[(df.group == "인구감소지역") | ctrl].copy()
    df["treated_unit"] = (df.group == "인구감소지역").astype(int)
    df["treated"] = ((df.treated_unit == 1) & (df.year >= TREATMENT_YEAR)).astype(int)
    df["y"] = np.log(df[outcome])
    return df


@lru_cache(maxsize=8)
def decline_study(outcome: str = "residents_20_39", control: str = "non_designated", *,
                  bootstrap_reps: int = 499) -> DeclineStudy:
    """The study for one outcome and control group (cached: the data are fixed and the bootstrap seeded)."""
    if outcome not in OUTCOMES:
        choices = ", ".join(f"{label}({key})" for key, label in OUTCOMES.items())
        raise InputError(f"결과 변수(outcome)는 {choices} 중 하나여야 합니다. 받은 값: '{outcome}'.",
                         field="outcome")
    if control not in CONTROLS:
        choices = ", ".join(f"{label}({key})" for key, label in CONTROLS.items())
        raise InputError(f"비교 집단(control)은 {choices} 중 하나여야 합니다. 받은 값: '{control}'.",
                         field="control")
    df = _panel(outcome, control)
    est = twfe(df, outcome="y", unit="code", time="year", treated="treated")
    est_sido = twfe(df, outcome="y", unit="code", time="year", treated="treated", cluster="sido",
                    bootstrap_reps=bootstrap_reps)
    es = event_study(df, outcome="y", unit="code", time="year", treated="treated", leads=7, lags=3)
    placebos = []
    pre = df[df.year < TREATMENT_YEAR].copy()
    for fake in (2018, 2019):
        pre["treated"] = ((pre.treated_unit == 1) & (pre.year >= fake)).astype(int)
        p = twfe(pre, outcome="y", unit="code", time="year", treated="treated")
        placebos.append({"fake_year": fake, "estimate": p.estimate, "ci_low": p.ci_low, "ci_high": p.ci_high,
                         "p_value": p.p_value})
    means = df.groupby(["treated_unit", "year"])["y"].mean()
    tm = [{"year": int(y), "mean_log": float(v)} for (g, y), v in means.items() if g == 1]
    cm = [{"year": int(y), "mean_log": float(v)} for (g, y), v in means.items() if g == 0]

    dropped = sorted({f"{get_region(c).full_name} {y}년" for c, y in repeated_years("kosis")})
    return DeclineStudy(outcome, OUTCOMES[outcome], control, CONTROLS[control], est, est_sido, es, placebos,
                        _reading(est, es, placebos, OUTCOMES[outcome], CONTROLS[control]),
                        int(df[df.treated_unit == 1].code.nunique()), int(df[df.treated_unit == 0].code.nunique()),
                        sorted(df.year.unique().tolist()), dropped, tm, cm,
                        notes=[f"처리 시작: {TREATMENT_YEAR}년 말 인구부터 (지정은 2021년 10월, 2021년 말은 두 달 뒤)",
                               "같은 연령표가 해마다 되풀이된 해(원자료의 복사본)는 모두 뺐습니다"])


def _pct(x: float) -> str:
    return f"{(np.exp(x) - 1) * 100:+.1f}%"


def _reading(est: DidEstimate, es: EventStudy, placebos: list[dict], label: str, control: str) -> str:
    sig = est.ci_low > 0 or est.ci_high < 0
    parts = [f"지정 뒤({TREATMENT_YEAR}–2025년) 인구감소지역의 {label.replace(' (로그)', '')}는 {control}에 비해 평균 "
             f"{_pct(est.estimate)} 달랐습니다 (95% 구간 {_pct(est.ci_low)} ~ {_pct(est.ci_high)})."]
    parts.append("구간이 0을 포함하지 않습니다." if sig else "구간이 0을 포함해, 차이가 있다고 말할 수 없습니다.")
    if es.pretrend_flat is False:
        parts.append(f"그러나 지정 전에도 추세가 달랐습니다 (사전 추세 검정 유의확률 {es.pretrend_p_value:.3f}). 이 차이를 "
                     "지정의 효과로 읽으면 안 되고, 원래 있던 감소 추세가 이어진 것일 수 있습니다.")
    elif es.pretrend_flat:
        parts.append(f"지정 전 추세는 통계적으로 구별되지 않았습니다 (유의확률 {es.pretrend_p_value:.3f}) — 그래도 지정은 "
                     "무작위가 아니어서 다른 정책·경기 변화와 섞일 수 있습니다.")
    bad = [p for p in placebos if p["ci_low"] > 0 or p["ci_high"] < 0]
    if bad:
        parts.append(f"가짜 지정 연도({', '.join(str(p['fake_year']) for p in bad)}년) 검사에서도 '효과'가 나와, "
                     "이 설계가 지정 전부터 있던 차이를 효과로 잘못 잡을 수 있음을 보여 줍니다.")
    else:
        parts.append("가짜 지정 연도(2018·2019년) 검사에서는 '효과'가 나오지 않았습니다.")
    return " ".join(parts)
