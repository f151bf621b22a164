"""Draft rules read from real 기업마당 announcements, relevance ranking, 업종 → KSIC, and honest explanations.

Every expected value below was read by hand from the announcement text of the fixture
(tests/fixtures/programs/bizinfo_announcements_2025.csv.gz, the real export) — spans are checked by
slicing the source text at the reported offsets.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import re
from pathlib import Path

import pytest

from moduai.programs.criteria import PASS
from moduai.programs.drafts import DRAFT, NEEDS_CHECK, confirmed_rules, extract_drafts
from moduai.programs.importer import map_bizinfo_record, region_from_title
from moduai.programs.industry import ksic_for_industry, with_industry_code
from moduai.programs.matching import CHECKED_WINDOW_ONLY, build_match, match_programs
from moduai.programs.profile import profile_from_dict
from moduai.programs.rules import parse_ruleset

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/programs/bizinfo_announcements_2025.csv.gz"
TODAY = dt.date(2025, 9, 1)


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8-sig", newline="") as fh:
        out: dict[str, dict] = {}
        for rec in csv.DictReader(fh):
            out.setdefault(rec["id"], rec)
        return out


@pytest.fixture(scope="module")
def programs(records):
    return [map_bizinfo_record(rec, i)[0] for i, rec in enumerate(records.values())]


def program(records, pid: str):
    return map_bizinfo_record(records[pid], 2)[0]


def span_ok(drafts, crit) -> bool:
    text = drafts.texts["description" if crit.field in ("target_section", "description") else crit.field]
    return text[crit.start:crit.end] == crit.text


# --- extraction on real texts ----------------------------------------------------------------------

def test_multi_sigungu_title_keeps_every_sigungu(records):
    title = records["PBLN_000000000108656"]["title"]
    assert title.startswith("[경기] 연천군ㆍ포천시ㆍ동두천시 ")
    scope, name, warn = region_from_title(title, "경기도")
    assert scope == {"sigungu": ["41800", "41650", "41250"]} and warn is None  # 연천군, 포천시, 동두천시
    drafts = extract_drafts(program(records, "PBLN_000000000108656"))
    region = next(c for c in drafts.criteria if c.type == "region")
    assert region.params == {"sigungu": ["41800", "41650", "41250"]}
    assert (region.field, region.start, region.end, region.text) == ("title", 0, 12, "연천군ㆍ포천시ㆍ동두천시")
    assert region.status == DRAFT


def test_youth_fund_reads_age_business_age_and_target(records):
    # "☞ 신청대상 : 업력 3년 미만의 청년 소상공인(만39세 이하) …"
    drafts = extract_drafts(program(records, "PBLN_000000000103577"))
    by_id = {c.id: c for c in drafts.criteria}
    assert by_id["age"].params == {"max": 39} and by_id["age"].text == "만39세 이하"
    assert by_id["business_age"].params == {"under_years": 3} and by_id["business_age"].text == "업력 3년 미만"
    assert by_id["status"].params == {"allowed": ["기존"]}
    assert by_id["target"].params == {"any_of": ["소상공인"]}
    assert all(c.field == "target_section" and span_ok(drafts, c) for c in drafts.criteria)
    assert all(c.status == DRAFT for c in drafts.criteria)


def test_pre_founder_only_announcement(records):
    # 혁신 소상공인 창업지원: "☞ 예비창업자"
    drafts = extract_drafts(program(records, "PBLN_000000000103546"))
    status = next(c for c in drafts.criteria if c.type == "business_status")
    assert status.params == {"allowed": ["예비"]} and status.text == "예비창업자" and span_ok(drafts, status)
    # "예비창업자(팀) 또는 창업기업 등": both stages
    both = next(c for c in extract_drafts(program(records, "PBLN_000000000103304")).criteria
                if c.type == "business_status")
    assert both.params == {"allowed": ["예비", "기존"]}


def test_bare_sigungu_names_in_the_target_paragraph(records):
    # [충북] 북부 … "☞ 충주, 제천, 음성, 단양 지역 중소기업"
    drafts = extract_drafts(program(records, "PBLN_000000000113595"))
    region = next(c for c in drafts.criteria if c.type == "region")
    assert region.params == {"sigungu": ["43130", "43150", "43770", "43800"]}
    assert region.field == "target_section" and span_ok(drafts, region)
    assert region.text.startswith("충주") and region.text.endswith("단양")


def test_low_confidence_criteria_stay_to_check_with_their_span(records):
    # "2025년 (뿌리산업)청년 고용 우수기업 …": 청년 only in the title, no age stated → 확인 필요
    pid = next(k for k, r in records.items() if "(뿌리산업)청년 고용 우수기업" in r["title"])
    drafts = extract_drafts(program(records, pid))
    youth = next(c for c in drafts.criteria if c.id == "youth")
    assert youth.status == NEEDS_CHECK and youth.field == "title" and youth.text == "청년" and span_ok(drafts, youth)
    assert youth not in drafts.evaluated and youth in drafts.needs_check


def test_every_span_points_at_its_words(programs):
    bad = []
    for p in programs:
        drafts = extract_drafts(p)
        bad += [(p.slug, c.id) for c in drafts.criteria if not span_ok(drafts, c) or not c.text.strip()]
    assert bad == []


def test_confirmed_drafts_are_an_ordinary_rule_set(records):
    drafts = extract_drafts(program(records, "PBLN_000000000103577"))
    rules = confirmed_rules(drafts, ["age", "business_age"], effective_from=dt.date(2025, 3, 1),
                            edits={"age": {"min": 19}}, author="op@example.kr")
    ruleset = parse_ruleset(rules, file="test")
    assert sorted((c.to_dict() for c in ruleset.criteria), key=lambda d: d["id"]) == [
        {"id": "age", "type": "age_range", "max": 39, "min": 19},
        {"id": "business_age", "type": "business_age", "under_years": 3}]
    assert ruleset.note.startswith("운영자 확인")


# --- 업종 → KSIC through commerce ------------------------------------------------------------------

def test_cafe_maps_to_ksic_through_the_commerce_taxonomy():
    found = ksic_for_industry("카페")
    # 상권업종 I21201 카페; KSIC 10차 56221 커피 전문점 (the code the real 상가 rows carry for 카페)
    assert (found.category_code, found.ksic_code, found.ksic_name) == ("I21201", "56221", "커피 전문점")
    assert ksic_for_industry("없는업종이름xyz") is None
    profile = with_industry_code(profile_from_dict({"industry": "카페"}))
    assert profile.ksic_code == "56221"
    rules = parse_ruleset({"version": 1, "effective_from": "2025-01-01", "criteria": [
        {"id": "ind", "type": "industry", "ksic_prefixes": ["56"]}]}, file="t")
    from moduai.programs.catalog import Program, apply_ruleset

    prog = Program(slug="t-1", name="음식점 지원", agency="기관", kind="소상공인", source_kind="operator",
                   source_label="운영자", dataset_id="x")
    apply_ruleset(prog, rules, "")
    m = build_match(prog, profile, TODAY)
    assert m.results[0].status == PASS
    assert "KSIC 코드를 알 수 없습니다" not in m.results[0].reason and "카페" in m.results[0].reason


# --- matching: honest wording and relevance --------------------------------------------------------

def test_checked_text_says_what_was_checked(records):
    plain = program(records, "PBLN_000000000084853")  # a notice with no ☞ paragraph
    plain.description = None
    plain.target = []
    m = build_match(plain, profile_from_dict({"region_code": "11230"}), TODAY, drafts=extract_drafts(plain))
    # Only the title's "소상공인" was read (a weak span): it is shown as "확인 필요", not evaluated.
    assert CHECKED_WINDOW_ONLY == "지역·기간만 확인, 대상은 공고문 확인 필요"
    assert m.checked == CHECKED_WINDOW_ONLY + " (공고문에서 읽은 조건 1개는 확인 필요)"
    assert m.draft_results == [] and m.needs_check[0]["text"] == "소상공인"
    assert not any(re.fullmatch(r"조건 \d+개 중 \d+개 충족", r) for r in m.fit_reasons)
    assert any(r.startswith("확인한 조건(지역·접수 기간)") for r in m.fit_reasons)
    rich = program(records, "PBLN_000000000103577")
    m = build_match(rich, profile_from_dict({"age": 45, "business_status": "기존"}), TODAY,
                    drafts=extract_drafts(rich))
    assert "초안 조건" in m.checked and "운영자 확인 전" in m.checked and "공고문 확인 필요" in m.checked
    age = next(r for r in m.draft_results if r.type == "age_range")
    assert age.status == "fail" and "초안" in age.reason and "만39세 이하" in age.reason
    assert m.status == "unknown"  # drafts never decide eligibility


def _target_paragraph(p) -> str:
    desc = p.description or ""
    a = desc.find("☞")
    b = desc.find("☞", a + 1)
    return desc[a:b] if a >= 0 and b > a else desc[a:] if a >= 0 else ""


def _open_to_pre_founders(p) -> bool:
    """Independent reading: the 지원대상 paragraph names 예비창업자 / 창업 예정·희망."""
    return bool(re.search(r"예비\s*(?:\(?여성\)?\s*)?창업|창업\s*(?:예정|희망|을\s*준비)|창업하는\s*자", _target_paragraph(p)))


def _about_agriculture(p) -> bool:
    text = p.name + " " + _target_paragraph(p)
    return bool(re.search(r"농업|농식품|농산물|농가|영농|축산|농촌|농특산물|농림", text))


def top10(profile: dict, programs, ranking: str):
    res = match_programs(profile_from_dict(profile), programs, today=TODAY, ranking=ranking)
    return (res.eligible + res.unknown)[:10]


def test_pohang_pre_founder_gets_announcements_open_to_pre_founders(programs):
    profile = {"age": 29, "region_code": "47110", "business_status": "예비", "industry": "소프트웨어",
               "groups": ["청년"], "interests": ["창업"]}
    by_slug = {p.slug: p for p in programs}
    old = sum(_open_to_pre_founders(by_slug[m.slug]) for m in top10(profile, programs, "legacy"))
    new = sum(_open_to_pre_founders(by_slug[m.slug]) for m in top10(profile, programs, "relevance"))
    assert old <= 3 and new >= 7, (old, new)


def test_haenam_farm_gets_agricultural_announcements(programs):
    profile = {"region_code": "46820", "business_status": "기존", "industry": "스마트팜", "ksic_code": "A01",
               "groups": ["농업인"], "interests": ["스마트팜"]}
    by_slug = {p.slug: p for p in programs}
    old = sum(_about_agriculture(by_slug[m.slug]) for m in top10(profile, programs, "legacy"))
    new = sum(_about_agriculture(by_slug[m.slug]) for m in top10(profile, programs, "relevance"))
    assert old <= 2 and new >= 8, (old, new)


def test_registration_flag_answers_the_business_status():
    from moduai.programs.matching import with_registration_status

    assert with_registration_status(profile_from_dict({"flags": {"사업자등록": False}})).business_status == "예비"
    assert with_registration_status(profile_from_dict({"flags": {"사업자등록": "예"}})).business_status == "기존"
    stated = profile_from_dict({"business_status": "기존", "flags": {"사업자등록": False}})
    assert with_registration_status(stated).business_status == "기존"  # what the person said wins
