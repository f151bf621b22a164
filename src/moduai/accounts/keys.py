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
import os
import secrets
import time
from pathlib import Path

from moduai.errors import InputError

# Strings that were ever published as defaults; a key equal to one of them is refused.
PUBLISHED_PLACEHOLDERS = frozenset({"moduai-dev-secret-change-me", "change-me", "changeme", "secret", ""})
MIN_KEY_LENGTH = 32
SESSION_KEY_FILE = "secret.key"
IDENTIFIER_KEY_FILE = "identifier.key"


def check_env_key(env_name: str, value: str) -> bytes:
    """Refuse a published placeholder or a short key given in the environment."""
    if value in PUBLISHED_PLACEHOLDERS or len(value) < MIN_KEY_LENGTH or "change-me" in value.lower():
        raise InputError(
            f"{env_name}에 공개된 자리표시 값이나 {MIN_KEY_LENGTH}자보다 짧은 값은 쓸 수 없습니다. "
            f"`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`로 만든 값을 넣거나 변수를 비워 "
            f"두면 첫 실행에서 무작위 키를 만듭니다.",
            field=env_name,
        )
    return value.encode("utf-8")


def _read_key_file(path: Path) -> bytes:
    # Another process may have created the file (O_EXCL) a moment before writing it: wait for its bytes.
    for _ in range(50):
        key = path.read_bytes().strip()
        if key:
            if key.decode("utf-8", "replace") in PUBLISHED_PLACEHOLDERS or len(key) < MIN_KEY_LENGTH:
                raise InputError(f"{path}의 키가 너무 짧거나 공개된 자리표시 값입니다. 파일을 지우면 새 키를 만듭니다.",
                                 field=path.name)
            return key
        time.sleep(0.02)
    raise InputError(f"{path} 키 파일이 비어 있습니다. 파일을 지우고 다시 시작하면 새 키를 만듭니다.", field=path.name)


def new_key() -> bytes:
    return secrets.token_urlsafe(48).encode("ascii")


def write_key_file(path: Path, key: bytes, *, replace: bool = False) -> None:
    """Write ``key`` with mode 0600; ``replace`` swaps it in atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not replace:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _key_from(env_name: str, filename: str, home: Path, environ: dict[str, str] | None = None) -> bytes:
    env = os.environ if environ is None else environ
    value = env.get(env_name)
    if value:
        return check_env_key(env_name, value)
    path = home / filename
    if path.exists():
        return _read_key_file(path)
    key = new_key()
    # O_EXCL: two processes starting at once never overwrite each other's key; the loser reads the file.
    try:
        write_key_file(path, key)
    except FileExistsError:
        return _read_key_file(path)
    return key


def session_key(home: Path, environ: dict[str, str] | None = None) -> bytes:
    """Signs session cookies and CSRF tokens."""
    return _key_from("MODUAI_SECRET_KEY", SESSION_KEY_FILE, home, environ)


def identifier_key(home: Path, environ: dict[str, str] | None = None) -> bytes:
    """Keys the hashes of personal identifiers; never stored in the database."""
    return _key_from("MODUAI_IDENTIFIER_KEY", IDENTIFIER_KEY_FILE, home, environ)


def keyed_hash(value: str, *, purpose: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of ``value`` under the identifier key, separated by ``purpose`` (e.g. "customer",
    "person"); 64 hex characters. Callers normalise ``value`` first (see marketing.masking)."""
    if key is None:
        from moduai.config import get_settings

        key = get_settings().identifier_key
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def rekey_hash(stored: str, *, new_key: bytes) -> str:
    """The chained re-key of a stored keyed hash (see the module docstring): one-to-one, 64 hex."""
    return hmac.new(new_key, f"rekey\x00{stored}".encode(), hashlib.sha256).hexdigest()
