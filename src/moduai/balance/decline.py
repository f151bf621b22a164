"""지방소멸위험 등급과 인구감소지역 지정의 교차표 (planners ask: are the designated areas the ones at risk?)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from moduai.balance.indicators import indicator_values
from moduai.data.population import RISK_THRESHOLDS, population_decline_areas, risk_grade
from moduai.regions import get_region

GRADES = [label for _, label in RISK_THRESHOLDS] + ["소멸저위험"]
DESIGNATIONS = ("인구감소지역", "관심지역", "지정 없음")


@dataclass
class DeclineGradeSummary:
    """How many 시군구 fall in each 지방소멸위험 grade in ``year``, split by 인구감소지역 designation."""

    year: int
    grades: list[str]
    designations: list[str]
    counts: dict[str, dict[str, int]]  # grade → designation → 시군구 count
    totals: dict[str, int]  # grade → count
    at_risk_not_designated: list[dict]  # index < 0.5 but neither 인구감소지역 nor 관심지역
    designated_not_at_risk: list[dict]  # 인구감소지역 with index ≥ 0.5
    sources: list[str] = field(default_factory=lambda: ["population-kosis-atlas", "population-mois-age",
                                                        "population-decline-areas"])


def decline_grade_summary(year: int) -> DeclineGradeSummary:
    """Cross-tabulate the 지방소멸위험 grade of every 시군구 with its 2021 designation.

    Grades (한국고용정보원): < 0.2 소멸고위험, < 0.5 소멸위험진입, < 1.0 주의, < 1.5 보통, else 소멸저위험.
    Raises :class:`~moduai.errors.DataUnavailable` for a year without age data (before 2015).
    """
    values = indicator_values("aging_risk_index", year)
    kind = {a.code: a.kind for a in population_decline_areas()}
    df = pd.DataFrame({"code": values.index, "index": values.to_numpy()})
    df["grade"] = [risk_grade(v) for v in df["index"]]
    df["designation"] = [kind.get(c, "지정 없음") for c in df.code]
    counts = {g: {d: int(((df.grade == g) & (df.designation == d)).sum()) for d in DESIGNATIONS} for g in GRADES}
    totals = {g: int((df.grade == g).sum()) for g in GRADES}

    def rows(sel: pd.DataFrame) -> list[dict]:
        return [{"code": r.code, "name": get_region(r.code).full_name, "index": float(r.index), "grade": r.grade}
                for r in sel.sort_values("index").itertuples()]

    return DeclineGradeSummary(
        int(year), GRADES, list(DESIGNATIONS), counts, totals,
        rows(df[(df["index"] < 0.5) & (df.designation == "지정 없음")]),
        rows(df[(df["index"] >= 0.5) & (df.designation == "인구감소지역")]),
    )
