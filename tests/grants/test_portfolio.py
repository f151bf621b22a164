"""Project portfolio: the MILP equals brute-force enumeration, reasons hold, bad files are reported row by row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from moduai.errors import ImportRejected, InputError
from moduai.grants import PortfolioRules, brute_force, demo_projects, optimise, read_projects
from moduai.grants.portfolio import parse_limits, plan_portfolio


def _random_projects(seed: int, n: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    fields = ["농업", "관광", "청년"]
    rows = []
    for i in range(n):
        rows.append({
            "사업ID": f"P{i}", "사업명": f"사업{i}", "분야": fields[i % 3],
            "사업비_2026": f"{rng.integers(1, 20)}억", "사업비_2027": f"{rng.integers(0, 20)}억",
            "지방비비율": str(rng.choice([0.0, 0.1, 0.2, 0.3])),
            "효과_일자리": str(rng.integers(0, 60)), "효과_생활인구": str(rng.integers(0, 2000)),
            "선행사업": f"P{i - 1}" if i % 4 == 3 else "", "배타그룹": "A" if i % 5 == 0 else "",
            "필수": "예" if i == 7 else "",
        })
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(8))
def test_milp_equals_brute_force(seed):
    projects = read_projects(_random_projects(seed))
    rules = PortfolioRules(grant_krw=60 * 10**8, yearly_cash_krw={2026: 35 * 10**8},
                           local_funds_krw=8 * 10**8, field_min_krw={"청년": 5 * 10**8},
                           field_max_krw={"관광": 30 * 10**8}, weights={"일자리": 2.0})
    bf = brute_force(projects, rules)
    if bf is None:
        with pytest.raises(InputError):
            optimise(projects, rules, frontier_steps=0)
        return
    res = optimise(projects, rules, frontier_steps=3)
    assert res.objective == pytest.approx(bf[0], abs=1e-9)
    chosen = {d.id for d in res.decisions if d.selected}
    # the chosen set satisfies every rule, checked here directly
    by_id = {p.id: p for p in projects}
    assert sum(by_id[i].grant_cost for i in chosen) <= rules.grant_krw
    assert sum((1 - by_id[i].local_share) * by_id[i].costs.get(2026, 0) for i in chosen) <= 35 * 10**8 + 1
    assert sum(by_id[i].local_cost for i in chosen) <= 8 * 10**8
    assert "P7" in chosen
    assert all(q in chosen for i in chosen for q in by_id[i].requires)
    assert sum(by_id[i].exclusive_group == "A" for i in chosen) <= 1
    # a project left out with a value gap really needs that much more value to enter
    for d in res.decisions:
        if not d.selected and d.value_gap:
            assert d.value_gap > 0 and "선정됩니다" in d.reason


def test_demo_haenam_portfolio_and_reasons():
    res = plan_portfolio(None, budget="120억", yearly_cash=["2026=45억"], field_min=["청년정착=15억"])
    assert res.label.startswith("예시") and res.region == "해남군"
    chosen = {d.id for d in res.decisions if d.selected}
    assert "P09" in chosen  # 필수
    assert res.grant_used_krw <= 120 * 10**8
    assert len({d.id for d in res.decisions if d.selected and d.id in ("P04", "P05", "P13")}) <= 1
    assert "국비 총액" in res.binding
    bf = brute_force(demo_projects(), PortfolioRules(120 * 10**8, {2026: 45 * 10**8}, None, {"청년정착": 15 * 10**8}))
    assert res.objective == pytest.approx(bf[0]) and chosen == set(bf[1])
    reasons = {d.id: d.reason for d in res.decisions}
    assert reasons["P09"] == "필수 사업으로 지정됨"
    assert all(reasons.values())
    values = [f["value"] for f in res.frontier if f["value"] is not None]
    assert values == sorted(values)  # more money never lowers the best value


def test_infeasible_rules_name_the_conflict():
    with pytest.raises(InputError) as e:
        plan_portfolio(None, budget="30억", field_min=["청년정착=15억"])
    msg = e.value.message
    assert "국비 총액" in msg and "청년정착" in msg


def test_bad_project_file_reports_every_row():
    df = _random_projects(0, n=4)
    df.loc[1, "사업비_2026"] = "열두억"
    df.loc[2, "사업ID"] = "P0"
    df.loc[3, "지방비비율"] = "1.5"
    df.loc[0, "선행사업"] = "P99"
    with pytest.raises(ImportRejected) as e:
        read_projects(df)
    lines = sorted((r.line, r.value) for r in e.value.rows)
    assert (3, "열두억") in lines and (4, "P0") in lines and (5, "1.5") in lines and (2, "P99") in lines


def test_missing_columns_and_limits():
    with pytest.raises(InputError) as e:
        read_projects(pd.DataFrame([{"사업ID": "a", "사업명": "b"}]))
    assert "분야" in e.value.message
    assert parse_limits(["2026=45억", "2027=1조"], field="cash", key_is_year=True) == {2026: 45 * 10**8, 2027: 10**12}
    with pytest.raises(InputError) as e:
        parse_limits(["2026:45억"], field="cash", key_is_year=True)
    assert e.value.field == "cash"


def test_template_round_trips_through_csv_bytes():
    from moduai.grants.portfolio import DEMO_FILE

    projects = read_projects(DEMO_FILE.read_bytes())
    assert len(projects) == 14 and projects[0].costs == {2026: 20 * 10**8, 2027: 25 * 10**8, 2028: 15 * 10**8}
    assert projects[1].requires == ("P01",) and projects[8].must
