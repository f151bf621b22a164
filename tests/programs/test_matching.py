"""Ranking: pass before unknown, failures apart with the blocking reason, near misses with a fix."""

from __future__ import annotations

import datetime as dt

from moduai.programs.catalog import Program, apply_ruleset, load_starter_catalog
from moduai.programs.matching import match_programs
from moduai.programs.profile import profile_from_dict
from moduai.programs.rules import parse_ruleset

TODAY = dt.date(2026, 12, 1)


def _program(slug: str, rules: str | None, **kw) -> Program:
    p = Program(slug=slug, name=f"(예시) {slug}", agency="(예시) 기관", kind=kw.pop("kind", "창업"),
                source_kind=kw.pop("source_kind", "sample"), source_label="t", dataset_id="programs-samples",
                is_sample=kw.pop("is_sample", True), **kw)
    if rules:
        apply_ruleset(p, parse_ruleset("version: 1\neffective_from: 2026-01-01\ncriteria:\n" + rules, file=slug))
    return p


PROGRAMS = [
    _program("nation-youth", "  - {id: age, type: age_range, max: 39}\n"
                             "  - {id: w, type: application_window, start: 2026-11-01, end: 2027-01-31}\n"),
    _program("gangneung-youth", "  - {id: age, type: age_range, max: 39}\n"
                                "  - {id: r, type: region, sigungu: ['51150']}\n"
                                "  - {id: w, type: application_window, start: 2026-11-01, end: 2026-12-10}\n"),
    _program("needs-cert", "  - {id: f, type: flags, required: [소상공인확인서]}\n"),
    _program("jeju-only", "  - {id: r, type: region, megaregions: [제주]}\n"),
    _program("old-and-jeju", "  - {id: age, type: age_range, min: 60}\n  - {id: r, type: region, megaregions: [제주]}\n"),
    _program("closed", "  - {id: w, type: application_window, end: 2026-10-31}\n"),
    _program("retired", "  - {id: age, type: age_range, max: 39}\n", status="retired"),
    _program("listing-gangwon", None, is_sample=False, source_kind="bizinfo", region_scope={"sido": ["51"]},
             apply_end=dt.date(2026, 12, 20)),
    _program("listing-stale", None, is_sample=False, source_kind="bizinfo", region_scope={"nationwide": True},
             source_date=dt.date(2025, 8, 29)),
]


def test_ranking_groups_and_reasons():
    profile = profile_from_dict({"age": 29, "region_code": "51150"})
    r = match_programs(profile, PROGRAMS, today=TODAY)
    # Both fully met; the 강릉 one is more specific to the applicant, so it comes first.
    assert [m.slug for m in r.eligible] == ["gangneung-youth", "nation-youth"]
    assert r.eligible[0].fit > r.eligible[1].fit
    assert {m.slug for m in r.unknown} == {"needs-cert", "listing-gangwon"}
    # A listing without rules is never "pass", even when region and window pass.
    listing = next(m for m in r.unknown if m.slug == "listing-gangwon")
    assert listing.machine_rules == "none" and all(c.status == "pass" for c in listing.results)
    assert "자격 규칙이 없습니다" in listing.note
    assert [m.slug for m in r.near_misses] == ["jeju-only"]
    assert r.near_misses[0].what_would_change == "사업장(또는 주소)이 제주특별자치도에 있어야 합니다."
    assert [m.slug for m in r.failed] == ["old-and-jeju"]
    assert r.failed[0].blocking_reason == "만 60세 이상 조건: 만 29세로 해당되지 않습니다"
    assert r.closed_count == 2  # 'closed' and the stale listing
    assert r.total_programs == 8  # retired skipped


def test_include_closed_lists_them_with_the_reason():
    r = match_programs(profile_from_dict({}), PROGRAMS, today=TODAY, include_closed=True)
    closed = {m.slug: m for m in r.failed}
    assert closed["closed"].blocking_reason == "접수 2026년 10월 31일 조건: 마감일(2026년 10월 31일)이 지났습니다"
    assert "180일이 지나 마감된 것으로 봅니다" in closed["listing-stale"].blocking_reason


def test_deadline_breaks_ties():
    a = _program("later", "  - {id: w, type: application_window, end: 2027-03-01}\n")
    b = _program("sooner", "  - {id: w, type: application_window, end: 2026-12-15}\n")
    r = match_programs(profile_from_dict({}), [a, b], today=TODAY)
    assert [m.slug for m in r.eligible] == ["sooner", "later"]
    assert r.eligible[0].days_left == 14


def test_interests_raise_fit():
    a = _program("farm", "  - {id: w, type: application_window, rolling: true}\n", kind="스마트팜")
    b = _program("cafe", "  - {id: w, type: application_window, rolling: true}\n", kind="소상공인")
    r = match_programs(profile_from_dict({"interests": ["스마트팜"]}), [b, a], today=TODAY)
    assert [m.slug for m in r.eligible] == ["farm", "cafe"]


def test_near_miss_with_changeable_condition_comes_first():
    age = _program("age", "  - {id: age, type: age_range, max: 39}\n")
    cert = _program("cert", "  - {id: f, type: flags, required: [소상공인확인서]}\n")
    r = match_programs(profile_from_dict({"age": 45, "flags": {"소상공인확인서": False}}), [age, cert], today=TODAY)
    assert [m.slug for m in r.near_misses] == ["cert", "age"]
    assert r.near_misses[0].changeable and not r.near_misses[1].changeable


def test_starter_catalog_profile_gangneung_cafe():
    profile = profile_from_dict({"age": 29, "region_code": "51150", "business_status": "예비", "industry": "카페",
                                 "groups": ["청년"]})
    r = match_programs(profile, list(load_starter_catalog()), today=TODAY)
    assert r.eligible[0].slug == "sample-gangneung-youth-cafe"
    eligible = {m.slug for m in r.eligible}
    # Hand check: 강원 청년 programs fit, the 김제 farm and 제주 package do not.
    assert {"sample-gangwon-local-startup", "sample-gangwon-youth-settlement"} <= eligible
    assert "sample-gimje-rental-smartfarm" not in eligible
    near = {m.slug: m for m in r.near_misses}
    assert near["sample-jeju-youth-startup"].what_would_change.startswith("사업장(또는 주소)이 제주특별자치도")
