"""The criterion types eligibility rules are written in, each with its parameters and its evaluation.

A criterion is parsed once from rule data (:func:`parse_criterion`, which rejects unknown types, bad
ranges and missing fields with :class:`RuleError`) and evaluated against a :class:`Profile` on a given
day.  Every evaluation yields ``pass``, ``fail`` or ``unknown`` (the profile lacks the field) with a
Korean reason of the form "<조건> 조건: <관찰>" and, for failures, what would have to change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from moduai.errors import InputError
from moduai.korean import josa, won
from moduai.programs.places import (
    MEGAREGIONS,
    SIDO,
    canonical_megaregion,
    megaregion_of_sido,
    normalise_code,
    place_name,
    short_place_name,
)
from moduai.programs.profile import BUSINESS_STATUSES, FLAG_FIX, FLAG_LABELS, FLAGS, TARGET_GROUPS, Profile

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
STATUS_LABELS = {PASS: "해당", FAIL: "해당 안 됨", UNKNOWN: "확인 필요"}


class RuleError(InputError):
    """A malformed rule: names the file, the rule and the reason."""

    kind = "rule_error"

    def __init__(self, reason: str, *, file: str, rule: str | None = None, program: str | None = None,
                 detail: str | None = None) -> None:
        where = f"규칙 파일 '{file}'"
        if program:
            where += f", 사업 '{program}'"
        if rule:
            where += f", 규칙 '{rule}'"
        super().__init__(f"{where}: {reason}", field=rule,
                         detail=f"file={file} program={program} rule={rule}" + (f": {detail}" if detail else ""))
        self.file = file
        self.rule = rule
        self.program = program
        self.reason = reason

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update({"file": self.file, "rule": self.rule, "program": self.program, "reason": self.reason})
        return out


@dataclass
class CriterionResult:
    """One criterion's verdict for one profile."""

    id: str
    type: str
    status: str
    condition: str  # the rule in words: "만 39세 이하"
    reason: str  # "만 39세 이하 조건: 만 42세로 해당되지 않습니다"
    fix: str | None = None  # for fails: what would have to change
    changeable: bool = True  # False when no action can change it (age, a passed deadline)


@dataclass
class Context:
    """What an evaluation needs besides the profile."""

    today: dt.date


@dataclass
class Criterion:
    """Base of every criterion type; subclasses declare ``TYPE``, ``FIELDS`` and ``LABEL``."""

    id: str
    label: str | None = None
    TYPE: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    FIELDS: ClassVar[dict[str, str]] = {}  # parameter -> Korean description, for errors and docs
    params: dict[str, Any] = field(default_factory=dict)

    # --- parsing -----------------------------------------------------------------------------------
    @classmethod
    def parse(cls, raw: dict[str, Any], err) -> Criterion:
        unknown = sorted(set(raw) - set(cls.FIELDS) - {"id", "type", "label"})
        if unknown:
            raise err(f"'{cls.TYPE}' 조건에 모르는 항목이 있습니다: {', '.join(unknown)}. "
                      f"쓸 수 있는 항목: {', '.join(cls.FIELDS)}.")
        crit = cls(id=str(raw["id"]), label=raw.get("label"), params={k: raw[k] for k in cls.FIELDS if k in raw})
        crit.validate(err)
        return crit

    def validate(self, err) -> None:  # pragma: no cover - overridden
        pass

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.TYPE}
        if self.label:
            out["label"] = self.label
        out.update(self.params)
        return out

    # --- evaluation --------------------------------------------------------------------------------
    def condition(self) -> str:
        return self.label or self.describe()

    def describe(self) -> str:  # pragma: no cover - overridden
        return self.LABEL

    def evaluate(self, profile: Profile, ctx: Context) -> CriterionResult:  # pragma: no cover
        raise NotImplementedError

    def _result(self, status: str, observation: str, fix: str | None = None, *, changeable: bool = True):
        cond = self.condition()
        return CriterionResult(self.id, self.TYPE, status, cond, f"{cond} 조건: {observation}",
                               fix if status == FAIL else None, changeable)

    def _unknown(self, what: str) -> CriterionResult:
        return self._result(UNKNOWN, f"{josa(what, '을/를')} 입력하지 않아 판단할 수 없습니다")


def _num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _RangeCriterion(Criterion):
    """Shared checks for inclusive ``min``/``max`` ranges."""

    UNIT_MAX: ClassVar[float] = 1e15

    def validate(self, err) -> None:
        lo, hi = self.params.get("min"), self.params.get("max")
        if lo is None and hi is None:
            raise err(f"'{self.TYPE}' 조건에는 min 또는 max 중 하나 이상이 필요합니다.")
        for key, val in (("min", lo), ("max", hi)):
            if val is not None and (not _num(val) or val < 0 or val > self.UNIT_MAX):
                raise err(f"'{key}' 값은 0 이상 {self.UNIT_MAX:g} 이하의 숫자여야 합니다. 받은 값: {val!r}.")
        if lo is not None and hi is not None and lo > hi:
            raise err(f"범위가 잘못되었습니다: min({lo})이 max({hi})보다 큽니다.")

    def _within(self, value: float) -> bool:
        lo, hi = self.params.get("min"), self.params.get("max")
        return (lo is None or value >= lo) and (hi is None or value <= hi)


class AgeRange(_RangeCriterion):
    TYPE = "age_range"
    LABEL = "연령"
    FIELDS = {"min": "만 나이 하한 (이상)", "max": "만 나이 상한 (이하)"}
    UNIT_MAX = 120

    def describe(self) -> str:
        lo, hi = self.params.get("min"), self.params.get("max")
        if lo is not None and hi is not None:
            return f"만 {lo}~{hi}세"
        return f"만 {hi}세 이하" if hi is not None else f"만 {lo}세 이상"

    def evaluate(self, profile, ctx):
        age = profile.age_on(ctx.today)
        if age is None:
            return self._unknown("나이(생년월일)")
        if self._within(age):
            return self._result(PASS, f"만 {age}세로 해당됩니다")
        return self._result(FAIL, f"만 {age}세로 해당되지 않습니다",
                            f"신청 당시 {self.describe()}여야 합니다 (나이는 바꿀 수 없는 조건입니다).",
                            changeable=False)


class BusinessAge(Criterion):
    TYPE = "business_age"
    LABEL = "업력"
    FIELDS = {"under_years": "개업 후 N년 미만", "at_least_years": "개업 후 N년 이상"}

    def validate(self, err) -> None:
        under, least = self.params.get("under_years"), self.params.get("at_least_years")
        if under is None and least is None:
            raise err("'business_age' 조건에는 under_years 또는 at_least_years가 필요합니다.")
        for key, val in (("under_years", under), ("at_least_years", least)):
            if val is not None and (not _num(val) or val < 0 or val > 100):
                raise err(f"'{key}' 값은 0 이상 100 이하의 숫자여야 합니다. 받은 값: {val!r}.")
        if under is not None and least is not None and least >= under:
            raise err(f"범위가 잘못되었습니다: at_least_years({least})가 under_years({under})보다 작아야 합니다.")

    def describe(self) -> str:
        under, least = self.params.get("under_years"), self.params.get("at_least_years")
        if under is not None and least is not None:
            return f"업력 {least:g}년 이상 {under:g}년 미만"
        return f"업력 {under:g}년 미만" if under is not None else f"업력 {least:g}년 이상"

    def evaluate(self, profile, ctx):
        if profile.business_status == "예비":
            years = 0.0
        else:
            years = profile.business_years_on(ctx.today)
        if years is None:
            return self._unknown("개업일(업력)")
        under, least = self.params.get("under_years"), self.params.get("at_least_years")
        shown = "예비창업자(업력 0년)" if profile.business_status == "예비" else f"업력 {years:.1f}년"
        if (under is None or years < under) and (least is None or years >= least):
            return self._result(PASS, f"{josa(shown, '으로/로')} 해당됩니다")
        if under is not None and years >= under:
            return self._result(FAIL, f"{josa(shown, '으로/로')} 해당되지 않습니다",
                                f"개업 후 {under:g}년 미만인 사업자만 신청할 수 있습니다.", changeable=False)
        wait = least - years
        return self._result(FAIL, f"{josa(shown, '으로/로')} 해당되지 않습니다",
                            f"업력이 {least:g}년 이상이어야 합니다 (약 {wait:.1f}년 뒤부터 신청 가능).")


class Employees(_RangeCriterion):
    TYPE = "employees"
    LABEL = "상시근로자 수"
    FIELDS = {"min": "상시근로자 하한 (이상)", "max": "상시근로자 상한 (이하)"}
    UNIT_MAX = 1_000_000

    def describe(self) -> str:
        lo, hi = self.params.get("min"), self.params.get("max")
        if lo is not None and hi is not None:
            return f"상시근로자 {lo}~{hi}명"
        return f"상시근로자 {hi}명 이하" if hi is not None else f"상시근로자 {lo}명 이상"

    def evaluate(self, profile, ctx):
        if profile.employees is None:
            return self._unknown("상시근로자 수")
        n = profile.employees
        if self._within(n):
            return self._result(PASS, f"{n}명으로 해당됩니다")
        lo, hi = self.params.get("min"), self.params.get("max")
        need = f"{hi}명 이하" if hi is not None and n > hi else f"{lo}명 이상"
        return self._result(FAIL, f"{n}명으로 해당되지 않습니다", f"상시근로자가 {need}여야 합니다.")


class Revenue(_RangeCriterion):
    TYPE = "revenue"
    LABEL = "연매출"
    FIELDS = {"min": "연매출 하한 (원, 이상)", "max": "연매출 상한 (원, 이하)"}

    def describe(self) -> str:
        lo, hi = self.params.get("min"), self.params.get("max")
        if lo is not None and hi is not None:
            return f"연매출 {won(lo)}~{won(hi)}"
        return f"연매출 {won(hi)} 이하" if hi is not None else f"연매출 {won(lo)} 이상"

    def evaluate(self, profile, ctx):
        if profile.annual_revenue_krw is None:
            return self._unknown("연매출")
        v = profile.annual_revenue_krw
        if self._within(v):
            return self._result(PASS, f"{won(v)}으로 해당됩니다")
        lo, hi = self.params.get("min"), self.params.get("max")
        need = f"{won(hi)} 이하" if hi is not None and v > hi else f"{won(lo)} 이상"
        return self._result(FAIL, f"{won(v)}으로 해당되지 않습니다", f"연매출이 {need}여야 합니다.")


class BusinessStatus(Criterion):
    TYPE = "business_status"
    LABEL = "사업 상태"
    FIELDS = {"allowed": "예비 (사업자등록 전) / 기존 (사업자등록 후)"}

    def validate(self, err) -> None:
        allowed = self.params.get("allowed")
        if not isinstance(allowed, list) or not allowed:
            raise err("'business_status' 조건에는 allowed 목록(예: [예비])이 필요합니다.")
        bad = [a for a in allowed if a not in BUSINESS_STATUSES]
        if bad:
            raise err(f"allowed에 모르는 값이 있습니다: {', '.join(map(str, bad))}. 가능한 값: 예비, 기존.")

    def describe(self) -> str:
        names = {"예비": "예비창업자", "기존": "기존 사업자"}
        return " 또는 ".join(names[a] for a in self.params["allowed"])

    def evaluate(self, profile, ctx):
        status = profile.business_status
        if status is None:
            return self._unknown("사업 상태(예비/기존)")
        shown = "예비창업자" if status == "예비" else "기존 사업자"
        if status in self.params["allowed"]:
            return self._result(PASS, f"{shown}로 해당됩니다")
        fix = ("아직 사업자등록을 하지 않은 예비창업자만 신청할 수 있습니다."
               if self.params["allowed"] == ["예비"] else "사업자등록을 마친 뒤 신청할 수 있습니다.")
        return self._result(FAIL, f"{shown}로 해당되지 않습니다", fix, changeable=status == "예비")


def _megaregion_text(name: str) -> str:
    """'수도권' → '수도권(서울·인천·경기)'; a 특 with one 시도 → its full name."""
    mega = canonical_megaregion(name)
    members = MEGAREGIONS[mega][1]
    if len(members) == 1:
        return SIDO[members[0]][0]
    return f"{mega}({'·'.join(SIDO[c][1] for c in members)})"


class Region(Criterion):
    TYPE = "region"
    LABEL = "지역"
    FIELDS = {"nationwide": "전국 (true)", "megaregions": "5극3특 권역 이름 목록", "sido": "시도 코드 목록",
              "sigungu": "시군구 코드 목록", "exclude_sido": "제외할 시도 코드 목록 (예: 수도권 제외)"}

    def validate(self, err) -> None:
        p = self.params
        if not any(p.get(k) for k in ("nationwide", "megaregions", "sido", "sigungu", "exclude_sido")):
            raise err("'region' 조건에는 nationwide, megaregions, sido, sigungu, exclude_sido 중 하나가 필요합니다.")
        for mega in p.get("megaregions") or []:
            if canonical_megaregion(str(mega)) is None:
                raise err(f"모르는 5극3특 권역 '{mega}'. 가능한 권역: {', '.join(MEGAREGIONS)}.")
        for key in ("sido", "exclude_sido"):
            for code in p.get(key) or []:
                if normalise_code(str(code)) not in SIDO:
                    raise err(f"{key}의 '{code}'은(는) 행안부 시도 코드가 아닙니다 (예: 11 서울, 51 강원).")
        for code in p.get("sigungu") or []:
            code = str(code)
            if not (code.isdigit() and len(code) == 5 and normalise_code(code)[:2] in SIDO):
                raise err(f"sigungu의 '{code}'은(는) 행안부 시군구 5자리 코드가 아닙니다 (예: 51150 강릉시).")

    def scope_sido(self) -> set[str]:
        """Every 시도 the scope touches (for search and the calendar)."""
        p = self.params
        out: set[str] = set()
        if p.get("nationwide") or p.get("exclude_sido"):
            out = set(SIDO) - {normalise_code(str(c)) for c in p.get("exclude_sido") or []}
        for mega in p.get("megaregions") or []:
            out |= set(MEGAREGIONS[canonical_megaregion(str(mega))][1])
        out |= {normalise_code(str(c)) for c in p.get("sido") or []}
        out |= {normalise_code(str(c))[:2] for c in p.get("sigungu") or []}
        return out

    def describe(self) -> str:
        p = self.params
        parts: list[str] = []
        if p.get("nationwide"):
            parts.append("전국")
        parts += [_megaregion_text(str(m)) for m in p.get("megaregions") or []]
        parts += [SIDO[normalise_code(str(c))][0] for c in p.get("sido") or []]
        parts += [place_name(str(c)) for c in p.get("sigungu") or []]
        text = ", ".join(parts)
        if p.get("exclude_sido"):
            excluded = "·".join(SIDO[normalise_code(str(c))][1] for c in p["exclude_sido"])
            text = (text + " 중 " if text else "") + f"{excluded} 제외 지역"
        return f"소재지 {text}"

    def evaluate(self, profile, ctx):
        if not profile.region_code:
            return self._unknown("지역(사업장 소재지)")
        code = normalise_code(profile.region_code)
        sido = code[:2]
        p = self.params
        here = short_place_name(code)
        excluded = {normalise_code(str(c)) for c in p.get("exclude_sido") or []}
        where = self.describe().removeprefix("소재지 ")
        fix = f"사업장(또는 주소)이 {where}에 있어야 합니다."
        if sido in excluded:
            return self._result(FAIL, f"{josa(here, '은/는')} 제외 지역입니다", fix)
        if p.get("nationwide") or (excluded and not any(p.get(k) for k in ("megaregions", "sido", "sigungu"))):
            return self._result(PASS, f"{josa(here, '은/는')} 대상 지역입니다")
        sigungu = {normalise_code(str(c)) for c in p.get("sigungu") or []}
        # A 일반구 (47111 포항시 남구) lies in its 시 (47110): same first four digits, last digit 0.
        if len(code) >= 5 and ({code[:5], code[:4] + "0"} & sigungu):
            return self._result(PASS, f"{josa(here, '은/는')} 대상 시군구입니다")
        if sido in {normalise_code(str(c)) for c in p.get("sido") or []}:
            return self._result(PASS, f"{josa(here, '은/는')} {SIDO[sido][0]}에 속합니다")
        megas = {canonical_megaregion(str(m)) for m in p.get("megaregions") or []}
        mine = megaregion_of_sido(sido)
        if mine in megas:
            return self._result(PASS, f"{josa(here, '은/는')} {_megaregion_text(mine)}에 속합니다")
        if len(code) == 2 and any(s[:2] == sido for s in sigungu):
            return self._result(UNKNOWN, f"{SIDO[sido][0]} 안에서도 일부 시군구만 대상입니다. 시군구를 입력해 주세요")
        if len(code) == 5 and code.endswith("0") and any(s[:4] == code[:4] and s != code for s in sigungu):
            return self._result(UNKNOWN, f"{here} 안에서도 일부 구만 대상입니다. 구를 입력해 주세요")
        return self._result(FAIL, f"{josa(here, '은/는')} 대상 지역이 아닙니다", fix)


KSIC_SECTIONS = {  # 한국표준산업분류 10차: 대분류 letter → 2-digit 중분류 range
    "A": (1, 3), "B": (5, 8), "C": (10, 34), "D": (35, 35), "E": (36, 39), "F": (41, 42), "G": (45, 47),
    "H": (49, 52), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68), "M": (70, 73),
    "N": (74, 76), "O": (84, 84), "P": (85, 85), "Q": (86, 87), "R": (90, 91), "S": (94, 96),
    "T": (97, 98), "U": (99, 99),
}


def ksic_matches(code: str, prefix: str) -> bool:
    """Whether KSIC ``code`` ('56221' or 'I') falls under ``prefix`` ('I', '56', '5622')."""
    code, prefix = code.upper(), prefix.upper()
    if prefix[0].isalpha():
        if code[0].isalpha():
            return code.startswith(prefix)
        lo, hi = KSIC_SECTIONS[prefix[0]]
        return len(code) >= 2 and lo <= int(code[:2]) <= hi and (len(prefix) == 1 or code.startswith(prefix[1:]))
    return code.startswith(prefix)


class Industry(Criterion):
    TYPE = "industry"
    LABEL = "업종"
    FIELDS = {"ksic_prefixes": "대상 KSIC 코드 접두 (예: C, 56)", "keywords": "대상 업종 이름 목록",
              "exclude_ksic_prefixes": "제외 KSIC 코드 접두"}

    def validate(self, err) -> None:
        p = self.params
        if not (p.get("ksic_prefixes") or p.get("keywords") or p.get("exclude_ksic_prefixes")):
            raise err("'industry' 조건에는 ksic_prefixes, keywords, exclude_ksic_prefixes 중 하나가 필요합니다.")
        for key in ("ksic_prefixes", "exclude_ksic_prefixes"):
            for pre in p.get(key) or []:
                pre = str(pre).upper()
                ok = pre.isdigit() or (pre[:1] in KSIC_SECTIONS and pre[1:].isdigit() or pre in KSIC_SECTIONS)
                if not pre or not ok:
                    raise err(f"{key}의 '{pre}'은(는) KSIC 코드 접두가 아닙니다 (예: C 제조업, 56 음식점 및 주점업).")

    def describe(self) -> str:
        p = self.params
        parts = [f"KSIC {', '.join(map(str, p['ksic_prefixes']))}"] if p.get("ksic_prefixes") else []
        if p.get("keywords"):
            parts.append("·".join(p["keywords"]))
        text = " 또는 ".join(parts)
        if p.get("exclude_ksic_prefixes"):
            text = (text + " (" if text else "") + f"KSIC {', '.join(map(str, p['exclude_ksic_prefixes']))} 제외" + (")" if text else "")
        return f"업종 {text}"

    def evaluate(self, profile, ctx):
        p = self.params
        if profile.ksic_code:
            code = profile.ksic_code
            if any(ksic_matches(code, str(x)) for x in p.get("exclude_ksic_prefixes") or []):
                return self._result(FAIL, f"업종 코드 {josa(code, '은/는')} 제외 업종입니다", "대상 업종이어야 합니다.")
            if not p.get("ksic_prefixes") and not p.get("keywords"):
                return self._result(PASS, f"업종 코드 {josa(code, '은/는')} 제외 업종이 아닙니다")
            via = f" ({profile.ksic_from})" if profile.ksic_from else ""
            if any(ksic_matches(code, str(x)) for x in p.get("ksic_prefixes") or []):
                return self._result(PASS, f"업종 코드 {josa(code, '으로/로')} 해당됩니다{via}")
            if not p.get("keywords") or not profile.industry:
                return self._result(FAIL, f"업종 코드 {josa(code, '으로/로')} 해당되지 않습니다{via}",
                                    f"{self.describe()}에 해당해야 합니다.", changeable=False)
        if profile.industry and p.get("keywords"):
            text = profile.industry
            if any(k in text or text in k for k in p["keywords"]):
                return self._result(PASS, f"{josa(text, '으로/로')} 해당됩니다")
            if not p.get("ksic_prefixes"):
                return self._result(FAIL, f"{josa(text, '은/는')} 대상 업종이 아닙니다",
                                    f"{self.describe()}에 해당해야 합니다.", changeable=False)
        if profile.industry and not profile.ksic_code:
            return self._result(UNKNOWN, f"업종 '{profile.industry}'만으로는 KSIC 코드를 알 수 없습니다. 업종 코드를 입력해 주세요")
        return self._unknown("업종")


class TargetGroup(Criterion):
    TYPE = "target_group"
    LABEL = "지원 대상"
    FIELDS = {"any_of": "이 중 하나에 해당", "all_of": "모두 해당"}

    def validate(self, err) -> None:
        p = self.params
        if not (p.get("any_of") or p.get("all_of")):
            raise err("'target_group' 조건에는 any_of 또는 all_of 목록이 필요합니다.")
        for key in ("any_of", "all_of"):
            bad = [g for g in p.get(key) or [] if g not in TARGET_GROUPS]
            if bad:
                raise err(f"{key}에 모르는 대상이 있습니다: {', '.join(map(str, bad))}. 가능한 대상: {', '.join(TARGET_GROUPS)}.")

    def describe(self) -> str:
        p = self.params
        if p.get("all_of"):
            return "·".join(p["all_of"]) + " 모두 해당"
        return " 또는 ".join(p["any_of"])

    def evaluate(self, profile, ctx):
        if profile.groups is None:
            return self._unknown("해당 대상(청년·여성·농업인 등)")
        mine = set(profile.groups)
        p = self.params
        if p.get("all_of"):
            missing = [g for g in p["all_of"] if g not in mine]
            if not missing:
                return self._result(PASS, "모두 해당됩니다")
            return self._result(FAIL, f"{josa('·'.join(missing), '이/가')} 아닙니다",
                                f"{'·'.join(missing)}에 해당해야 합니다.")
        hit = [g for g in p["any_of"] if g in mine]
        if hit:
            return self._result(PASS, f"{josa(hit[0], '으로/로')} 해당됩니다")
        return self._result(FAIL, "해당하는 대상이 없습니다", f"{self.describe()}에 해당해야 합니다.")


def _flag_names(flags: list[str]) -> str:
    return "·".join(FLAG_LABELS.get(f, f) for f in flags)


class Flags(Criterion):
    TYPE = "flags"
    LABEL = "등록·인증"
    FIELDS = {"required": "있어야 하는 등록·인증", "forbidden": "없어야 하는 상태 (예: 국세체납)"}

    def validate(self, err) -> None:
        p = self.params
        if not (p.get("required") or p.get("forbidden")):
            raise err("'flags' 조건에는 required 또는 forbidden 목록이 필요합니다.")
        for key in ("required", "forbidden"):
            bad = [f for f in p.get(key) or [] if f not in FLAGS]
            if bad:
                raise err(f"{key}에 모르는 항목이 있습니다: {', '.join(map(str, bad))}. 가능한 항목: {', '.join(FLAGS)}.")

    def describe(self) -> str:
        p = self.params
        parts = []
        if p.get("required"):
            parts.append(_flag_names(p["required"]) + " 필요")
        if p.get("forbidden"):
            parts.append(_flag_names(p["forbidden"]) + " 없음")
        return ", ".join(parts)

    def evaluate(self, profile, ctx):
        p = self.params
        missing, present_bad, unknown = [], [], []
        for f in p.get("required") or []:
            v = profile.flags.get(f)
            (unknown if v is None else missing if not v else []).append(f)
        for f in p.get("forbidden") or []:
            v = profile.flags.get(f)
            (unknown if v is None else present_bad if v else []).append(f)
        if missing or present_bad:
            first = (missing or present_bad)[0]
            what = (f"{josa(_flag_names(missing), '이/가')} 없습니다" if missing
                    else f"{josa(_flag_names(present_bad), '이/가')} 있습니다")
            return self._result(FAIL, what, f"{FLAG_FIX[first]} 신청할 수 있습니다.")
        if unknown:
            return self._unknown(_flag_names(unknown) + " 여부")
        return self._result(PASS, "모두 갖추었습니다")


def _parse_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def korean_date(day: dt.date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


class ApplicationWindow(Criterion):
    TYPE = "application_window"
    LABEL = "접수 기간"
    FIELDS = {"start": "접수 시작일 (YYYY-MM-DD)", "end": "마감일 (YYYY-MM-DD, 그날까지)", "rolling": "상시 접수 (true)"}

    def validate(self, err) -> None:
        p = self.params
        for key in ("start", "end"):
            if p.get(key) is not None:
                try:
                    p[key] = _parse_date(p[key])
                except ValueError:
                    raise err(f"'{key}'는 YYYY-MM-DD 날짜여야 합니다. 받은 값: {p[key]!r}.") from None
        if p.get("start") and p.get("end") and p["start"] > p["end"]:
            raise err(f"접수 시작일({p['start']})이 마감일({p['end']})보다 늦습니다.")
        if p.get("rolling") and p.get("end"):
            raise err("상시 접수(rolling)와 마감일(end)을 함께 쓸 수 없습니다.")

    def describe(self) -> str:
        p = self.params
        if p.get("rolling"):
            return "상시 접수"
        if p.get("end"):
            start = f"{korean_date(p['start'])}~" if p.get("start") else ""
            return f"접수 {start}{korean_date(p['end'])}"
        return "접수 기간"

    def evaluate(self, profile, ctx):
        p = self.params
        today = ctx.today
        if p.get("rolling"):
            return self._result(PASS, "상시 접수 중입니다")
        end, start = p.get("end"), p.get("start")
        if end is None:
            return self._result(UNKNOWN, "접수 기간이 아직 공고되지 않았습니다")
        if today > end:
            return self._result(FAIL, f"마감일({korean_date(end)})이 지났습니다",
                                "이번 공고는 마감되었습니다. 다음 공고를 기다려야 합니다.", changeable=False)
        if start and today < start:
            return self._result(PASS, f"{korean_date(start)}부터 접수 예정입니다 (마감 {korean_date(end)})")
        left = (end - today).days
        return self._result(PASS, f"접수 중입니다 (마감까지 {left}일)" if left else "오늘 마감입니다")


CRITERION_TYPES: dict[str, type[Criterion]] = {
    cls.TYPE: cls
    for cls in (AgeRange, Region, BusinessStatus, BusinessAge, Employees, Revenue, Industry, TargetGroup,
                Flags, ApplicationWindow)
}


def parse_criterion(raw: Any, *, err_for) -> Criterion:
    """Build a criterion from rule data; ``err_for(rule_id)`` makes the :class:`RuleError` factory."""
    if not isinstance(raw, dict):
        raise err_for(None)(f"조건은 항목(mapping)이어야 합니다. 받은 값: {raw!r}.")
    rid = raw.get("id")
    err = err_for(str(rid) if rid else None)
    if not rid:
        raise err("조건에 id가 없습니다. 각 조건에 짧은 id(예: age)를 붙여 주세요.")
    ctype = raw.get("type")
    if ctype is None:
        raise err("조건에 type이 없습니다. 가능한 유형: " + ", ".join(CRITERION_TYPES) + ".")
    if ctype not in CRITERION_TYPES:
        raise err(f"알 수 없는 조건 유형 '{ctype}'. 가능한 유형: {', '.join(CRITERION_TYPES)}.")
    return CRITERION_TYPES[ctype].parse(raw, err)
