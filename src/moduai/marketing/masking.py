"""Masking of personal data in imported files, and the keyed customer key.

The rules (주민등록번호, phone numbers in every written form, e-mail, card numbers, names with a space or a
title, in cells and in free text) live in the floor module :mod:`moduai.privacy` so every domain masks the
same way; this module re-exports them for marketing.

Masked values are what is stored and shown.  So that one customer's visits still group together, the
ledger also stores ``customer_key`` = HMAC-SHA256(identifier key, normalised identifier): it cannot be turned
back into a phone number without the identifier key (kept in MODUAI_HOME, never in the database) (a plain hash of a phone number could be
brute-forced over the 10⁸ possible numbers).
"""

from __future__ import annotations

from moduai.accounts.keys import keyed_hash
from moduai.privacy import (  # noqa: F401 - re-exported
    find_personal,
    is_phone,
    mask_identifier,
    mask_name,
    mask_person,
    mask_phone,
    mask_text,
    normalise_phone,
)


def normalise_identifier(value: str) -> str:
    """Phones reduce to their digits (010-1234-5678 ≡ 01012345678 ≡ +82 10 1234 5678); others are trimmed."""
    v = value.strip()
    if "*" not in v:
        digits = normalise_phone(v)
        if digits:
            return digits
    return " ".join(v.split())


def customer_key(value: str, key: bytes | None = None) -> str:
    """Keyed hash of the normalised identifier (groups visits; not reversible without the identifier key,
    which is never stored in the database): :func:`moduai.accounts.keys.keyed_hash` with purpose
    ``customer``; ``key`` None means the server's identifier key."""
    return keyed_hash(normalise_identifier(value), purpose="customer", key=key)
