"""Masking of personal data in imported files: phone numbers (010-****-1234) and names (김*수).

Masked values are what is stored and shown.  So that one customer's visits still group together, the
ledger also stores ``customer_key`` = HMAC-SHA256(identifier key, normalised identifier): it cannot be turned
back into a phone number without the identifier key (kept in MODUAI_HOME, never in the database) (a plain hash of a phone number could be
brute-forced over the 10⁸ possible numbers).
"""

from __future__ import annotations

import re

from moduai.accounts.keys import keyed_hash

_PHONE = re.compile(r"(?<!\d)(?:\+?82[-\s.]?)?(0?1[016789]|0[2-6][0-9]?|0?2)[-\s.)]?(\d{3,4})[-\s.]?(\d{4})(?!\d)")
_MOBILE_ONLY = re.compile(r"^\+?[\d\s\-.()]{9,16}$")
_HANGUL_NAME = re.compile(r"^[가-힣]{2,5}$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z .'-]{1,40}$")
_ALREADY_MASKED = re.compile(r"\*")


def mask_phone(value: str) -> str:
    """``010-1234-5678`` / ``01012345678`` / ``+82 10-1234-5678`` → ``010-****-5678``; landlines keep the
    area code (``02-123-4567`` → ``02-***-4567``)."""
    m = _PHONE.search(value)
    if not m:
        return value
    head, mid, tail = m.groups()
    if not head.startswith("0"):
        head = "0" + head
    return f"{head}-{'*' * len(mid)}-{tail}"


def mask_name(value: str) -> str:
    """Korean names keep the first and last syllable (김민수 → 김*수, 김수 → 김*, 남궁민수 → 남**수);
    Latin names keep first and last letter of each word (John Kim → J**n K*m)."""
    v = value.strip()
    if _HANGUL_NAME.match(v):
        if len(v) == 2:
            return v[0] + "*"
        return v[0] + "*" * (len(v) - 2) + v[-1]
    words = []
    for w in v.split():
        words.append(w if len(w) <= 1 else w[0] + "*" * max(1, len(w) - 2) + (w[-1] if len(w) > 2 else ""))
    return " ".join(words)


def is_phone(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return bool(_MOBILE_ONLY.match(value.strip())) and 9 <= len(digits) <= 13 and bool(_PHONE.search(value))


def mask_identifier(value: str) -> str:
    """Mask a customer identifier for display/storage: phone → 010-****-1234, person name → 김*수,
    anything else (member numbers like C-0012, already-masked values) unchanged."""
    v = value.strip()
    if _ALREADY_MASKED.search(v):
        return v
    if is_phone(v):
        return mask_phone(v)
    if _HANGUL_NAME.match(v) or (_LATIN_NAME.match(v) and " " in v):
        return mask_name(v)
    return v


def mask_text(text: str) -> str:
    """Mask phone numbers that appear inside free text (review bodies)."""
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


def normalise_identifier(value: str) -> str:
    """Phones reduce to their digits (010-1234-5678 ≡ 01012345678 ≡ +82 10 1234 5678); others are trimmed."""
    v = value.strip()
    if is_phone(v) and not _ALREADY_MASKED.search(v):
        digits = re.sub(r"\D", "", v)
        if digits.startswith("82"):
            digits = "0" + digits[2:]
        return digits
    return " ".join(v.split())


def customer_key(value: str, key: bytes | None = None) -> str:
    """Keyed hash of the normalised identifier (groups visits; not reversible without the identifier key,
    which is never stored in the database): :func:`moduai.accounts.keys.keyed_hash` with purpose
    ``customer``; ``key`` None means the server's identifier key."""
    return keyed_hash(normalise_identifier(value), purpose="customer", key=key)
