"""One ID per organisation and per person.

- Organisations: the 사업자등록번호 (10 digits, 국세청 check digit). 예비창업자 have none.
- People: ``person_key`` = :func:`moduai.accounts.keys.keyed_hash` of the normalised name + birth date +
  phone (purpose ``"person"``). Names and phones are stored masked only (김*수, 010-****-5678).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from difflib import SequenceMatcher

from moduai.accounts.keys import keyed_hash
from moduai.errors import InputError

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_LEGAL_FORMS = re.compile(r"\(주\)|㈜|주식회사|\(유\)|유한회사|\(사\)|사단법인|농업회사법인|협동조합|\s+")


def brn_check_digit(first9: str) -> int:
    """The 10th digit of a 사업자등록번호 from its first nine (국세청 rule).

    Weights 1,3,7,1,3,7,1,3,5 on digits 1–9; add ⌊(digit 9 × 5) / 10⌋; the check digit is
    (10 − sum mod 10) mod 10.  삼성전자 124-81-00998: 1+6+28+8+3+0+0+27+45 = 118, +⌊45/10⌋ = 122 → 8.
    """
    d = [int(c) for c in first9]
    total = sum(x * w for x, w in zip(d, BRN_WEIGHTS, strict=True)) + (d[8] * 5) // 10
    return (10 - total % 10) % 10


def normalise_brn(value: str | None, *, field: str = "brn") -> str | None:
    """``'124-81-00998'`` → ``'1248100998'``; empty → None (예비창업자). Wrong length or check digit → InputError."""
    if value is None:
        return None
    digits = re.sub(r"[\s\-]", "", str(value))
    if digits in ("", "-", "없음"):
        return None
    if not digits.isdigit() or len(digits) != 10:
        raise InputError(
            f"사업자등록번호는 숫자 10자리여야 합니다 (예: 124-81-00998). 받은 값: '{value}'. "
            "예비창업자는 비워 두세요.", field=field)
    if brn_check_digit(digits[:9]) != int(digits[9]):
        raise InputError(
            f"사업자등록번호 '{format_brn(digits)}'의 검증 숫자(마지막 자리)가 맞지 않습니다. 사업자등록증의 번호를 "
            "다시 확인해 주세요.", field=field, detail="check digit mismatch (국세청 weights 1,3,7,1,3,7,1,3,5)")
    return digits


def format_brn(digits: str | None) -> str | None:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if digits else None


def normalise_org_name(name: str) -> str:
    """For duplicate detection: NFKC, legal forms (주식회사, (주) …) and spaces removed, lower case."""
    return _LEGAL_FORMS.sub("", unicodedata.normalize("NFKC", name)).lower()


def name_similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, normalise_org_name(a), normalise_org_name(b)).ratio()


def normalise_person(name: str, birth_date: dt.date | str, phone: str) -> str:
    """``'김 민수', '1990-01-02', '010-1234-5678'`` → ``'김민수|1990-01-02|01012345678'``."""
    n = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    if not n:
        raise InputError("이름을 입력해 주세요.", field="name")
    if isinstance(birth_date, str):
        try:
            birth_date = dt.date.fromisoformat(birth_date.strip())
        except ValueError:
            raise InputError(f"생년월일은 YYYY-MM-DD 형식이어야 합니다. 받은 값: '{birth_date}'.",
                             field="birth_date") from None
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("82"):
        digits = "0" + digits[2:]
    if not (10 <= len(digits) <= 11 and digits.startswith("0")):
        raise InputError(f"전화번호는 010-1234-5678 형식이어야 합니다. 받은 값: '{phone}'.", field="phone")
    return f"{n}|{birth_date.isoformat()}|{digits}"


def person_key(name: str, birth_date: dt.date | str, phone: str, *, key: bytes | None = None) -> str:
    """Keyed identity of a person (HMAC-SHA256, purpose ``person``); never reversible without the key."""
    return keyed_hash(normalise_person(name, birth_date, phone), purpose="person", key=key)


def mask_person_name(name: str) -> str:
    n = re.sub(r"\s+", "", name or "")
    if len(n) <= 1:
        return "*"
    if len(n) == 2:
        return n[0] + "*"
    return n[0] + "*" * (len(n) - 2) + n[-1]


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 8:
        return "***"
    return f"{digits[:3]}-{'*' * (len(digits) - 7)}-{digits[-4:]}"
