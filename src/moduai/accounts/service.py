"""Users, password hashing and signed sessions.

Passwords: ``hashlib.scrypt`` (n=2**14, r=8, p=1 — the parameters recommended for interactive logins in
the scrypt paper and by OWASP) with a 16-byte per-user salt, stored as
``scrypt$n$r$p$salt_b64$hash_b64``; verification uses :func:`hmac.compare_digest` (constant time).
Sessions: a cookie holding ``user id`` and issue time, signed with the settings' secret key (itsdangerous
when installed, else HMAC-SHA256 from the standard library) and refused after ``SESSION_MAX_AGE_S``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from moduai.accounts.models import ROLES, UserRow
from moduai.accounts.schemas import UserCreate, UserPublic
from moduai.errors import Forbidden, InputError, NotFound

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10
SESSION_COOKIE = "moduai_session"
SESSION_MAX_AGE_S = 12 * 3600


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored ``scrypt$…`` hash."""
    try:
        algo, n, r, p, salt_b64, hash_b64 = stored.split("$")
        if algo != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(hash_b64)
        digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p),
                                dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


def create_user(session: Session, data: UserCreate) -> UserPublic:
    """Store a new user; the password is hashed here and never stored or returned in clear."""
    if data.role not in ROLES:
        raise InputError(f"역할(role)은 {', '.join(ROLES)} 중 하나여야 합니다. 받은 값: {data.role!r}.", field="role")
    if len(data.password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다 (받은 길이: {len(data.password)}자).",
                         field="password")
    if session.scalar(select(UserRow).where(UserRow.email == data.email)) is not None:
        raise InputError(f"'{data.email}' 계정이 이미 있습니다. 다른 이메일을 쓰거나 그 계정으로 로그인하세요.",
                         field="email")
    row = UserRow(email=data.email, display_name=data.display_name, password_hash=hash_password(data.password),
                  role=data.role, is_active=True)
    session.add(row)
    session.flush()
    return UserPublic.model_validate(row)


def user_create(email: str, password: str, *, role: str = "user", display_name: str | None = None) -> UserCreate:
    """Build a :class:`UserCreate`, turning validation errors into the platform's InputError."""
    try:
        return UserCreate(email=email, password=password, role=role, display_name=display_name)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"계정 정보가 올바르지 않습니다: {first['msg'].removeprefix('Value error, ')}.",
                         field=str(first["loc"][0])) from None


def authenticate(session: Session, email: str, password: str) -> UserPublic:
    """The user for these credentials, or Forbidden with one message for every failure (no user probing)."""
    row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    # Hash even when the user does not exist, so timing does not reveal which emails are registered.
    ok = verify_password(password, row.password_hash if row else hash_password("x" * MIN_PASSWORD_LENGTH))
    if row is None or not ok or not row.is_active:
        raise Forbidden("이메일 또는 비밀번호가 맞지 않습니다.", field="email")
    return UserPublic.model_validate(row)


def get_user(session: Session, user_id: int) -> UserPublic:
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound(f"사용자 {user_id}이(가) 없습니다.", field="user")
    return UserPublic.model_validate(row)


# --- signed session cookies ------------------------------------------------------------------------

def _secret() -> bytes:
    from moduai.config import get_settings

    return get_settings().secret_key.encode("utf-8")


def sign_session(user_id: int, *, now: float | None = None) -> str:
    payload = {"uid": user_id, "iat": int(now if now is not None else time.time())}
    try:
        from itsdangerous import URLSafeSerializer
    except ImportError:  # pragma: no cover - itsdangerous is normally installed with starlette
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
        sig = hmac.new(_secret(), body.encode(), hashlib.sha256).hexdigest()
        return f"{body}.{sig}"
    return URLSafeSerializer(_secret(), salt="moduai-session").dumps(payload)


def read_session(token: str | None, *, now: float | None = None) -> int | None:
    """The user id in a valid, unexpired session token; ``None`` for anything else."""
    if not token:
        return None
    try:
        from itsdangerous import BadSignature, URLSafeSerializer
    except ImportError:  # pragma: no cover
        try:
            body, sig = token.rsplit(".", 1)
        except ValueError:
            return None
        good = hmac.new(_secret(), body.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sig, good):
            return None
        payload = json.loads(base64.urlsafe_b64decode(body))
    else:
        try:
            payload = URLSafeSerializer(_secret(), salt="moduai-session").loads(token)
        except BadSignature:
            return None
    current = now if now is not None else time.time()
    if not isinstance(payload, dict) or current - payload.get("iat", 0) > SESSION_MAX_AGE_S:
        return None
    uid = payload.get("uid")
    return uid if isinstance(uid, int) else None


def csrf_token(session_token: str | None) -> str:
    """A per-session token for operator forms: HMAC of the session cookie with the secret key."""
    if not session_token:
        return ""
    return hmac.new(_secret(), f"csrf:{session_token}".encode(), hashlib.sha256).hexdigest()[:40]


def check_csrf(session_token: str | None, submitted: str | None) -> None:
    expected = csrf_token(session_token)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise Forbidden("요청을 확인할 수 없습니다(CSRF 토큰 불일치). 페이지를 새로 고친 뒤 다시 보내 주세요.",
                        detail="csrf token mismatch")
