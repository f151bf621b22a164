"""Programs in the database: seeding, versioned rule sets, retirement, filters (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from moduai.db import session_scope
from moduai.programs import repository as repo
from moduai.programs import service
from moduai.programs.catalog import load_starter_catalog
from moduai.programs.criteria import RuleError


def test_seed_is_idempotent(db_url):
    n = len(load_starter_catalog())
    with session_scope() as s:
        assert repo.seed_samples(s).created == n
    with session_scope() as s:
        again = repo.seed_samples(s)
    assert (again.created, again.updated, again.unchanged) == (0, 0, n)


def test_first_use_seeds_and_filters_by_sido(db_url):
    programs = service.active_programs()
    assert len(programs) == len(load_starter_catalog())
    gangwon = {p.slug for p in service.active_programs(sido="51")}
    # Hand check: 강원-scoped, 강릉, nationwide and non-capital samples include 51; 제주-only ones do not.
    assert {"sample-gangneung-youth-cafe", "sample-gangwon-local-startup", "sample-regional-ai-voucher"} <= gangwon
    assert "sample-jeju-youth-startup" not in gangwon
    assert {p.slug for p in service.active_programs(kind="스마트팜")} == {
        "sample-youth-smartfarm-incubation", "sample-gimje-rental-smartfarm", "sample-smartfarm-ict-facility",
        "sample-haenam-field-smartfarm"}


def _form(**kw):
    base = dict(slug="sample-ops-test", name="(예시) 운영자 시험 사업", agency="(예시) 시험 기관", kind="창업")
    base.update(kw)
    return service.ProgramForm(**base)


RULES_V1 = """version: 1
effective_from: 2026-01-01
criteria:
  - {id: age, type: age_range, max: 39}
tests:
  - {name: 만 30세, today: 2026-03-02, profile: {age: 30}, expect: {age: pass}, overall: pass}
"""


def test_rule_edits_create_versions_and_history_is_kept(db_url):
    service.active_programs()  # seed
    service.save_program(_form(rules_yaml=RULES_V1), author="op@example.kr", create=True)
    edited = RULES_V1.replace("max: 39", "max: 34").replace("effective_from: 2026-01-01", "effective_from: 2026-07-01")
    service.save_program(_form(rules_yaml=edited), author="op@example.kr", create=False)
    detail = service.program_detail("sample-ops-test", today=dt.date(2026, 8, 1))
    assert [h["version"] for h in detail.history] == [1, 2]
    assert "version: 2" in detail.history[1]["rules_yaml"]
    assert detail.program.ruleset.criteria[0].params == {"max": 34}
    # Before version 2 takes effect, version 1 applies.
    before = service.program_detail("sample-ops-test", today=dt.date(2026, 3, 1))
    assert before.program.ruleset.criteria[0].params == {"max": 39}
    # Saving the same text again adds no version.
    service.save_program(_form(rules_yaml=edited), author="op@example.kr", create=False)
    assert len(service.program_detail("sample-ops-test").history) == 2


def test_broken_rules_are_not_saved(db_url):
    service.active_programs()
    with pytest.raises(RuleError) as err:
        service.save_program(_form(rules_yaml=RULES_V1.replace("max: 39", "max: -3")), author="x", create=True)
    assert err.value.rule == "age" and err.value.file == "운영자 입력"
    with session_scope() as s:
        assert "sample-ops-test" not in {p.slug for p in repo.list_programs(s, include_retired=True)}


def test_retire_hides_from_matching_but_keeps_the_row(db_url):
    service.active_programs()
    service.set_program_status("sample-smart-store", "retired")
    assert "sample-smart-store" not in {p.slug for p in service.active_programs()}
    assert "sample-smart-store" in {p.slug for p in service.active_programs(include_retired=True)}
    result = service.match_profile({}, today=dt.date(2026, 12, 1))
    all_slugs = {m.slug for group in (result.eligible, result.unknown, result.near_misses, result.failed)
                 for m in group}
    assert "sample-smart-store" not in all_slugs
