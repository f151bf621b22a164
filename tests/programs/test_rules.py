"""The rule engine: every criterion type yields pass, fail and unknown; broken rule files are refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from moduai.programs.criteria import CRITERION_TYPES, RuleError
from moduai.programs.profile import profile_from_dict
from moduai.programs.rules import check_ruleset, evaluate_rules, parse_ruleset, run_rule_tests

DATA = Path(__file__).with_name("data")
CASES = yaml.safe_load((DATA / "rule_cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_cases_yaml(case):
    ruleset = parse_ruleset(case["rules"], file="rule_cases.yaml", program=case["name"])
    assert ruleset.tests, "each case carries tests"
    failures = run_rule_tests(ruleset)
    assert not failures, [f.message() for f in failures]


def test_every_criterion_type_has_pass_fail_and_unknown_cases():
    seen: dict[str, set[str]] = {t: set() for t in CRITERION_TYPES}
    for case in CASES:
        ruleset = parse_ruleset(case["rules"], file="rule_cases.yaml")
        for test in ruleset.tests:
            for cid, status in test.expect.items():
                seen[ruleset.criterion(cid).TYPE].add(status)
    assert {t: s for t, s in seen.items() if s != {"pass", "fail", "unknown"}} == {}


def test_run_rule_tests_reports_a_wrong_expectation():
    # The runner must be able to fail: flip one expectation and it is reported with the engine's reason.
    case = dict(CASES[0])
    rules = yaml.safe_load(yaml.safe_dump(case["rules"]))
    rules["tests"][1]["expect"]["age"] = "pass"
    failures = run_rule_tests(parse_ruleset(rules, file="x"))
    assert len(failures) == 1  # the overall verdict 'fail' still holds
    assert (failures[0].criterion, failures[0].got) == ("age", "fail")
    assert failures[0].reason == "만 19~39세 조건: 만 42세로 해당되지 않습니다"


def _one(rules: str, profile: dict, today=dt.date(2026, 3, 2)):
    ev = evaluate_rules(parse_ruleset(rules, file="t"), profile_from_dict(profile), today)
    return ev.results[0]


def test_reason_text_matches_the_issue_example():
    r = _one("version: 1\neffective_from: 2026-01-01\ncriteria: [{id: age, type: age_range, max: 39}]", {"age": 42})
    assert r.reason == "만 39세 이하 조건: 만 42세로 해당되지 않습니다"
    assert r.fix and not r.changeable


def test_region_reasons_use_place_names_and_particles():
    rules = "version: 1\neffective_from: 2026-01-01\ncriteria: [{id: r, type: region, megaregions: [강원]}]"
    assert _one(rules, {"region_code": "51150"}).reason == "소재지 강원특별자치도 조건: 강릉시는 강원특별자치도에 속합니다"
    # 원주시 → '는', 서울특별시 종로구 → '는'; a name ending in a consonant takes '은'
    assert _one(rules, {"region_code": "11110"}).reason.endswith("종로구는 대상 지역이 아닙니다")
    assert _one(rules, {"region_code": "47730"}).reason.endswith("의성군은 대상 지역이 아닙니다")


def test_flag_fix_says_what_to_do():
    r = _one("version: 1\neffective_from: 2026-01-01\ncriteria: [{id: f, type: flags, required: [소상공인확인서]}]",
             {"flags": {"소상공인확인서": False}})
    assert r.status == "fail"
    assert r.reason == "소상공인확인서 필요 조건: 소상공인확인서가 없습니다"
    assert r.fix == "소상공인확인서를 발급받으면 신청할 수 있습니다."


def test_revenue_reason_in_everyday_units():
    r = _one("version: 1\neffective_from: 2026-01-01\ncriteria: [{id: v, type: revenue, max: 300000000}]",
             {"annual_revenue_krw": 450_000_000})
    assert r.reason == "연매출 3억 원 이하 조건: 4억 5,000만 원으로 해당되지 않습니다"


BROKEN = {
    # file: (rule named in the error, words the reason must contain)
    "unknown_type.yaml": ("money", "알 수 없는 조건 유형 'income_bracket'"),
    "bad_range.yaml": ("age", "min(40)이 max(39)보다 큽니다"),
    "missing_field.yaml": ("status", "allowed 목록"),
    "missing_id.yaml": ("2번째 조건", "id가 없습니다"),
    "unknown_region.yaml": ("region", "모르는 5극3특 권역 '서해권'"),
    "unknown_parameter.yaml": ("employees", "모르는 항목이 있습니다: maximum"),
    "duplicate_id.yaml": ("age", "두 번 나옵니다"),
    "failing_test.yaml": ("age", "규칙 테스트가 실패했습니다"),
    "yaml_syntax.yaml": (None, "YAML 문법 오류"),
    "bad_date.yaml": ("window", "접수 시작일(2026-04-01)이 마감일(2026-03-01)보다 늦습니다"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_rule_files_are_refused_with_file_rule_and_reason(name):
    rule, words = BROKEN[name]
    text = (DATA / "broken" / name).read_text(encoding="utf-8")
    with pytest.raises(RuleError) as err:
        check_ruleset(text, file=name, program="broken-sample")
    exc = err.value
    assert exc.file == name
    assert exc.rule == rule
    assert words in exc.reason
    assert exc.message.startswith(f"규칙 파일 '{name}', 사업 'broken-sample'")
    assert exc.to_dict()["file"] == name and exc.http_status == 422


def test_every_broken_file_is_exercised():
    assert {p.name for p in (DATA / "broken").glob("*.yaml")} == set(BROKEN)


def test_rule_set_round_trips_through_yaml():
    text = (DATA / "rule_cases.yaml").read_text(encoding="utf-8")
    for case in yaml.safe_load(text):
        rs = parse_ruleset(case["rules"], file="x")
        again = parse_ruleset(rs.to_yaml(), file="y")
        assert [c.to_dict() for c in again.criteria] == [c.to_dict() for c in rs.criteria]
        assert not run_rule_tests(again)
