"""The web profile form: field names, choices and the translation of submitted text into a profile.

Kept out of the route so the same rules (what '모름' means, 만 원 → 원, a typed place name → 행안부 code)
are tested once.  A blank field means "not answered" and makes the criteria that need it "unknown".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from moduai.errors import InputError
from moduai.programs.catalog import KINDS
from moduai.programs.places import resolve_place
from moduai.programs.profile import FLAG_LABELS, TARGET_GROUPS

COMMON_FLAGS = ("사업자등록", "소상공인확인서", "농업경영체등록", "스마트공장도입", "국세체납")
OTHER_FLAGS = tuple(f for f in FLAG_LABELS if f not in COMMON_FLAGS)
COMMON_GROUPS = ("청년", "중장년", "여성", "장애인", "농업인", "귀농귀촌인", "소상공인", "중소기업", "제조기업",
                 "구직자", "대학생", "재창업자")
OTHER_GROUPS = tuple(g for g in TARGET_GROUPS if g not in COMMON_GROUPS)
FLAG_CHOICES = (("", "모름"), ("yes", "예"), ("no", "아니오"))


@dataclass
class ProfileFormSpec:
    """Everything the form template needs to draw its fields."""

    kinds: tuple[str, ...] = KINDS
    common_groups: tuple[str, ...] = COMMON_GROUPS
    other_groups: tuple[str, ...] = OTHER_GROUPS
    common_flags: list[tuple[str, str]] = field(default_factory=lambda: [(f, FLAG_LABELS[f]) for f in COMMON_FLAGS])
    other_flags: list[tuple[str, str]] = field(default_factory=lambda: [(f, FLAG_LABELS[f]) for f in OTHER_FLAGS])
    flag_choices: tuple[tuple[str, str], ...] = FLAG_CHOICES


def _get(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key)
    return str(value).strip() if value is not None else ""


def _getlist(form: Any, key: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(key)]
    value = form.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def profile_dict_from_form(form: Any) -> tuple[dict[str, Any], str | None]:
    """(profile mapping, resolved place name) from submitted form fields (query string or POST)."""
    out: dict[str, Any] = {}
    place_name = None
    region = _get(form, "region")
    if region:
        try:
            place = resolve_place(region)
        except InputError as exc:  # Ambiguous: keep the candidates for the page
            raise InputError(f"지역 '{region}': {exc.message}", field="region", candidates=exc.candidates) from None
        except Exception as exc:  # NotFound and friends carry a Korean message too
            message = getattr(exc, "message", str(exc))
            raise InputError(f"지역 '{region}': {message}", field="region",
                             candidates=getattr(exc, "candidates", None)) from None
        out["region_code"] = place.code
        place_name = place.name
    for key in ("age", "birth_date", "opened_on", "employees", "ksic_code", "industry", "business_age_years"):
        if _get(form, key):
            out[key] = _get(form, key)
    status = _get(form, "business_status")
    if status in ("예비", "기존"):
        out["business_status"] = status
    revenue = _get(form, "annual_revenue_manwon").replace(",", "")
    if revenue:
        try:
            out["annual_revenue_krw"] = int(round(float(revenue) * 10_000))
        except ValueError:
            raise InputError(f"연매출(만 원)은 숫자여야 합니다. 받은 값: {revenue!r}.", field="annual_revenue_manwon") from None
    if _get(form, "groups_answered") or _getlist(form, "groups"):
        out["groups"] = _getlist(form, "groups")
    flags = {}
    for flag in FLAG_LABELS:
        value = _get(form, f"flag_{flag}")
        if value in ("yes", "no"):
            flags[flag] = value == "yes"
    if flags:
        out["flags"] = flags
    interests = [k for k in _getlist(form, "interests") if k in KINDS]
    if interests:
        out["interests"] = interests
    return out, place_name
