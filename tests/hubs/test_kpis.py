"""KPIs: the YAML's worked tests, Kaplan–Meier against an independent product-limit, and the hand fixture
loaded into SQLite and PostgreSQL through the domain API giving the hand-computed values."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from moduai.accounts.policy import Principal
from moduai.db import session_scope
from moduai.hubs import kpis as K
from moduai.hubs import service as S
from moduai.hubs.survival import kaplan_meier, product_limit
from tests.hubs.conftest import ADMIN

# Hand values (kpis.yaml header explains each): hub 포항, year 2025
HAND_2025 = {
    "applicants": (4, 4, None), "selection_rate": (0.75, 3, 4), "completion_rate": (2 / 3, 2, 3),
    "survival_1y": (20 / 27, 5, 10), "survival_3y": (40 / 81, 2, 10), "survival_5y": (40 / 81, 1, 10),
    "jobs_created": (3, 3, 6), "investment": (700_000_000, 700_000_000, 2),
    "repeat_recipient_share": (0.75, 3, 4), "first_timer_share": (0.25, 1, 4), "decline_area_share": (0.5, 2, 4),
    "retention_1y": (0.5, 1, 2), "retention_3y": (0.0, 0, 1),
}


def test_yaml_worked_tests_pass_and_can_fail(monkeypatch):
    assert K.run_kpi_tests() == []
    broken = copy.deepcopy(K._yaml())
    broken["kpis"][3]["tests"][0]["expect"]["value"] = 0.7  # survival_1y is 20/27, not 0.7
    monkeypatch.setattr(K, "_yaml", lambda: broken)
    fails = K.run_kpi_tests()
    assert [f.kpi for f in fails] == ["survival_1y"]


def test_every_kpi_is_documented_and_tested():
    defs = K.kpi_definitions()
    assert {d.id for d in defs} == set(HAND_2025)
    for d in defs:
        assert d.name and d.definition and d.numerator and d.unit and d.tests, d.id
        assert d.kind in K.KINDS


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lifelines_km_equals_product_limit(seed):
    rng = np.random.default_rng(seed)
    d = rng.integers(1, 60, 300).astype(float)  # many ties, events and censorings at the same times
    e = rng.random(300) < 0.4
    for t in (5, 12, 30, 59):
        a, b = kaplan_meier(d, e, t), product_limit(d, e, t)
        assert a.survival == pytest.approx(b.survival, abs=1e-12)
        assert (a.at_risk, a.events, a.censored) == (b.at_risk, b.events, b.censored)


def test_product_limit_by_hand():
    # 5 firms: closures at 2 and 4, censored at 3, 5, 6 → S(4) = (1 − 1/5)(1 − 1/3) = 8/15
    s = product_limit([2, 3, 4, 5, 6], [True, False, True, False, False], 4)
    assert s.survival == pytest.approx(8 / 15) and s.at_risk == 3


def _load_fixture() -> dict:
    """Build the kpis.yaml 'pohang' fixture through the domain API; returns fixture id → database id."""
    fx = K._yaml()["fixtures"]["pohang"]
    ids: dict[str, dict] = {"org": {}, "cohort": {}, "app": {}, "hub": {}}
    with session_scope() as s:
        ids["hub"][1] = S.create_hub(s, ADMIN, name="포항 거점센터", region="47110", slug="pohang").id
        ids["hub"][2] = S.create_hub(s, ADMIN, name="전주 거점센터", region="52110", slug="jeonju").id
        for oid, hub, brn, region in fx["orgs"]["rows"]:
            ids["org"][oid] = S.add_organisation(s, ADMIN, ids["hub"][hub], name=f"기업{oid}", brn=brn,
                                                 region_code=region).id
        prog = {h: S.add_program(s, ADMIN, ids["hub"][h], name="AI 도입 지원", field="AI 도입") for h in (1, 2)}
        for cid, hub, year, start in fx["cohorts"]["rows"]:
            ids["cohort"][cid] = S.add_cohort(s, ADMIN, ids["hub"][hub], program_id=prog[hub], name=f"{year} 기수",
                                              year=year, capacity=10, starts_on=start, ends_on=f"{year}-12-01").id
        for aid, org, cohort, status, applied, selected, completed in fx["apps"]["rows"]:
            app = S.apply(s, ADMIN, ids["cohort"][cohort], ids["org"][org], applied_on=applied)
            if status == "rejected":
                S.decide(s, ADMIN, app, status="rejected", on=applied)
            else:
                S.decide(s, ADMIN, app, status="selected", on=selected)
                if status in ("completed", "dropped"):
                    S.decide(s, ADMIN, app, status=status, on=completed)
            ids["app"][aid] = app
        for _sid, org, given, kind, amount in fx["supports"]["rows"]:
            S.add_support(s, ADMIN, ids["org"][org], given_on=given, kind=kind, amount_krw=amount)
        for _oid, org, when, kind, amount, head, region in fx["outcomes"]["rows"]:
            S.add_outcome(s, ADMIN, ids["org"][org], observed_on=when, kind=kind, evidence="자가 보고",
                          amount_krw=amount, headcount=head, region_code=region,
                          revenue_band="1억 미만" if kind == "매출" else None)
    return ids


def test_kpis_on_hand_fixture_in_database(db_url):
    ids = _load_fixture()
    with session_scope() as s:
        report = K.compute_kpis(s, ADMIN, "pohang", 2025)
    got = {r.id: r for r in report.kpis}
    assert set(got) == set(HAND_2025)
    for kid, (value, num, den) in HAND_2025.items():
        r = got[kid]
        assert r.value == pytest.approx(value, abs=1e-6), kid
        assert (r.numerator, r.denominator) == (num, den), kid
    # a fraction is exactly what its value is (the card shows '분자 / 분모' for these alone); 생존율 (카플란–마이어),
    # sums and counts are not
    fractions = {kid for kid, r in got.items() if r.fraction}
    ratio_kinds = {"selection_rate", "completion_rate", "repeat_share", "first_timer_share", "decline_share",
                   "retention"}
    assert fractions == {d.id for d in K.kpi_definitions() if d.kind in ratio_kinds}
    assert {"selection_rate", "completion_rate", "retention_1y"} <= fractions
    assert not fractions & {"survival_1y", "survival_5y", "applicants"}
    for kid in fractions:
        assert got[kid].value == pytest.approx(got[kid].numerator / got[kid].denominator, abs=5e-7), kid
    org = ids["org"]
    assert got["survival_5y"].rows["numerator"] == [org[2]]
    assert got["repeat_recipient_share"].rows["numerator"] == sorted([org[2], org[6], org[7]])
    assert got["retention_1y"].rows == {"numerator": [org[6]], "denominator": sorted([org[6], org[10]])}
    assert got["survival_1y"].extra["events"] == 2 and got["survival_1y"].extra["censored"] == 3
    # one cohort (2024): 3 applicants, 2 of 3 completed
    with session_scope() as s:
        c24 = {r.id: r for r in K.compute_kpis(s, ADMIN, "pohang", 2025, cohort_id=ids["cohort"][24]).kpis}
    assert (c24["applicants"].value, c24["completion_rate"].numerator, c24["completion_rate"].denominator) == (3, 2, 3)


def test_planner_gets_kpis_without_row_ids(db_url):
    _load_fixture()
    planner = Principal(role="planner", user_id=9, region_code="47")
    with session_scope() as s:
        report = K.compute_kpis(s, planner, "pohang", 2025)
        with pytest.raises(Exception) as e:
            K.compute_kpis(s, planner, "jeonju", 2025)  # outside the planner's region
    assert type(e.value).__name__ == "NotFound"
    assert all(r.rows is None for r in report.kpis)
    assert {r.id: r.value for r in report.kpis}["selection_rate"] == 0.75
