"""The program model and the shipped starter catalog (표본 — samples, not real calls).

A :class:`Program` is what matching, search and pages work on, whatever its origin: a shipped sample
(``is_sample``), an imported real announcement (``source_kind`` 'bizinfo', 'kstartup' …, labelled with its
source) or an operator's entry.  When a program has machine rules, its region scope and application
window are read from them, so the rules stay the single source of truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from moduai.errors import InputError
from moduai.programs.criteria import ApplicationWindow, Region, RuleError, korean_date
from moduai.programs.rules import RuleSet, dump_yaml, parse_ruleset

KINDS = (
    "창업", "소상공인", "AI 바우처", "교육·부트캠프", "인턴십", "스마트팜", "스마트공장", "디지털 전환", "지역정착",
    "자금·금융", "수출·판로", "기술·R&D", "인력", "경영", "기타",
)
STATUSES = ("active", "retired")
STALE_AFTER_DAYS = 180  # a listing without dates is treated as closed this long after its notice
STARTER_FILE = "starter_catalog.yaml"
SAMPLE_DATASET = "programs-samples"
SAMPLE_NOTICE = "표본(예시) 사업입니다. 실제 기관의 현재 공고가 아니며, 이름·금액·기간은 설명을 위해 만든 것입니다."
NO_RULES_NOTE = ("이 공고에는 기계가 읽을 수 있는 자격 규칙이 없습니다. 지역·접수 기간만 자동으로 확인했으며, "
                 "나머지 자격은 공고문에서 직접 확인해야 합니다.")


@dataclass
class Program:
    """One support program with its (optional) active rule set."""

    slug: str
    name: str
    agency: str
    kind: str
    source_kind: str
    source_label: str
    dataset_id: str
    target: list[str] = field(default_factory=list)
    region_scope: dict[str, Any] = field(default_factory=lambda: {"nationwide": True})
    operator_agency: str | None = None
    support: str | None = None
    support_max_krw: int | None = None
    apply_start: dt.date | None = None
    apply_end: dt.date | None = None
    rolling: bool = False
    how_to_apply: str | None = None
    description: str | None = None
    url: str | None = None
    source_id: str | None = None
    source_date: dt.date | None = None
    is_sample: bool = False
    status: str = "active"
    ruleset: RuleSet | None = None
    rules_yaml: str | None = None
    rule_versions: list[dict[str, Any]] = field(default_factory=list)
    id: int | None = None

    @property
    def region_sido(self) -> set[str]:
        """Every 시도 code the program's region scope touches."""
        return Region(id="region", params=dict(self.region_scope)).scope_sido()

    @property
    def region_text(self) -> str:
        return Region(id="region", params=dict(self.region_scope)).describe().removeprefix("소재지 ")

    @property
    def period_text(self) -> str:
        if self.rolling:
            return "상시 접수"
        if self.apply_end is None:
            return "접수 기간 미정 (공고문 확인)"
        start = f"{korean_date(self.apply_start)} ~ " if self.apply_start else "~ "
        return start + korean_date(self.apply_end)

    @property
    def has_rules(self) -> bool:
        return self.ruleset is not None

    @property
    def sources(self) -> list[str]:
        return [self.dataset_id]

    @property
    def notice(self) -> str:
        """The label every page shows with this program: sample or real, and where it came from."""
        if self.is_sample:
            return SAMPLE_NOTICE
        when = f", {self.source_date.isoformat()} 기준" if self.source_date else ""
        return f"실제 공고 — 출처: {self.source_label}{when}. 신청 전 원문 공고를 확인하세요."

    def is_closed(self, today: dt.date) -> bool:
        """Deadline passed — or, for a listing with no dates, its notice is over STALE_AFTER_DAYS old."""
        if self.rolling:
            return False
        if self.apply_end is not None:
            return self.apply_end < today
        return (not self.has_rules and self.source_date is not None
                and (today - self.source_date).days > STALE_AFTER_DAYS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug, "name": self.name, "agency": self.agency, "operator_agency": self.operator_agency,
            "kind": self.kind, "target": self.target, "region_scope": self.region_scope,
            "region_text": self.region_text, "region_sido": sorted(self.region_sido),
            "support": self.support, "support_max_krw": self.support_max_krw,
            "apply_start": self.apply_start, "apply_end": self.apply_end, "rolling": self.rolling,
            "period_text": self.period_text, "how_to_apply": self.how_to_apply, "description": self.description,
            "url": self.url, "source_kind": self.source_kind, "source_id": self.source_id,
            "source_label": self.source_label, "source_date": self.source_date, "is_sample": self.is_sample,
            "notice": self.notice, "status": self.status, "has_rules": self.has_rules,
            "rules": self.ruleset.to_dict() if self.ruleset else None, "rules_yaml": self.rules_yaml,
            "rule_versions": self.rule_versions,
            "rule_conditions": [{"id": c.id, "type": c.TYPE, "label": c.LABEL, "condition": c.condition()}
                                for c in self.ruleset.criteria] if self.ruleset else [],
            "sources": self.sources,
        }

    def search_text(self) -> str:
        """The text search indexes: name, agency, kind, target, region and description."""
        parts = [self.name, self.agency, self.operator_agency or "", self.kind, " ".join(self.target),
                 self.region_text, self.support or "", self.description or ""]
        return " ".join(p for p in parts if p)


def apply_ruleset(program: Program, ruleset: RuleSet | None, rules_yaml: str | None = None) -> Program:
    """Attach ``ruleset`` and take region scope and application window from it (rules are the truth)."""
    program.ruleset = ruleset
    if ruleset is None:
        program.rules_yaml = None
        return program
    program.rules_yaml = rules_yaml or ruleset.to_yaml()
    region = ruleset.by_type("region")
    program.region_scope = dict(region.params) if region else {"nationwide": True}
    window = ruleset.by_type("application_window")
    if isinstance(window, ApplicationWindow):
        program.apply_start = window.params.get("start")
        program.apply_end = window.params.get("end")
        program.rolling = bool(window.params.get("rolling"))
    return program


PROGRAM_FIELDS = {"id", "name", "agency", "operator_agency", "kind", "target", "support", "support_max_krw",
                  "how_to_apply", "description", "url", "rules", "region", "apply_start", "apply_end", "rolling"}


def program_from_mapping(raw: dict[str, Any], *, file: str, source_label: str, source_date: dt.date | None,
                         dataset_id: str, is_sample: bool, source_kind: str = "sample") -> Program:
    """Validate one catalog entry (fields and rules) and build a :class:`Program`."""
    pid = str(raw.get("id") or "")
    if not pid:
        raise RuleError("사업에 id가 없습니다.", file=file)
    unknown = sorted(set(raw) - PROGRAM_FIELDS)
    if unknown:
        raise RuleError(f"사업 항목에 모르는 필드가 있습니다: {', '.join(unknown)}.", file=file, program=pid)
    for key in ("name", "agency", "kind"):
        if not raw.get(key):
            raise RuleError(f"사업에 '{key}' 필드가 없습니다.", file=file, program=pid)
    if raw["kind"] not in KINDS:
        raise RuleError(f"사업 종류 '{raw['kind']}'는 없는 종류입니다. 가능한 종류: {', '.join(KINDS)}.",
                        file=file, program=pid)
    if is_sample and not str(raw["name"]).startswith("(예시)"):
        raise RuleError("표본 사업의 이름은 '(예시)'로 시작해야 합니다 (실제 공고로 오해하지 않도록).",
                        file=file, program=pid)
    program = Program(
        slug=pid, name=raw["name"], agency=raw["agency"], kind=raw["kind"], source_kind=source_kind,
        source_label=source_label, dataset_id=dataset_id, target=list(raw.get("target") or []),
        operator_agency=raw.get("operator_agency"), support=raw.get("support"),
        support_max_krw=raw.get("support_max_krw"), how_to_apply=raw.get("how_to_apply"),
        description=raw.get("description"), url=raw.get("url"), source_date=source_date, is_sample=is_sample,
    )
    if raw.get("region"):
        program.region_scope = dict(raw["region"])
    rules = raw.get("rules")
    ruleset = parse_ruleset(rules, file=file, program=pid) if rules is not None else None
    return apply_ruleset(program, ruleset, dump_yaml(rules) if isinstance(rules, dict) else rules)


def parse_catalog(text: str, *, file: str) -> list[Program]:
    """Parse a catalog file (``programs:`` list); every error names the file, program and rule."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"YAML 문법 오류: {exc}", file=file) from None
    if not isinstance(data, dict) or not isinstance(data.get("programs"), list):
        raise RuleError("카탈로그 파일에는 programs 목록이 있어야 합니다.", file=file)
    source_date = data.get("source_date")
    if source_date is not None and not isinstance(source_date, dt.date):
        source_date = dt.date.fromisoformat(str(source_date))
    programs: list[Program] = []
    seen: set[str] = set()
    for raw in data["programs"]:
        if not isinstance(raw, dict):
            raise RuleError(f"programs의 항목은 mapping이어야 합니다. 받은 값: {raw!r}.", file=file)
        program = program_from_mapping(raw, file=file, source_label=data.get("source", file),
                                       source_date=source_date, dataset_id=SAMPLE_DATASET, is_sample=True)
        if program.slug in seen:
            raise RuleError(f"사업 id '{program.slug}'가 두 번 나옵니다.", file=file, program=program.slug)
        seen.add(program.slug)
        programs.append(program)
    return programs


def starter_catalog_text() -> str:
    return resources.files("moduai.programs").joinpath("data", STARTER_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_starter_catalog() -> tuple[Program, ...]:
    """The shipped 표본 programs, validated (rules parsed) — at least 30."""
    return tuple(parse_catalog(starter_catalog_text(), file=STARTER_FILE))


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InputError(f"사업 종류(kind)는 {', '.join(KINDS)} 중 하나여야 합니다. 받은 값: {kind!r}.", field="kind")
    return kind


