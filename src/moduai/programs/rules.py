"""Eligibility rule sets as data, and the one engine that evaluates them.

A rule set is a YAML (or JSON) mapping, versioned and dated so the database can keep every version::

    version: 2
    effective_from: 2026-01-01
    criteria:
      - {id: age, type: age_range, min: 19, max: 39}
      - {id: region, type: region, megaregions: [강원]}
    tests:                      # OpenFisca-style: profile in, expected verdicts out
      - name: 강릉의 만 28세
        today: 2026-03-02
        profile: {age: 28, region_code: "51150"}
        expect: {age: pass, region: pass}
        overall: pass

:func:`parse_ruleset` rejects a malformed rule set with :class:`RuleError` naming the file, the rule and
the reason; :func:`evaluate_rules` gives one verdict per criterion; :func:`run_rule_tests` checks the
embedded test cases (the suite runs them for every shipped program).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from moduai.errors import InputError
from moduai.programs.criteria import (
    FAIL,
    PASS,
    UNKNOWN,
    Context,
    Criterion,
    CriterionResult,
    RuleError,
    parse_criterion,
)
from moduai.programs.profile import Profile, profile_from_dict

STATUSES = (PASS, FAIL, UNKNOWN)
TOP_KEYS = {"version", "effective_from", "criteria", "tests", "note"}


@dataclass
class RuleTest:
    name: str
    today: dt.date
    profile: dict[str, Any]
    expect: dict[str, str]
    overall: str | None = None


@dataclass
class RuleSet:
    """A dated version of one program's eligibility rules."""

    version: int
    effective_from: dt.date
    criteria: list[Criterion]
    tests: list[RuleTest] = field(default_factory=list)
    note: str | None = None

    def criterion(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)

    def by_type(self, ctype: str) -> Criterion | None:
        return next((c for c in self.criteria if c.TYPE == ctype), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version, "effective_from": self.effective_from,
                               "criteria": [c.to_dict() for c in self.criteria]}
        if self.note:
            out["note"] = self.note
        if self.tests:
            out["tests"] = [
                {k: v for k, v in (("name", t.name), ("today", t.today), ("profile", t.profile),
                                   ("expect", t.expect), ("overall", t.overall)) if v is not None}
                for t in self.tests
            ]
        return out

    def to_yaml(self) -> str:
        return dump_yaml(self.to_dict())


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)


@dataclass
class Evaluation:
    """The engine's answer for one program and one profile."""

    status: str  # pass | fail | unknown
    results: list[CriterionResult]

    @property
    def failed(self) -> list[CriterionResult]:
        return [r for r in self.results if r.status == FAIL]

    @property
    def unknown(self) -> list[CriterionResult]:
        return [r for r in self.results if r.status == UNKNOWN]

    @property
    def passed(self) -> list[CriterionResult]:
        return [r for r in self.results if r.status == PASS]


def _error_factory(file: str, program: str | None):
    def err_for(rule: str | None):
        def make(reason: str) -> RuleError:
            return RuleError(reason, file=file, rule=rule, program=program)

        return make

    return err_for


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: same data, ~10× faster


def load_rules_text(text: str, *, file: str, program: str | None = None) -> Any:
    """YAML/JSON text → data, with a RuleError (line number included) when it does not parse."""
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}번째 줄" if mark else "알 수 없는 위치"
        raise RuleError(f"YAML 문법 오류({where}): 들여쓰기, 콜론(:)과 괄호가 맞는지 확인해 주세요.", file=file,
                        program=program, detail=str(getattr(exc, "problem", None) or exc)) from None


def parse_ruleset(data: Any, *, file: str, program: str | None = None) -> RuleSet:
    """Validate rule data (a mapping or YAML text) and build a :class:`RuleSet`.

    Raises
    ------
    RuleError
        With ``file``, ``program``, the offending ``rule`` id (or index) and a Korean ``reason``:
        unknown criterion type, bad range, missing field, unknown parameter, duplicate id, bad test.
    """
    if isinstance(data, str):
        return _parse_text(data, file, program)
    return _parse_data(data, file=file, program=program)


@lru_cache(maxsize=4096)
def _parse_text(text: str, file: str, program: str | None) -> RuleSet:
    """Rule text parsed once per process: keyed on the text itself, so a new version is a new entry (every
    list of programs used to re-parse every stored YAML).  Callers treat a RuleSet as read-only."""
    return _parse_data(load_rules_text(text, file=file, program=program), file=file, program=program)


def _got(value: Any) -> str:
    """A received YAML value as a message shows it: '값', or 없음 for a missing one (never Python's None)."""
    return "없음" if value is None else f"'{value}'"


def _parse_data(data: Any, *, file: str, program: str | None) -> RuleSet:
    err_for = _error_factory(file, program)
    top = err_for(None)
    if not isinstance(data, dict):
        raise top("규칙 세트는 version, effective_from, criteria를 가진 항목(mapping)이어야 합니다.")
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise top(f"모르는 최상위 항목: {', '.join(unknown)}. 쓸 수 있는 항목: {', '.join(sorted(TOP_KEYS))}.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise top(f"version은 1 이상의 정수여야 합니다. 받은 값: {_got(version)}.")
    eff = data.get("effective_from")
    try:
        eff = eff if isinstance(eff, dt.date) else dt.date.fromisoformat(str(eff))
    except ValueError:
        raise top(f"effective_from은 2026-03-01 같은 날짜(연-월-일)여야 합니다. 받은 값: {_got(eff)}.") from None
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise top("criteria 목록이 비어 있거나 없습니다. 조건을 하나 이상 적어 주세요.")
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_criteria):
        if isinstance(raw, dict) and not raw.get("id"):
            raise err_for(f"{i + 1}번째 조건")("조건에 id가 없습니다. 각 조건에 짧은 id(예: age)를 붙여 주세요.")
        crit = parse_criterion(raw, err_for=err_for)
        if crit.id in seen:
            raise err_for(crit.id)(f"조건 id '{crit.id}'가 두 번 나옵니다. id는 규칙 세트 안에서 하나여야 합니다.")
        seen.add(crit.id)
        criteria.append(crit)
    tests = [_parse_test(t, i, seen, err_for) for i, t in enumerate(data.get("tests") or [])]
    return RuleSet(version, eff, criteria, tests, data.get("note"))


def _parse_test(raw: Any, index: int, ids: set[str], err_for) -> RuleTest:
    name = raw.get("name") if isinstance(raw, dict) else None
    err = err_for(f"tests[{index + 1}]" + (f" '{name}'" if name else ""))
    if not isinstance(raw, dict):
        raise err("테스트는 name, today, profile, expect를 가진 항목이어야 합니다.")
    for key in ("name", "today", "profile", "expect"):
        if key not in raw:
            raise err(f"테스트에 '{key}' 항목이 없습니다.")
    try:
        today = raw["today"] if isinstance(raw["today"], dt.date) else dt.date.fromisoformat(str(raw["today"]))
    except ValueError:
        raise err(f"today는 2026-03-01 같은 날짜(연-월-일)여야 합니다. 받은 값: {_got(raw['today'])}.") from None
    try:
        profile_from_dict(raw["profile"])
    except InputError as exc:
        raise err(f"테스트 프로필이 잘못되었습니다: {exc.message}") from None
    expect = raw["expect"]
    if not isinstance(expect, dict):
        raise err("expect는 {조건 id: pass|fail|unknown} 형태여야 합니다.")
    for cid, status in expect.items():
        if cid not in ids:
            raise err(f"expect의 '{cid}'는 없는 조건 id입니다. 있는 id: {', '.join(sorted(ids))}.")
        if status not in STATUSES:
            raise err(f"expect['{cid}'] 값은 pass, fail, unknown 중 하나여야 합니다. 받은 값: {_got(status)}.")
    overall = raw.get("overall")
    if overall is not None and overall not in STATUSES:
        raise err(f"overall 값은 pass, fail, unknown 중 하나여야 합니다. 받은 값: {_got(overall)}.")
    return RuleTest(str(raw["name"]), today, dict(raw["profile"]), dict(expect), overall)


def overall_status(results: list[CriterionResult]) -> str:
    """Fail if any criterion fails, else unknown if any is unknown, else pass."""
    statuses = {r.status for r in results}
    if FAIL in statuses:
        return FAIL
    if UNKNOWN in statuses:
        return UNKNOWN
    return PASS


def evaluate_rules(ruleset: RuleSet, profile: Profile, today: dt.date) -> Evaluation:
    """Evaluate every criterion of ``ruleset`` for ``profile`` on ``today`` (the one engine)."""
    ctx = Context(today=today)
    results = [c.evaluate(profile, ctx) for c in ruleset.criteria]
    return Evaluation(overall_status(results), results)


@dataclass
class RuleTestFailure:
    test: str
    criterion: str
    expected: str
    got: str
    reason: str

    def message(self) -> str:
        return (f"테스트 '{self.test}'의 '{self.criterion}': 기대 {self.expected}, 결과 {self.got} "
                f"({self.reason})")


def run_rule_tests(ruleset: RuleSet) -> list[RuleTestFailure]:
    """Run the rule set's embedded test cases; an empty list means every expectation held."""
    failures: list[RuleTestFailure] = []
    for test in ruleset.tests:
        ev = evaluate_rules(ruleset, profile_from_dict(test.profile), test.today)
        by_id = {r.id: r for r in ev.results}
        for cid, want in test.expect.items():
            got = by_id[cid]
            if got.status != want:
                failures.append(RuleTestFailure(test.name, cid, want, got.status, got.reason))
        if test.overall and ev.status != test.overall:
            failures.append(RuleTestFailure(test.name, "(전체)", test.overall, ev.status,
                                            "; ".join(r.reason for r in ev.results if r.status != PASS)))
    return failures


def check_ruleset(data: Any, *, file: str, program: str | None = None) -> RuleSet:
    """Parse, then run the embedded tests; a failing test is a :class:`RuleError` too."""
    ruleset = parse_ruleset(data, file=file, program=program)
    failures = run_rule_tests(ruleset)
    if failures:
        raise RuleError("규칙 테스트가 실패했습니다: " + " / ".join(f.message() for f in failures),
                        file=file, rule=failures[0].criterion, program=program)
    return ruleset
