"""Records, duplicate proposals, merges that can be undone, timeline across hubs (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from moduai.db import session_scope
from moduai.hubs import models as M
from moduai.hubs import service as S
from tests.hubs.conftest import ADMIN


def test_people_are_stored_masked_with_keyed_identity(two_hubs):
    with session_scope() as s:
        p = S.add_person(s, ADMIN, two_hubs["a"], name="김민수", birth_date="1990-01-02", phone="010-1234-5678",
                         consent_on="2025-03-01")
        row = s.get(M.PersonRow, p.id)
        stored = " ".join(str(v) for v in (row.name_masked, row.phone_masked, row.person_key))
    assert "민" not in stored and "1234" not in stored
    assert row.name_masked == "김*수" and len(row.person_key) == 64


def test_duplicates_are_proposed_merged_and_undone(two_hubs):
    a = two_hubs["a"]
    with session_scope() as s:
        keep = two_hubs["org_a"]
        dup = S.add_organisation(s, ADMIN, a, name="(주)포항테크", brn="124-81-00998").id
        similar = S.add_organisation(s, ADMIN, a, name="포항 테크 주식회사").id
        other = S.add_organisation(s, ADMIN, a, name="영일만수산").id
        p1 = S.add_person(s, ADMIN, a, name="김민수", birth_date="1990-01-02", phone="01012345678", consent_on="2025-01-01")
        p2 = S.add_person(s, ADMIN, a, name="김 민수", birth_date="1990-01-02", phone="010-1234-5678",
                          consent_on="2025-02-01")
        S.add_outcome(s, ADMIN, dup, observed_on="2025-06-30", kind="고용", headcount=4, evidence="고용보험")
        sup = S.add_support(s, ADMIN, dup, given_on="2025-05-01", kind="자금", amount_krw=30_000_000)
        props = S.propose_duplicates(s, ADMIN, a)
        assert S.propose_duplicates(s, ADMIN, a) == []  # not proposed twice
    got = {(p.entity, p.keep_id, p.other_id) for p in props}
    assert ("organisation", keep, dup) in got and ("person", p1.id, p2.id) in got
    assert ("organisation", keep, similar) in got or ("organisation", dup, similar) in got
    assert not any(other in (p.keep_id, p.other_id) for p in props)
    # nothing merged silently
    with session_scope() as s:
        assert s.get(M.OrganisationRow, dup).merged_into_id is None
        brn_prop = next(p for p in props if p.keep_id == keep and p.other_id == dup)
        res = S.merge(s, ADMIN, brn_prop.id)
    assert res.moved["hub_supports.organisation_id"] == [sup]
    with session_scope() as s:
        assert s.get(M.SupportRow, sup).organisation_id == keep
        assert s.get(M.OrganisationRow, dup).merged_into_id == keep
        undone = S.undo_merge(s, ADMIN, res.log_id)
    assert undone.undone
    with session_scope() as s:
        assert s.get(M.SupportRow, sup).organisation_id == dup
        assert s.get(M.OrganisationRow, dup).merged_into_id is None
        log = s.scalars(select(M.MergeLogRow)).one()
        assert log.undone_at is not None and s.get(M.DuplicateProposalRow, brn_prop.id).status == "open"


def test_timeline_follows_one_firm_across_hubs_in_order(two_hubs):
    with session_scope() as s:
        b_same = S.add_organisation(s, ADMIN, two_hubs["b"], name="포항테크 전주지점", brn="124-81-00998").id
        S.add_outcome(s, ADMIN, two_hubs["org_a"], observed_on="2024-01-05", kind="고용", headcount=3, evidence="고용보험")
        S.add_support(s, ADMIN, b_same, given_on="2023-07-01", kind="공간", space_m2=30)
        S.add_outcome(s, ADMIN, two_hubs["org_a"], observed_on="2025-02-01", kind="본점 이전", region_code="11680",
                      evidence="공시")
        tl = S.organisation_timeline(s, ADMIN, two_hubs["org_a"])
    assert [e.kind for e in tl.events] == ["지원", "고용", "본점 이전"]
    assert {e.hub_name for e in tl.events} == {"포항 거점센터", "전주 거점센터"}
    assert tl.movement == "수도권으로 이동"


def test_movement_classes():
    assert S.movement_class("47111", "47", "47111") == "그대로"
    assert S.movement_class("47111", "47", "47190") == "권역 안 이동"
    assert S.movement_class("47111", "47", "41135") == "수도권으로 이동"
    assert S.movement_class("47111", "47", "26110") == "다른 지역으로 이동"


def test_timeline_names_the_linked_program_not_its_code(two_hubs):
    """A 지원사업 award links to a moduai.programs entry: the timeline shows its name (catalog), never the slug;
    a code the programs list does not know is said to be unknown."""
    from moduai.programs.catalog import load_starter_catalog

    name = {p.slug: p.name for p in load_starter_catalog()}["sample-regional-ai-voucher"]
    with session_scope() as s:
        S.add_support(s, ADMIN, two_hubs["org_a"], given_on="2024-05-01", kind="자금", amount_krw=10_000_000,
                      program_slug="sample-regional-ai-voucher")
        S.add_support(s, ADMIN, two_hubs["org_a"], given_on="2024-06-01", kind="지원사업", program_slug="nope-123")
        tl = S.organisation_timeline(s, ADMIN, two_hubs["org_a"])
    assert [e.detail for e in tl.events] == [f"10,000,000원 · {name}", "지원사업 목록에 없는 코드 nope-123"]
    assert name == "(예시) 지역 AI 바우처"
