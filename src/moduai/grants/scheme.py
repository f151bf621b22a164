"""Grant schemes as dated data (the OpenFisca habit): one YAML file per scheme, with its own worked tests.

A scheme says who is eligible, how units are grouped into classes (by 인구감소지역 designation or by
tier), what each unit gets as a fixed base, how the rest of the budget is shared (formula terms with
shares, class multipliers and grade weights), floors and ceilings per class, the 지방비 부담률 per class
and the rounding unit. Every field is validated here, once, with a Korean message naming the field.

Fields (see ``schemes/*.yaml``)::

    id, name, year, valid_from, valid_to, description, assumptions: [..], sources: [..]
    budget_krw               the money this scheme shares (원)
    eligibility              designations: [인구감소지역, 관심지역]  |  non_capital_or_decline: true
    classes                  by: designation | tier
    tiers                    (by: tier) special_count, special_pool: 군 인구감소지역; rule: 낙후도
    grades                   levels: [..], default: B, weights: {grade: w}   (input file may set grades)
    base_krw                 {class: 원} or {class: {grade: 원}}   fixed per unit
    terms                    [{id, label, kind: equal|population|need|fiscal_gap, share}]  shares sum to 1
    multipliers              {class: m}
    floor_krw / ceiling_krw  {class: 원}
    matching_rate            {class: 지방비 per 국비 1원}
    rounding_unit_krw        amounts are whole multiples of this; the formula part absorbs the remainder
    tests                    [{name, inputs: [...], budget_krw?, grades?, tiers?, expect: {code: 원}}]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from moduai.errors import InputError, NotFound
from moduai.korean import josa, parse_won

SCHEMES_DIR = Path(__file__).with_name("schemes")
TERM_KINDS = {
    "equal": "단위당 기본(균등)",
    "population": "인구 비례",
    "need": "소멸위험 필요도 (1.1 − 지방소멸위험지수, 0.1 이상)",
    "fiscal_gap": "재정자립도 역가중 (100 − 재정자립도)",
}
DESIGNATIONS = ("인구감소지역", "관심지역")
TIERS = ("특별지원", "우대지원", "일반")


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    kind: str
    share: float


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    year: int
    valid_from: dt.date
    valid_to: dt.date | None
    description: str
    budget_krw: int
    eligibility: dict[str, Any]
    class_by: str
    classes: tuple[str, ...]
    tiers: dict[str, Any]
    grade_levels: tuple[str, ...]
    grade_default: str | None
    grade_weights: dict[str, float]
    base_krw: dict[str, dict[str, int]]  # class -> grade ("*" when by class only) -> 원
    terms: tuple[Term, ...]
    multipliers: dict[str, float]
    floor_krw: dict[str, int]
    ceiling_krw: dict[str, int]
    matching_rate: dict[str, float]
    rounding_unit_krw: int
    assumptions: tuple[str, ...] = ()
    sources: tuple[dict, ...] = ()
    tests: tuple[dict, ...] = field(default=(), repr=False)

    def base_for(self, cls: str, grade: str | None) -> int:
        table = self.base_krw.get(cls, {})
        if grade is not None and grade in table:
            return table[grade]
        return table.get("*", 0)

    def summary(self) -> dict:
        return {"id": self.id, "name": self.name, "year": self.year, "valid_from": self.valid_from,
                "valid_to": self.valid_to, "budget_krw": self.budget_krw, "description": self.description,
                "classes": list(self.classes), "grades": list(self.grade_levels),
                "terms": [t.__dict__ for t in self.terms], "assumptions": list(self.assumptions)}


def _err(scheme_id: str, key: str, msg: str) -> InputError:
    return InputError(f"지원 방식 '{scheme_id}'의 '{key}' 항목: {msg}", field=key)


def _money(sid: str, key: str, value: Any) -> int:
    try:
        return parse_won(value, field=key)
    except InputError as exc:
        raise _err(sid, key, exc.message) from None


def _rate(sid: str, key: str, value: Any, lo: float = 0.0, hi: float = 10.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= float(value) <= hi:
        raise _err(sid, key, f"{lo}–{hi} 사이의 수여야 합니다. 받은 값: {value!r}.")
    return float(value)


def parse_scheme(raw: dict[str, Any]) -> Scheme:
    """Validate one scheme document; every problem names the field and what is allowed."""
    if not isinstance(raw, dict):
        raise InputError("지원 방식 문서는 YAML 사전이어야 합니다.", field="scheme")
    sid = str(raw.get("id") or "")
    if not sid:
        raise InputError("지원 방식에 id가 없습니다 (예: pogwal-2026).", field="id")
    for key in ("name", "year", "valid_from", "budget_krw", "eligibility", "classes"):
        if key not in raw:
            raise _err(sid, key, "필수 항목이 없습니다.")
    class_by = raw["classes"].get("by")
    if class_by not in ("designation", "tier"):
        raise _err(sid, "classes.by", f"designation 또는 tier여야 합니다. 받은 값: {class_by!r}.")
    classes = DESIGNATIONS if class_by == "designation" else TIERS
    elig = raw["eligibility"]
    if not (isinstance(elig, dict) and (elig.get("designations") or elig.get("non_capital_or_decline"))):
        raise _err(sid, "eligibility", "designations 목록이나 non_capital_or_decline: true가 있어야 합니다.")
    for d in elig.get("designations") or []:
        if d not in DESIGNATIONS:
            raise _err(sid, "eligibility.designations", f"{', '.join(DESIGNATIONS)} 중 하나여야 합니다: {d!r}.")
    grades = raw.get("grades") or {}
    levels = tuple(str(g) for g in grades.get("levels", ()))
    default = grades.get("default")
    if levels and default not in levels:
        raise _err(sid, "grades.default", f"등급 목록({', '.join(levels)}) 안에 있어야 합니다: {default!r}.")
    weights = {str(g): _rate(sid, f"grades.weights.{g}", w) for g, w in (grades.get("weights") or {}).items()}
    if levels and weights and set(weights) != set(levels):
        raise _err(sid, "grades.weights", f"등급마다 가중치가 있어야 합니다: {', '.join(levels)}.")
    base: dict[str, dict[str, int]] = {}
    for cls, value in (raw.get("base_krw") or {}).items():
        if cls not in classes:
            raise _err(sid, "base_krw", f"분류는 {', '.join(classes)} 중 하나여야 합니다: {cls!r}.")
        if isinstance(value, dict):
            unknown = set(map(str, value)) - set(levels)
            if unknown:
                raise _err(sid, f"base_krw.{cls}", f"없는 등급: {', '.join(sorted(unknown))}.")
            base[cls] = {str(g): _money(sid, f"base_krw.{cls}.{g}", v) for g, v in value.items()}
        else:
            base[cls] = {"*": _money(sid, f"base_krw.{cls}", value)}
    terms = []
    for i, t in enumerate(raw.get("terms") or []):
        if t.get("kind") not in TERM_KINDS:
            raise _err(sid, f"terms[{i}].kind", f"{', '.join(TERM_KINDS)} 중 하나여야 합니다: {t.get('kind')!r}.")
        terms.append(Term(str(t.get("id") or t["kind"]), str(t.get("label") or TERM_KINDS[t["kind"]]), t["kind"],
                          _rate(sid, f"terms[{i}].share", t.get("share"), 0.0, 1.0)))
    if terms and abs(sum(t.share for t in terms) - 1.0) > 1e-9:
        raise _err(sid, "terms", f"share의 합이 1이어야 합니다. 지금 합: {sum(t.share for t in terms):.4f}.")

    def per_class(key: str, conv) -> dict:
        out = {}
        for cls, v in (raw.get(key) or {}).items():
            if cls not in classes:
                raise _err(sid, key, f"분류는 {', '.join(classes)} 중 하나여야 합니다: {cls!r}.")
            out[cls] = conv(sid, f"{key}.{cls}", v)
        return out

    floors, ceilings = per_class("floor_krw", _money), per_class("ceiling_krw", _money)
    for cls in set(floors) & set(ceilings):
        if floors[cls] > ceilings[cls]:
            raise _err(sid, "floor_krw", f"{cls}의 하한({floors[cls]:,}원)이 상한({ceilings[cls]:,}원)보다 큽니다.")
    unit = _money(sid, "rounding_unit_krw", raw.get("rounding_unit_krw", 1))
    budget = _money(sid, "budget_krw", raw["budget_krw"])
    if unit < 1 or budget % unit:
        raise _err(sid, "rounding_unit_krw", f"예산 {budget:,}원이 반올림 단위 {unit:,}원의 배수여야 합니다.")
    try:
        valid_from = dt.date.fromisoformat(str(raw["valid_from"]))
        valid_to = dt.date.fromisoformat(str(raw["valid_to"])) if raw.get("valid_to") else None
    except ValueError:
        raise _err(sid, "valid_from", "날짜는 2026-01-01 형식이어야 합니다.") from None
    return Scheme(
        id=sid, name=str(raw["name"]), year=int(raw["year"]), valid_from=valid_from, valid_to=valid_to,
        description=str(raw.get("description", "")).strip(), budget_krw=budget, eligibility=dict(elig),
        class_by=class_by, classes=classes, tiers=dict(raw.get("tiers") or {}), grade_levels=levels,
        grade_default=default, grade_weights=weights, base_krw=base, terms=tuple(terms),
        multipliers=per_class("multipliers", _rate), floor_krw=floors, ceiling_krw=ceilings,
        matching_rate=per_class("matching_rate", _rate), rounding_unit_krw=unit,
        assumptions=tuple(raw.get("assumptions") or ()), sources=tuple(raw.get("sources") or ()),
        tests=tuple(raw.get("tests") or ()),
    )


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Scheme]:
    out = {}
    for path in sorted(SCHEMES_DIR.glob("*.yaml")):
        scheme = parse_scheme(yaml.safe_load(path.read_text(encoding="utf-8")))
        out[scheme.id] = scheme
    return out


def list_schemes() -> list[Scheme]:
    return list(_shipped().values())


def get_scheme(scheme_id: str) -> Scheme:
    schemes = _shipped()
    if scheme_id not in schemes:
        shown = ", ".join(f"{s.name}({sid})" for sid, s in schemes.items())
        raise NotFound(f"지원 방식 {josa(repr(scheme_id), '이/가')} 없습니다. 있는 방식: {shown}.", field="scheme",
                       candidates=[{"code": sid, "label": s.name, "href": f"/grants/simulate?scheme={sid}"}
                                   for sid, s in schemes.items()])
    return schemes[scheme_id]
