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

BUSINESS_STATUSES = ("예비", "기존")
# Target groups a rule may name; a profile lists the ones that apply to the applicant.
TARGET_GROUPS = (
    "청년", "중장년", "여성", "장애인", "농업인", "어업인", "임업인", "귀농귀촌인", "소상공인", "중소기업",
    "제조기업", "사회적기업", "협동조합", "1인 창조기업", "대학생", "구직자", "재창업자", "다문화가족",
    "북한이탈주민", "국가보훈대상자",
)
# Registrations and certifications a rule may require (True/False per applicant).
FLAGS = (
    "사업자등록", "소상공인확인서", "농업경영체등록", "벤처기업인증", "여성기업확인", "장애인기업확인",
    "스마트공장도입", "공장등록", "이노비즈인증", "국세체납", "지방세체납", "정부지원사업참여제한",
    "연구소보유", "수출실적",
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
            f"'{name}'({FIELD_LABELS.get(name, name)})은 YYYY-MM-DD 날짜여야 합니다. 받은 값: {value!r}.",
            field=name, detail=f"{name}: expected ISO date",
        ) from None


def _number(name: str, value: Any, lo: float, hi: float, *, integer: bool) -> Any:
    if value in (None, ""):
        return None
    try:
        num = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"'{name}'({FIELD_LABELS[name]})은 숫자여야 합니다. 받은 값: {value!r}.", field=name,
            detail=f"{name}: expected a number",
        ) from None
    if isinstance(value, bool) or not (lo <= num <= hi) or (integer and num != int(num)):
        kind = "정수" if integer else "숫자"
        raise InputError(
            f"'{name}'({FIELD_LABELS[name]})은 {lo:g} 이상 {hi:g} 이하의 {kind}여야 합니다. 받은 값: {value!r}.",
            field=name, detail=f"{name} must be in [{lo:g}, {hi:g}]",
        )
    return int(num) if integer else num


def _str_list(name: str, value: Any, allowed: tuple[str, ...] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("·", ",").split(",") if v.strip()]
    if not isinstance(value, (list, tuple)):
        raise InputError(f"'{name}'({FIELD_LABELS[name]})은 목록이어야 합니다. 받은 값: {value!r}.", field=name)
    out = [str(v).strip() for v in value]
    if allowed is not None:
        bad = [v for v in out if v not in allowed]
        if bad:
            raise InputError(
                f"'{name}'({FIELD_LABELS[name]})에 모르는 값이 있습니다: {', '.join(bad)}. 가능한 값: {', '.join(allowed)}.",
                field=name, detail=f"unknown {name}: {bad}",
            )
    return out


_TRUE = ("true", "1", "yes", "y", "예", "네")
_FALSE = ("false", "0", "no", "n", "아니오", "아니요")


def _flag(name: str, value: object) -> bool:
    """A yes/no answer read strictly: ``"false"`` is False (``bool("false")`` would be True)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise InputError(f"'flags'(등록·인증)의 '{name}' 값은 true 또는 false여야 합니다. 받은 값: {value!r}.",
                     field=f"flags.{name}")


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
        from moduai.programs.places import SIDO, normalise_code

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
        flags={k: _flag(k, v) for k, v in flags_raw.items() if v is not None},
        interests=_str_list("interests", data.get("interests"), None) or [],
    )
