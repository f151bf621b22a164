"""Shipped-scheme allocations and the 해남군 예시 portfolio are computed once per process: the same answer as
a fresh computation, and any other input (budget, grades, rules, the example file itself) is computed anew."""

from __future__ import annotations

import json
import os

from moduai.grants import allocate, demo_projects, optimise
from moduai.grants import portfolio as P
from moduai.grants.portfolio import PortfolioRules, plan_portfolio
from moduai.grants.simulate import _allocate, compare_schemes
from moduai.results import to_jsonable


def _json(x) -> str:
    return json.dumps(to_jsonable(x), ensure_ascii=False, sort_keys=True, default=str)


def test_shipped_allocation_is_kept_and_equals_a_fresh_one():
    a = allocate("pogwal-2026")
    assert allocate("pogwal-2026") is a
    assert _json(a) == _json(_allocate("pogwal-2026"))
    small = allocate("pogwal-2026", budget="3.8조")
    assert small is not a and small.budget_krw == 3_800_000_000_000 != a.budget_krw
    assert allocate("pogwal-2026", budget=3_800_000_000_000) is small  # '3.8조' and the number: one entry
    assert _json(small) == _json(_allocate("pogwal-2026", budget="3.8조"))
    # the money adds up to the budget whichever way it was computed
    assert small.allocated_krw + small.reserve_krw == 3_800_000_000_000
    assert sum(r.amount_krw for r in small.rows) == small.allocated_krw


def test_user_inputs_are_never_served_from_the_cache():
    plain = allocate("sobyeol-fund-2025")
    assert allocate("sobyeol-fund-2025") is plain
    graded = allocate("sobyeol-fund-2025", grades={"90001": "우수"})  # a user's grades: computed fresh
    assert graded is not plain and allocate("sobyeol-fund-2025", grades={"90001": "우수"}) is not graded
    assert graded.inputs["grades_given"] == 1 and plain.inputs["grades_given"] == 0
    assert _json(graded) == _json(_allocate("sobyeol-fund-2025", grades={"90001": "우수"}))
    assert allocate("sobyeol-fund-2025", grades={}) is not plain  # even an empty dict is the user's input
    assert allocate("sobyeol-fund-2025") is plain  # and the kept answer did not change


def test_compare_uses_the_kept_allocations_and_still_adds_up():
    c = compare_schemes("pogwal-2026", "pogwal-2026", budget_a="3.8조")
    assert _json(c) == _json(compare_schemes("pogwal-2026", "pogwal-2026", budget_a="3.8조"))
    a, b = _allocate("pogwal-2026", budget="3.8조"), _allocate("pogwal-2026")
    assert sum(r.change_krw for r in c.rows) == b.allocated_krw - a.allocated_krw


KW = dict(budget="120억", region="해남군", yearly_cash=["2026=45억"], field_min=["청년정착=15억"])


def test_demo_portfolio_is_kept_equals_a_fresh_solve_and_other_rules_miss():
    p = plan_portfolio(None, **KW)
    assert plan_portfolio(None, **KW) is p
    assert _json(p) == _json(P._plan_portfolio(None, **KW))
    rules = PortfolioRules(grant_krw=120 * 10**8, yearly_cash_krw={2026: 45 * 10**8},
                           field_min_krw={"청년정착": 15 * 10**8})
    direct = optimise(demo_projects(), rules, region="해남군", label=p.label)
    assert p.objective == direct.objective and p.grant_used_krw == direct.grant_used_krw
    smaller = plan_portfolio(None, **{**KW, "budget": "60억"})
    assert smaller is not p and smaller.grant_used_krw <= 60 * 10**8 < p.grant_used_krw
    assert smaller.objective < p.objective


def test_demo_portfolio_follows_the_example_file(tmp_path, monkeypatch):
    demo = tmp_path / "demo.csv"
    demo.write_text(P.DEMO_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(P, "DEMO_FILE", demo)
    before = plan_portfolio(None, **KW)
    # the example file changes (every effect of P01 doubled … written as a new file state): a new answer
    text = demo.read_text(encoding="utf-8").replace("P01,스마트팜 혁신밸리 기반 조성,농업·스마트팜,20억,25억,15억,0.2,60,300,40",
                                                    "P01,스마트팜 혁신밸리 기반 조성,농업·스마트팜,20억,25억,15억,0.2,600,3000,400")
    assert text != demo.read_text(encoding="utf-8")
    demo.write_text(text, encoding="utf-8")
    st = demo.stat()
    os.utime(demo, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    after = plan_portfolio(None, **KW)
    assert after is not before
    assert _json(after) == _json(P._plan_portfolio(None, **KW))
    assert next(d for d in after.decisions if d.id == "P01").value > next(d for d in before.decisions
                                                                           if d.id == "P01").value
