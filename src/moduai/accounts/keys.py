"""Keys that never live in the database: the session-signing key and the identifier key.

Each key comes from its environment variable when set (``MODUAI_SECRET_KEY``, ``MODUAI_IDENTIFIER_KEY``),
otherwise from a file in ``MODUAI_HOME`` that the first start writes with 32 random bytes (mode 0600).
A published placeholder is refused in every mode. ``keyed_hash`` is the one way the platform turns a
personal identifier (a phone number, a name + birth date + phone) into a stable, non-reversible key:
HMAC-SHA256 under the identifier key, which is kept apart from the database so a stolen database alone
does not let anyone test guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from moduai.errors import InputError

# Strings that were ever published as defaults; a key equal to one of them is refused.
PUBLISHED_PLACEHOLDERS = frozenset({"moduai-dev-secret-change-me", "change-me", "changeme", "secret", ""})
MIN_KEY_LENGTH = 32


def _key_from(env_name: str, filename: str, home: Path, environ: dict[str, str] | None = None) -> bytes:
    env = os.environ if environ is None else environ
    value = env.get(env_name)
    if value is not None:
        if value in PUBLISHED_PLACEHOLDERS or len(value) < MIN_KEY_LENGTH:
            raise InputError(
                f"{env_name}에 공개된 자리표시 값이나 {MIN_KEY_LENGTH}자보다 짧은 값은 쓸 수 없습니다. "
                f"`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`로 만든 값을 넣거나 변수를 비워 "
                f"두면 첫 실행에서 무작위 키를 만듭니다.",
                field=env_name,
            )
        return value.encode("utf-8")
    path = home / filename
    if path.exists():
        return path.read_bytes().strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48).encode("ascii")
    # O_EXCL: two processes starting at once never overwrite each other's key; the loser reads the file.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def session_key(home: Path, environ: dict[str, str] | None = None) -> bytes:
    """Signs session cookies and CSRF tokens."""
    return _key_from("MODUAI_SECRET_KEY", "secret.key", home, environ)


def identifier_key(home: Path, environ: dict[str, str] | None = None) -> bytes:
    """Keys the hashes of personal identifiers; never stored in the database."""
    return _key_from("MODUAI_IDENTIFIER_KEY", "identifier.key", home, environ)


def keyed_hash(value: str, *, purpose: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of ``value`` under the identifier key, separated by ``purpose`` (e.g. "customer",
    "person"); 64 hex characters. Callers normalise ``value`` first (see marketing.masking)."""
    if key is None:
        from moduai.config import get_settings

        key = identifier_key(get_settings().home)
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
