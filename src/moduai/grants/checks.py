"""Run each scheme's own worked tests (the ``tests:`` list of its YAML), as OpenFisca runs its YAML tests."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from moduai.grants.scheme import Scheme, get_scheme, list_schemes
from moduai.grants.simulate import allocate
from moduai.korean import parse_won

# What a test region has unless it says otherwise: a non-capital 군, no budget figure.
INPUT_DEFAULTS = {"sido_code": "99", "capital_region": False, "county": True, "designation": "없음",
                  "population": 10000.0, "decline_index": 0.3, "decline_index_change": -0.1,
                  "fiscal_independence": 15.0, "budget_2026": float("nan"), "note": ""}


@dataclass
class SchemeTestResult:
    scheme: str
    name: str
    passed: bool
    expected: dict[str, int]
    got: dict[str, int]
    expected_reserve: int | None
    got_reserve: int


def run_scheme_tests(scheme: Scheme | str | None = None) -> list[SchemeTestResult]:
    schemes = list_schemes() if scheme is None else [get_scheme(scheme) if isinstance(scheme, str) else scheme]
    out = []
    for s in schemes:
        for case in s.tests:
            frame = pd.DataFrame([{**INPUT_DEFAULTS, **r} for r in case["inputs"]])
            frame["code"] = frame["code"].astype(str)
            res = allocate(s, budget=case.get("budget_krw"), grades=case.get("grades"), tiers=case.get("tiers"),
                           inputs=frame)
            got = {r.code: r.amount_krw for r in res.rows}
            expected = {str(k): parse_won(v, field="expect") for k, v in case["expect"].items()}
            reserve = case.get("expect_reserve")
            reserve = None if reserve is None else parse_won(reserve, field="expect_reserve")
            ok = got == expected and (reserve is None or reserve == res.reserve_krw)
            out.append(SchemeTestResult(s.id, case["name"], ok, expected, got, reserve, res.reserve_krw))
    return out
