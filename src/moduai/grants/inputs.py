"""What a grant formula needs about each 시군구, from moduai's own data, in one table.

One row per 시군구 of the region spine (229): population (주민등록 year-end, MOIS 2024), 지방소멸위험지수
2024 and its change since 2015 (KOSIS), 재정자립도 2025 (after the 2014 세입 분류 change, 지방재정365),
2026 세출예산 (원), 인구감소지역/관심지역 designation (2021), 수도권 or not, and 군 (a 농어촌 proxy:
the 군 of the spine; 도농복합시 are not counted as 농어촌 here — a stated simplification).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from moduai.data.population import (
    decline_index_table,
    fiscal_independence,
    mois_age_sex,
    population_decline_areas,
)
from moduai.regions import list_regions

FINANCE_FILE = Path(__file__).with_name("data") / "local_finance_by_sigungu.json"
CAPITAL_SIDO = ("11", "28", "41")  # 서울, 인천, 경기
POPULATION_YEAR = 2024
NEED_YEAR = 2024
NEED_BASE_YEAR = 2015
FISCAL_YEAR = 2025
SOURCES = ("population-mois-age", "population-kosis-atlas", "population-decline-areas", "local-finance-365")

COLUMNS = {
    "code": "행안부 시군구 코드",
    "name": "시군구",
    "sido_code": "시도 코드",
    "capital_region": "수도권 여부",
    "county": "군 여부(농어촌 근사)",
    "designation": "인구감소지역/관심지역/없음",
    "population": f"주민등록 인구 {POPULATION_YEAR} (명)",
    "decline_index": f"지방소멸위험지수 {NEED_YEAR}",
    "decline_index_change": f"지방소멸위험지수 변화 {NEED_BASE_YEAR}→{NEED_YEAR}",
    "fiscal_independence": f"재정자립도 {FISCAL_YEAR} (%, 세입 분류 개편 후)",
    "budget_2026": "2026 세출예산 (원)",
}


@dataclass(frozen=True)
class InputTable:
    """The per-시군구 inputs with what each column means and where it came from."""

    frame: pd.DataFrame
    columns: dict[str, str]
    notes: list[str]
    sources: tuple[str, ...] = SOURCES


@lru_cache(maxsize=1)
def _finance() -> dict:
    return json.loads(FINANCE_FILE.read_text(encoding="utf-8"))["by_code"]


@lru_cache(maxsize=1)
def region_inputs() -> InputTable:
    """The table every scheme reads (cached: the inputs are fixed files)."""
    regions = list_regions("sigungu")
    pop = mois_age_sex()
    pop = pop[(pop.year == POPULATION_YEAR) & (pop.level == "sigungu")].groupby("code")["value"].sum()
    need = decline_index_table("kosis")
    need = need[need.level == "sigungu"].set_index(["code", "year"])["index"]
    designation = {a.code: a.kind for a in population_decline_areas()}
    fi_fallback = fiscal_independence().set_index("code")["value"]
    finance = _finance()
    rows, notes = [], []
    for r in regions:
        fin = finance.get(r.code)
        note = ""
        if fin is not None:
            fi = fin["fi"]["post"][fin["fi"]["years"].index(FISCAL_YEAR)]
            budget = sum(v["b"] + v["o"] for v in fin["fld"].values())
        else:
            fi = float(fi_fallback.get(r.code, fi_fallback.get(r.sido_code, float("nan"))))
            budget = float("nan")
            note = "기초 재정 자료 없음(세종·제주 행정시): 재정자립도는 시도 값(개편 전 기준)"
        rows.append({
            "code": r.code, "name": r.full_name, "sido_code": r.sido_code,
            "capital_region": r.sido_code in CAPITAL_SIDO, "county": r.name.endswith("군"),
            "designation": designation.get(r.code, "없음"),
            "population": float(pop.get(r.code, float("nan"))),
            "decline_index": float(need.get((r.code, NEED_YEAR), float("nan"))),
            "decline_index_change": float(need.get((r.code, NEED_YEAR), float("nan"))
                                          - need.get((r.code, NEED_BASE_YEAR), float("nan"))),
            "fiscal_independence": float(fi), "budget_2026": float(budget), "note": note,
        })
        if note:
            notes.append(f"{r.full_name}: {note}")
    frame = pd.DataFrame(rows).set_index("code", drop=False)
    return InputTable(frame, dict(COLUMNS), notes)
