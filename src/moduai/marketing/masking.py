"""Masking of personal data in imported files, and the keyed customer key.

The rules (주민등록번호, phone numbers in every written form, e-mail, card numbers, names with a space or a
title, in cells and in free text) live in the floor module :mod:`moduai.privacy` so every domain masks the
same way; this module re-exports them for marketing.

Masked values are what is stored and shown.  So that one customer's visits still group together, the
ledger also stores ``customer_key`` = HMAC-SHA256(secret key, normalised identifier): it cannot be turned
back into a phone number without the server's secret (a plain hash of a phone number could be
brute-forced over the 10⁸ possible numbers).
"""

from __future__ import annotations

import hashlib
import hmac

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


def customer_key(value: str, secret: str) -> str:
    """Keyed hash of the normalised identifier (groups visits; not reversible without ``secret``)."""
    return hmac.new(secret.encode(), normalise_identifier(value).encode(), hashlib.sha256).hexdigest()[:32]
