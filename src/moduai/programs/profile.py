"""The applicant's profile: what a person or business tells us, every field optional.

A missing field never fails a rule: the criterion that needs it answers "unknown" and says which field
would settle it.  Values are validated in one place (:func:`profile_from_dict`) with Korean messages
naming the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from moduai.errors import InputError
from moduai.korean import josa, number
from moduai.programs.places import SIDO, normalise_code

BUSINESS_STATUSES = ("예비", "기존")
# Target groups a rule may name; a profile lists the ones that apply to the applicant.
TARGET_GROUPS = (
    "청년", "중장년", "여성", "장애인", "농업인", "어업인", "임업인", "귀농귀촌인", "소상공인", "중소기업",
    "제조기업", "사회적기업", "협동조합", "1인 창조기업", "대학생", "구직자", "재창업자", "다문화가족",
    "북한이탈주민", "국가보훈대상자",
)


@dataclass(frozen=True)
class Flag:
    """A registration or certification a rule may require: its id (used in rules and profiles), the label
    shown to people, and the fix a failed check suggests ("…하면 신청할 수 있습니다")."""

    id: str
    label: str
    fix: str


# The one table of flags.  A profile answers each with one of FLAG_VALUES (missing = not answered).
FLAG_TABLE: tuple[Flag, ...] = (
    Flag("사업자등록", "사업자등록", "사업자등록을 하면"),
    Flag("소상공인확인서", "소상공인확인서", "소상공인확인서를 발급받으면"),
    Flag("농업경영체등록", "농업경영체 등록", "농업경영체로 등록하면"),
    Flag("벤처기업인증", "벤처기업 인증", "벤처기업 인증을 받으면"),
    Flag("여성기업확인", "여성기업 확인서", "여성기업 확인서를 받으면"),
    Flag("장애인기업확인", "장애인기업 확인서", "장애인기업 확인서를 받으면"),
    Flag("스마트공장도입", "스마트공장 도입", "스마트공장을 도입하면"),
    Flag("공장등록", "공장등록", "공장등록을 하면"),
    Flag("이노비즈인증", "이노비즈 인증", "이노비즈 인증을 받으면"),
    Flag("국세체납", "국세 체납", "국세 체납을 해소하면"),
    Flag("지방세체납", "지방세 체납", "지방세 체납을 해소하면"),
    Flag("정부지원사업참여제한", "정부지원사업 참여 제한", "참여 제한 기간이 끝나면"),
    Flag("연구소보유", "기업부설연구소(전담부서)", "기업부설연구소(전담부서)를 두면"),
    Flag("수출실적", "수출 실적", "수출 실적이 생기면"),
)
FLAGS = tuple(f.id for f in FLAG_TABLE)
FLAG_LABELS = {f.id: f.label for f in FLAG_TABLE}
FLAG_FIX = {f.id: f.fix for f in FLAG_TABLE}
# Allowed answers per flag: JSON booleans, and the words forms and CSV files use ("false" is False).
FLAG_VALUES: dict[object, bool] = {
    True: True, False: False, "true": True, "false": False, "yes": True, "no": False, "예": True, "아니오": False,
}


def parse_flag_value(flag: str, value: object) -> bool:
    """One flag answer, strictly: only :data:`FLAG_VALUES` are accepted (never ``bool("false")``)."""
    key = value.strip().lower() if isinstance(value, str) else value
    if isinstance(key, bool) or (isinstance(key, str) and key in FLAG_VALUES):
        return FLAG_VALUES[key]
    allowed = "true/false, 예/아니오"
    raise InputError(
        f"'flags'(등록·인증)의 '{FLAG_LABELS.get(flag, flag)}' 값은 {allowed} 가운데 하나여야 합니다. "
        f"받은 값: {value!r}.",
        field="flags",
    )


@dataclass
class Profile:
    """What the applicant told us. ``None`` means "not answered" (→ unknown), never "no"."""

    age: int | None = None
    birth_date: dt.date | None = None
    region_code: str | None = None  # 행안부 2-digit 시도 or 5-digit 시군구
    business_status: str | None = None  # '예비' (not yet registered) or '기존'
    opened_on: dt.date | None = None  # 개업일 (사업자등록일)
    business_age_years: float | None = None  # used when opened_on is not given
    employees: int | None = None  # 상시근로자 수
    annual_revenue_krw: int | None = None  # 연매출 (원)
    ksic_code: str | None = None  # 한국표준산업분류 code, e.g. '56221' or 'C'
    industry: str | None = None  # 업종 in words, e.g. '카페'
    groups: list[str] | None = None  # 해당하는 대상 (청년, 여성, 농업인 …); None = not answered
    flags: dict[str, bool] = field(default_factory=dict)  # 등록·인증 여부; missing key = unknown
    interests: list[str] = field(default_factory=list)  # 관심 분야 (사업 종류), for ranking only
    ksic_from: str | None = None  # how ksic_code was derived from `industry` (programs.industry), if it was

    def age_on(self, today: dt.date) -> int | None:
        """만 나이 on ``today`` (birth date wins over a stated age)."""
        if self.birth_date is not None:
            years = today.year - self.birth_date.year
            if (today.month, today.day) < (self.birth_date.month, self.birth_date.day):
                years -= 1
            return years
        return self.age

    def business_years_on(self, today: dt.date) -> float | None:
        """Years since 개업 on ``today`` (fractional), from ``opened_on`` or the stated figure."""
        if self.opened_on is not None:
            return max(0.0, (today - self.opened_on).days / 365.2425)
        return self.business_age_years


FIELD_LABELS = {
    "age": "나이", "birth_date": "생년월일", "region_code": "지역", "business_status": "사업 상태",
    "opened_on": "개업일", "business_age_years": "업력", "employees": "상시근로자 수",
    "annual_revenue_krw": "연매출", "ksic_code": "업종 코드(KSIC)", "industry": "업종",
    "groups": "해당 대상", "flags": "등록·인증", "interests": "관심 분야",
}


def _date(name: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(
            f"{josa(FIELD_LABELS.get(name, name), '은/는')} 2026-03-01 같은 연-월-일 날짜여야 합니다. 받은 값: {value!r}.",
            field=name, detail=f"{name}: expected ISO date",
        ) from None


def _number(name: str, value: Any, lo: float, hi: float, *, integer: bool) -> Any:
    if value in (None, ""):
        return None
    try:
        num = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"{josa(FIELD_LABELS[name], '은/는')} 숫자여야 합니다. 받은 값: {value!r}.", field=name,
            detail=f"{name}: expected a number",
        ) from None
    if isinstance(value, bool) or not (lo <= num <= hi) or (integer and num != int(num)):
        kind = "정수" if integer else "숫자"
        raise InputError(
            f"{josa(FIELD_LABELS[name], '은/는')} {number(lo)} 이상 {number(hi)} 이하의 {kind}여야 합니다. 받은 값: {value!r}.",
            field=name, detail=f"{name} must be in [{lo:g}, {hi:g}]",
        )
    return int(num) if integer else num


def _str_list(name: str, value: Any, allowed: tuple[str, ...] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("·", ",").split(",") if v.strip()]
    if not isinstance(value, (list, tuple)):
        raise InputError(f"{josa(FIELD_LABELS[name], '은/는')} 목록이어야 합니다. 받은 값: {value!r}.", field=name)
    out = [str(v).strip() for v in value]
    if allowed is not None:
        bad = [v for v in out if v not in allowed]
        if bad:
            raise InputError(
                f"{FIELD_LABELS[name]}에 모르는 값이 있습니다: {', '.join(bad)}. 가능한 값: {', '.join(allowed)}.",
                field=name, detail=f"unknown {name}: {bad}",
            )
    return out


def profile_from_dict(data: dict[str, Any] | None) -> Profile:
    """Validate a profile given as a mapping (YAML file, JSON body or form) and build :class:`Profile`.

    Unknown keys are refused so a typo ('employes') does not silently become "not answered".
    """
    data = dict(data or {})
    unknown = sorted(set(data) - set(FIELD_LABELS))
    if unknown:
        raise InputError(
            f"프로필에 모르는 항목이 있습니다: {', '.join(unknown)}. 쓸 수 있는 항목: {', '.join(FIELD_LABELS)}.",
            field=unknown[0], detail=f"unknown profile keys: {unknown}",
        )
    region = data.get("region_code")
    if region not in (None, ""):
        region = normalise_code(str(region))
        if not (region.isdigit() and len(region) in (2, 5) and region[:2] in SIDO):
            raise InputError(
                f"'region_code'(지역)는 행안부 시도 2자리 또는 시군구 5자리 코드여야 합니다 (예: 51, 51150). 받은 값: {data['region_code']!r}.",
                field="region_code",
            )
    else:
        region = None
    status = data.get("business_status") or None
    if status is not None and status not in BUSINESS_STATUSES:
        raise InputError(
            f"'business_status'(사업 상태)는 {' 또는 '.join(BUSINESS_STATUSES)}여야 합니다. 받은 값: {status!r}.",
            field="business_status",
        )
    flags_raw = data.get("flags") or {}
    if not isinstance(flags_raw, dict):
        raise InputError("'flags'(등록·인증)는 {이름: true/false} 형태여야 합니다.", field="flags")
    bad_flags = [k for k in flags_raw if k not in FLAGS]
    if bad_flags:
        raise InputError(
            f"'flags'(등록·인증)에 모르는 항목이 있습니다: {', '.join(bad_flags)}. 가능한 항목: {', '.join(FLAGS)}.",
            field="flags",
        )
    ksic = data.get("ksic_code")
    ksic = str(ksic).strip().upper() if ksic not in (None, "") else None
    if ksic is not None and not (ksic.isdigit() or (ksic[0].isalpha() and ksic[1:].isdigit())):
        raise InputError(f"'ksic_code'(업종 코드)는 '56221' 또는 'C' 같은 KSIC 코드여야 합니다. 받은 값: {ksic!r}.",
                         field="ksic_code")
    return Profile(
        age=_number("age", data.get("age"), 0, 120, integer=True),
        birth_date=_date("birth_date", data.get("birth_date")),
        region_code=region,
        business_status=status,
        opened_on=_date("opened_on", data.get("opened_on")),
        business_age_years=_number("business_age_years", data.get("business_age_years"), 0, 200, integer=False),
        employees=_number("employees", data.get("employees"), 0, 1_000_000, integer=True),
        annual_revenue_krw=_number("annual_revenue_krw", data.get("annual_revenue_krw"), 0, 1e15, integer=True),
        ksic_code=ksic,
        industry=(str(data["industry"]).strip() or None) if data.get("industry") else None,
        groups=_str_list("groups", data.get("groups"), TARGET_GROUPS),
        flags={k: parse_flag_value(k, v) for k, v in flags_raw.items() if v is not None},  # null = not answered
        interests=_str_list("interests", data.get("interests"), None) or [],
    )
