"""Tenant isolation in the domain API: hub A's operator gets NotFound for every hub B object."""

from __future__ import annotations

import pytest

from moduai.accounts.policy import Principal
from moduai.db import session_scope
from moduai.errors import Forbidden, NotFound
from moduai.hubs import kpis as K
from moduai.hubs import service as S
from tests.hubs.conftest import ADMIN


@pytest.fixture
def world(two_hubs):
    w = dict(two_hubs)
    with session_scope() as s:
        for h, org in (("a", w["org_a"]), ("b", w["org_b"])):
            prog = S.add_program(s, ADMIN, w[h], name="프로그램", field="AI 도입")
            coh = S.add_cohort(s, ADMIN, w[h], program_id=prog, name="1기", year=2025, capacity=5,
                               starts_on="2025-03-01", ends_on="2025-09-01",
                               criteria=[{"name": "사업성", "weight": 1, "max": 100}])
            app = S.apply(s, ADMIN, coh.id, org, applied_on="2025-02-01")
            S.decide(s, ADMIN, app, status="selected", on="2025-03-01")
            w[f"prog_{h}"], w[f"cohort_{h}"], w[f"app_{h}"] = prog, coh.id, app
            w[f"cons_{h}"] = S.add_consultation(s, ADMIN, w[h], held_on="2025-04-01", topic="마케팅",
                                                notes="메모", organisation_id=org).id
            p = S.add_person(s, ADMIN, w[h], name="홍길동", birth_date="1980-05-05", phone="010-2222-3333",
                             consent_on="2025-01-01")
            w[f"person_{h}"] = p.id
        S.add_organisation(s, ADMIN, w["b"], name="전주팜 주식회사", brn="220-81-62517")
        w["prop_b"] = S.propose_duplicates(s, ADMIN, w["b"])[0].id
        w["log_b"] = S.merge(s, ADMIN, w["prop_b"]).log_id
    return w


def calls(w):
    """Every domain function that touches one object, aimed at hub B's objects."""
    b = w["b"]
    return {
        "get_hub": lambda s, p: S.get_hub_row(s, p, b),
        "get_hub_slug": lambda s, p: S.get_hub_row(s, p, "hub-b"),
        "get_organisation": lambda s, p: S.get_organisation(s, p, w["org_b"]),
        "timeline": lambda s, p: S.organisation_timeline(s, p, w["org_b"]),
        "list_orgs": lambda s, p: S.list_organisations(s, p, b),
        "list_people": lambda s, p: S.list_people(s, p, b),
        "cohorts": lambda s, p: S.list_cohorts(s, p, b),
        "cohort_page": lambda s, p: S.get_cohort_page(s, p, w["cohort_b"]),
        "consultation": lambda s, p: S.get_consultation(s, p, w["cons_b"]),
        "consultations": lambda s, p: S.list_consultations(s, p, b),
        "kpis": lambda s, p: K.compute_kpis(s, p, b, 2025),
        "kpis_cohort_of_b_on_a": lambda s, p: K.compute_kpis(s, p, w["a"], 2025, cohort_id=w["cohort_b"]),
        "add_org": lambda s, p: S.add_organisation(s, p, b, name="x"),
        "add_person": lambda s, p: S.add_person(s, p, b, name="김철수", birth_date="1990-01-01",
                                                 phone="01011112222", consent_on="2025-01-01"),
        "add_program": lambda s, p: S.add_program(s, p, b, name="x", field="AI 도입"),
        "add_cohort": lambda s, p: S.add_cohort(s, p, w["a"], program_id=w["prog_b"], name="x", year=2025,
                                                capacity=1, starts_on="2025-01-01", ends_on="2025-02-01"),
        "apply_b_cohort": lambda s, p: S.apply(s, p, w["cohort_b"], w["org_a"], applied_on="2025-01-01"),
        "apply_b_org": lambda s, p: S.apply(s, p, w["cohort_a"], w["org_b"], applied_on="2025-01-01"),
        "score": lambda s, p: S.score(s, p, w["app_b"], criterion="사업성", value=50, reason="충분한 근거"),
        "decide": lambda s, p: S.decide(s, p, w["app_b"], status="completed", on="2025-09-01"),
        "participation": lambda s, p: S.add_participation(s, p, w["app_b"], held_on="2025-04-01", session_title="x"),
        "support": lambda s, p: S.add_support(s, p, w["org_b"], given_on="2025-04-01", kind="공간"),
        "outcome": lambda s, p: S.add_outcome(s, p, w["org_b"], observed_on="2025-04-01", kind="휴업",
                                              evidence="자가 보고"),
        "consult": lambda s, p: S.add_consultation(s, p, b, held_on="2025-04-01", topic="마케팅"),
        "consult_b_org": lambda s, p: S.add_consultation(s, p, w["a"], held_on="2025-04-01", topic="마케팅",
                                                          organisation_id=w["org_b"]),
        "propose": lambda s, p: S.propose_duplicates(s, p, b),
        "proposals": lambda s, p: S.list_proposals(s, p, b),
        "merge": lambda s, p: S.merge(s, p, w["prop_b"]),
        "undo": lambda s, p: S.undo_merge(s, p, w["log_b"]),
        "merge_log": lambda s, p: S.merge_log(s, p, b),
        "stale": lambda s, p: S.stale_organisations(s, p, b, today=__import__("datetime").date(2025, 12, 1)),
    }


@pytest.mark.parametrize("role", ["operator", "mentor"])
def test_hub_a_staff_get_not_found_for_every_hub_b_object(world, role):
    who = Principal(role=role, user_id=5, hub_id=world["a"])
    for name, call in calls(world).items():
        with session_scope() as s, pytest.raises(NotFound):
            call(s, who)
            pytest.fail(f"{name} answered for another hub")
    with session_scope() as s:  # and their own hub works
        assert S.get_organisation(s, who, world["org_a"]).id == world["org_a"]
        assert [h.id for h in S.list_hubs(s, who)] == [world["a"]]


def test_mentor_may_record_consultations_but_not_operate(world):
    mentor = Principal(role="mentor", user_id=6, hub_id=world["a"])
    with session_scope() as s:
        S.add_consultation(s, mentor, world["a"], held_on="2025-05-01", topic="현장 AI", notes="설비 데이터")
        with pytest.raises(Forbidden):
            S.add_organisation(s, mentor, world["a"], name="새 기업")


def test_planner_sees_aggregates_of_region_hubs_only(world):
    planner = Principal(role="planner", user_id=7, region_code="47")
    with session_scope() as s:
        assert [h.id for h in S.list_hubs(s, planner)] == [world["a"]]
        for fn in (lambda: S.get_organisation(s, planner, world["org_a"]),
                   lambda: S.list_people(s, planner, world["a"]),
                   lambda: S.organisation_timeline(s, planner, world["org_a"]),
                   lambda: S.get_consultation(s, planner, world["cons_a"])):
            with pytest.raises(NotFound):
                fn()


def test_members_and_anonymous_see_no_hub(world):
    for p in (Principal(), Principal(role="member", user_id=3)):
        with session_scope() as s:
            assert S.list_hubs(s, p) == []
            with pytest.raises(NotFound):
                S.get_hub_row(s, p, world["a"])
