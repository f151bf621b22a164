"""The shipped 표본 catalog: size, sample labelling, valid rules, and every embedded rule test."""

from __future__ import annotations

import pytest

from moduai.programs.catalog import KINDS, load_starter_catalog, parse_catalog
from moduai.programs.criteria import RuleError
from moduai.programs.places import MEGAREGIONS, SIDO
from moduai.programs.rules import run_rule_tests

CATALOG = load_starter_catalog()


def test_at_least_thirty_samples_of_the_plans_kinds():
    assert len(CATALOG) >= 30
    kinds = {p.kind for p in CATALOG}
    for kind in ("창업", "소상공인", "AI 바우처", "교육·부트캠프", "인턴십", "스마트팜", "스마트공장", "디지털 전환", "지역정착"):
        assert kind in kinds, kind
    assert kinds <= set(KINDS)


def test_every_sample_is_labelled_as_such():
    for p in CATALOG:
        assert p.is_sample and p.name.startswith("(예시)") and p.agency.startswith("(예시)")
        assert "실제 기관의 현재 공고가 아니며" in p.notice
        assert p.sources == ["programs-samples"]


@pytest.mark.parametrize("program", CATALOG, ids=[p.slug for p in CATALOG])
def test_embedded_rule_tests_pass(program):
    assert program.ruleset is not None and len(program.ruleset.tests) >= 2
    failures = run_rule_tests(program.ruleset)
    assert not failures, [f.message() for f in failures]


def test_each_sample_tests_both_an_eligible_and_a_blocked_or_open_case():
    for p in CATALOG:
        overall = {t.overall for t in p.ruleset.tests}
        assert "pass" in overall, p.slug
        assert overall & {"fail", "unknown"}, p.slug


def test_sigungu_codes_exist_in_the_region_spine():
    regions = pytest.importorskip("moduai.regions")
    for p in CATALOG:
        for code in p.region_scope.get("sigungu") or []:
            region = regions.get_region(code)
            assert region.level == "sigungu", (p.slug, code)


def test_megaregions_agree_with_the_region_spine():
    regions = pytest.importorskip("moduai.regions")
    spine = {frozenset(m.sido_codes) for m in regions.megaregions("official")}
    assert {frozenset(members) for _kind, members in MEGAREGIONS.values()} == spine
    assert {r.code for r in regions.list_regions(level="sido")} == set(SIDO)


def test_a_sample_without_the_example_marker_is_refused():
    text = """
source: t
programs:
  - id: fake-real-looking
    name: 청년창업사관학교
    agency: 중소벤처기업부
    kind: 창업
"""
    with pytest.raises(RuleError) as err:
        parse_catalog(text, file="fake.yaml")
    assert err.value.program == "fake-real-looking" and "(예시)" in err.value.reason


def test_catalog_entry_with_broken_rules_names_file_program_and_rule():
    text = """
programs:
  - id: sample-x
    name: (예시) x
    agency: (예시) y
    kind: 창업
    rules: {version: 1, effective_from: 2026-01-01, criteria: [{id: emp, type: employees, min: 10, max: 2}]}
"""
    with pytest.raises(RuleError) as err:
        parse_catalog(text, file="cat.yaml")
    assert (err.value.file, err.value.program, err.value.rule) == ("cat.yaml", "sample-x", "emp")
