"""Keys that never live in the database: the session-signing key and the identifier key.

Each key comes from its environment variable when set (``MODUAI_SECRET_KEY``, ``MODUAI_IDENTIFIER_KEY``,
read through :class:`moduai.config.Settings`), otherwise from a file in ``MODUAI_HOME`` that the first
start writes with 48 random URL-safe bytes (mode 0600). A published placeholder is refused in every mode.
``keyed_hash`` is the one way the platform turns a personal identifier (a phone number, a name + birth
date + phone) into a stable, non-reversible key: HMAC-SHA256 under the identifier key, which is kept apart
from the database so a stolen database alone does not let anyone test guesses.

Rotation (``moduai keys rotate``, see :mod:`moduai.accounts.rotation`):

- session key: a new random file replaces the old one; every signed cookie and CSRF token becomes invalid
  (everyone signs in again after the server restarts).
- identifier key: a stored hash cannot be recomputed without the raw identifier, which is never stored.
  So rotation *re-keys by chaining*: every stored ``h = HMAC(K_old, x)`` becomes ``HMAC(K_new, "rekey" ‖ h)``
  in one transaction, then ``K_old`` is deleted. Visits inside one ledger still group together (the map
  is one-to-one), a leaked old key no longer tests guesses against the database, and ledgers imported
  before the rotation are no longer linkable to identifiers hashed after it (no analysis links customers
  across imports; each ledger is analysed on its own).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from moduai.config import (  # noqa: F401 - re-exported: the key primitives live on floor 0 with Settings
    IDENTIFIER_KEY_FILE,
    MIN_KEY_LENGTH,
    PUBLISHED_PLACEHOLDERS,
    SESSION_KEY_FILE,
    check_env_key,
    get_settings,
    load_key,
    new_key,
    write_key_file,
)


def session_key(home: Path, environ: dict[str, str] | None = None) -> bytes:
    """Signs session cookies and CSRF tokens."""
    return load_key("MODUAI_SECRET_KEY", SESSION_KEY_FILE, home, environ)


def identifier_key(home: Path, environ: dict[str, str] | None = None) -> bytes:
    """Keys the hashes of personal identifiers; never stored in the database."""
    return load_key("MODUAI_IDENTIFIER_KEY", IDENTIFIER_KEY_FILE, home, environ)


def keyed_hash(value: str, *, purpose: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of ``value`` under the identifier key, separated by ``purpose`` (e.g. "customer",
    "person"); 64 hex characters. Callers normalise ``value`` first (see marketing.masking)."""
    if key is None:
        key = get_settings().identifier_key
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def rekey_hash(stored: str, *, new_key: bytes) -> str:  # noqa: F811 - the parameter shadows the helper on purpose
    """The chained re-key of a stored keyed hash (see the module docstring): one-to-one, 64 hex."""
    return hmac.new(new_key, f"rekey\x00{stored}".encode(), hashlib.sha256).hexdigest()
