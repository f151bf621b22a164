"""Users, password hashing and signed sessions.

Passwords: ``hashlib.scrypt`` (n=2**14, r=8, p=1 — the parameters recommended for interactive logins in
the scrypt paper and by OWASP) with a 16-byte per-user salt, stored as
``scrypt$n$r$p$salt_b64$hash_b64``; verification uses :func:`hmac.compare_digest` (constant time).
Sessions: a cookie holding ``user id``, the user's ``session_version`` and the issue time, signed with the
settings' secret key (itsdangerous when installed, else HMAC-SHA256 from the standard library) and refused
after ``SESSION_MAX_AGE_S``; bumping ``users.session_version`` (logout, disable, password or role change)
revokes every session of that user at once.
Life-cycle (this module): invites, password change and admin reset, login throttling with exponential
back-off per e-mail and per client address (in the database), role changes and the audit log.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from moduai.accounts.models import ROLES, AuditRow, InviteRow, LoginThrottleRow, UserRow
from moduai.accounts.policy import ROLE_LABELS, SESSION_COOKIE, Principal  # noqa: F401 - SESSION_COOKIE re-exported (routes.accounts)
from moduai.accounts.schemas import UserCreate, UserPublic
from moduai.config import get_settings
from moduai.db import session_scope
from moduai.errors import Forbidden, InputError, NotFound
from moduai.korean import josa
from moduai.regions import get_region, successors

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10
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


def check_role(role: str) -> str:
    if role not in ROLES:
        choices = ", ".join(f"{ROLE_LABELS[r]}({r})" for r in ROLES)
        raise InputError(f"역할(role)은 {choices} 중 하나여야 합니다. 받은 값: '{role}'.", field="role")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다 (받은 길이: {len(password)}자).",
                         field="password")
    return password


def create_user(session: Session, data: UserCreate, *, hub_id: int | None = None,
                region_code: str | None = None) -> UserPublic:
    """Store a new user; the password is hashed here and never stored or returned in clear."""
    check_role(data.role)
    check_password(data.password)
    region_code = check_region_code(region_code)
    if session.scalar(select(UserRow).where(UserRow.email == data.email)) is not None:
        raise InputError(f"'{data.email}' 계정이 이미 있습니다. 다른 이메일을 쓰거나 그 계정으로 로그인하세요.",
                         field="email")
    row = UserRow(email=data.email, display_name=data.display_name, password_hash=hash_password(data.password),
                  role=data.role, is_active=True, hub_id=hub_id, region_code=region_code, session_version=0)
    session.add(row)
    session.flush()
    return UserPublic.model_validate(row)


def user_create(email: str, password: str, *, role: str = "member", display_name: str | None = None) -> UserCreate:
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


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns: read them as UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


# --- signed session cookies ------------------------------------------------------------------------

def _secret() -> bytes:
    return get_settings().secret_key.encode("utf-8")


def sign_session(user_id: int, *, version: int = 0, now: float | None = None) -> str:
    payload = {"uid": user_id, "sv": version, "iat": int(now if now is not None else time.time())}
    try:
        from itsdangerous import URLSafeSerializer
    except ImportError:  # pragma: no cover - itsdangerous is normally installed with starlette
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
        sig = hmac.new(_secret(), body.encode(), hashlib.sha256).hexdigest()
        return f"{body}.{sig}"
    return URLSafeSerializer(_secret(), salt="moduai-session").dumps(payload)


def read_session_payload(token: str | None, *, now: float | None = None) -> dict | None:
    """The payload (``uid``, ``sv``, ``iat``) of a validly signed, unexpired token; ``None`` otherwise."""
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
    if not isinstance(payload, dict) or not isinstance(payload.get("iat"), int):
        return None
    if current - payload["iat"] > SESSION_MAX_AGE_S or payload["iat"] > current + 60:
        return None
    if not isinstance(payload.get("uid"), int) or not isinstance(payload.get("sv", 0), int):
        return None
    return payload


def read_session(token: str | None, *, now: float | None = None) -> int | None:
    """The user id in a valid, unexpired session token; ``None`` for anything else (no database check:
    :func:`session_user` also checks the session version and that the account is active)."""
    payload = read_session_payload(token, now=now)
    return payload["uid"] if payload else None


def session_user(session: Session, token: str | None, *, now: float | None = None) -> UserRow | None:
    """The active user of a session token whose version is still current, else ``None``."""
    payload = read_session_payload(token, now=now)
    if payload is None:
        return None
    row = session.get(UserRow, payload["uid"])
    if row is None or not row.is_active or (row.session_version or 0) != payload.get("sv", 0):
        return None
    return row


def issue_session(user: UserPublic | UserRow, session: Session) -> str:
    row = user if isinstance(user, UserRow) else session.get(UserRow, user.id)
    return sign_session(row.id, version=row.session_version or 0)


def revoke_sessions(session: Session, user_id: int) -> None:
    """Every cookie of this user stops working (logout everywhere, disable, password or role change)."""
    row = session.get(UserRow, user_id)
    if row is not None:
        row.session_version = (row.session_version or 0) + 1
        session.flush()


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


# --- login throttling ------------------------------------------------------------------------------
# Per e-mail: 5 free failures, then the wait doubles from 1 s up to 15 min. Per client address (shared by a
# whole office behind NAT): 20 free failures, same doubling. Counters older than 1 h start again.
EMAIL_FREE, IP_FREE = 5, 20
MAX_LOCK_S = 15 * 60
THROTTLE_RESET_S = 3600


class TooManyAttempts(Forbidden):
    kind = "too_many_attempts"
    http_status = 429


def _throttle_keys(email: str, client_ip: str | None) -> list[tuple[str, int]]:
    keys = [(f"email:{email.strip().lower()[:254]}", EMAIL_FREE)]
    if client_ip:
        keys.append((f"ip:{client_ip[:100]}", IP_FREE))
    return keys


def check_throttle(session: Session, email: str, client_ip: str | None, *, now: dt.datetime | None = None) -> None:
    """Refuse (429) while a back-off of this e-mail or address is running."""
    current = _now(now)
    for key, _free in _throttle_keys(email, client_ip):
        row = session.get(LoginThrottleRow, key)
        until = _utc(row.locked_until) if row else None
        if until and until > current:
            wait = int((until - current).total_seconds()) + 1
            raise TooManyAttempts(f"로그인 실패가 많아 잠시 막았습니다. {wait}초 뒤에 다시 시도해 주세요.",
                                  field="email", detail=f"locked for {wait}s")


def record_failure(session: Session, email: str, client_ip: str | None, *, now: dt.datetime | None = None) -> None:
    current = _now(now)
    for key, free in _throttle_keys(email, client_ip):
        row = session.get(LoginThrottleRow, key)
        if row is None:
            row = LoginThrottleRow(key=key, failures=0)
            session.add(row)
        last = _utc(row.last_failure_at)
        if last and (current - last).total_seconds() > THROTTLE_RESET_S:
            row.failures = 0
        row.failures = (row.failures or 0) + 1
        row.last_failure_at = current
        if row.failures >= free:
            row.locked_until = current + dt.timedelta(seconds=min(2 ** (row.failures - free), MAX_LOCK_S))
    session.flush()


def clear_failures(session: Session, email: str) -> None:
    """A successful sign-in clears the e-mail's counter (the address counter only decays with time)."""
    row = session.get(LoginThrottleRow, _throttle_keys(email, None)[0][0])
    if row is not None:
        session.delete(row)
        session.flush()


def login(session: Session, email: str, password: str, client_ip: str | None = None, *,
          now: dt.datetime | None = None) -> tuple[UserPublic, str]:
    """Throttled sign-in: the user and a fresh session token, or Forbidden / TooManyAttempts (429)."""
    check_throttle(session, email, client_ip, now=now)
    try:
        user = authenticate(session, email, password)
    except Forbidden:
        record_failure(session, email, client_ip, now=now)
        session.commit()  # the counter must survive the rollback the raised error causes
        raise
    clear_failures(session, email)
    return user, issue_session(user, session)


# --- life-cycle ------------------------------------------------------------------------------------
INVITE_DAYS = 7


def _row(session: Session, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound(f"사용자 {user_id}번이 없습니다. 사용자 목록에서 번호를 확인하세요.", field="user",
                       detail="moduai users list")
    return row


def find_user(session: Session, who: str | int) -> UserRow:
    """A user by id or e-mail (CLI arguments)."""
    if isinstance(who, int) or str(who).isdigit():
        return _row(session, int(who))
    row = session.scalar(select(UserRow).where(UserRow.email == str(who).strip().lower()))
    if row is None:
        raise NotFound(f"'{who}' 계정이 없습니다. `moduai users list`로 확인하세요.", field="user")
    return row


def list_users(session: Session) -> list[UserPublic]:
    return [UserPublic.model_validate(r) for r in session.scalars(select(UserRow).order_by(UserRow.id))]


REGION_CODE_HINT = "서울특별시는 11, 강원 강릉시는 51150"


def check_region_code(value: str | None) -> str | None:
    """The region a scoped account (a planner) covers: a 시도 (2 digits) or 시군구·일반구 (5 digits) code of the
    region spine, as today's code (an old code such as 강원 42150 is followed to 51150).  A code the spine does
    not know, a 읍면동 code or a retired unit is refused with a Korean message naming the field and an example;
    ``None`` or blank is None."""
    code = (value or "").strip()
    if not code:
        return None
    wrong = (f"지역 코드(region_code)는 시도 2자리 또는 시군구 5자리 행안부 코드여야 합니다 "
             f"(예: {REGION_CODE_HINT}). 받은 값: '{code[:20]}'.")
    fix = "코드를 모르면 '지역 찾기'에서 이름으로 찾아 보세요."
    try:
        region = get_region(code)
    except (InputError, NotFound):
        region = None
    if region is None or region.level == "emd":
        raise InputError(f"{wrong} {fix}", field="region_code", detail='moduai region "강릉시" finds a code by name')
    if not region.valid_on():
        now = ", ".join(f"{r.full_name} {r.code}" for r in successors(region.code))
        raise InputError(f"지역 코드 {josa(repr(code), '은/는')} {region.full_name}의 코드인데, 이 지역은 "
                         f"{region.valid_to}까지만 있었습니다. " + (f"지금 코드: {now}." if now else fix),
                         field="region_code")
    return region.code


def _check_scope(role: str, hub_id: int | None, region_code: str | None) -> str | None:
    """Refuse a role without the scope it needs; returns the region code as stored (:func:`check_region_code`)."""
    if role in ("operator", "mentor") and hub_id is None:
        raise InputError(f"{ROLE_LABELS[role]}({role}) 역할에는 거점 번호(hub_id)가 필요합니다.", field="hub_id")
    if role == "planner" and not (region_code or "").strip():
        raise InputError("지자체 기획 담당자(planner) 역할에는 지역 코드(region_code)가 필요합니다 "
                         f"(예: {REGION_CODE_HINT}).", field="region_code")
    return check_region_code(region_code)


def set_role(session: Session, actor: Principal, user_id: int, role: str, *, hub_id: int | None = None,
             region_code: str | None = None) -> UserPublic:
    """Change a user's role (and hub/region); their sessions are revoked; the change is audited."""
    check_role(role)
    region_code = _check_scope(role, hub_id, region_code)
    row = _row(session, user_id)
    before = row.role
    row.role, row.hub_id, row.region_code = role, hub_id, region_code
    revoke_sessions(session, user_id)
    audit(session, actor, "role_change", "user", user_id, {"from": before, "to": role, "hub_id": hub_id,
                                                              "region_code": region_code})
    return UserPublic.model_validate(row)


def set_active(session: Session, actor: Principal, user_id: int, active: bool) -> UserPublic:
    row = _row(session, user_id)
    row.is_active = active
    revoke_sessions(session, user_id)
    audit(session, actor, "enable" if active else "disable", "user", user_id)
    return UserPublic.model_validate(row)


def change_password(session: Session, user_id: int, current: str, new: str) -> str:
    """Self-service change: the current password is checked; other sessions end; returns a new token."""
    row = _row(session, user_id)
    if not verify_password(current, row.password_hash):
        raise Forbidden("지금 비밀번호가 맞지 않습니다.", field="current_password")
    check_password(new)
    row.password_hash = hash_password(new)
    revoke_sessions(session, user_id)
    return issue_session(row, session)


def reset_password(session: Session, actor: Principal, user_id: int, new: str | None = None) -> str:
    """An admin sets a new password (a random one when ``new`` is None, returned once); sessions end."""
    row = _row(session, user_id)
    password = new if new is not None else secrets.token_urlsafe(12)
    check_password(password)
    row.password_hash = hash_password(password)
    revoke_sessions(session, user_id)
    audit(session, actor, "password_reset", "user", user_id)
    return password


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_invite(session: Session, actor: Principal, role: str = "member", *, email: str | None = None,
                  hub_id: int | None = None, region_code: str | None = None, days: int = INVITE_DAYS,
                  now: dt.datetime | None = None) -> str:
    """A one-time sign-up token for ``role`` (only its hash is stored); valid ``days`` days."""
    check_role(role)
    region_code = _check_scope(role, hub_id, region_code)
    token = secrets.token_urlsafe(24)
    session.add(InviteRow(token_sha256=_token_hash(token), role=role, email=email.strip().lower() if email else None,
                          hub_id=hub_id, region_code=region_code, created_by=actor.user_id,
                          expires_at=_now(now) + dt.timedelta(days=days)))
    audit(session, actor, "invite", "user", None, {"role": role, "email": email})
    session.flush()
    return token


def sign_up(session: Session, token: str, email: str, password: str, display_name: str | None = None, *,
            now: dt.datetime | None = None) -> UserPublic:
    """Create an account from an unused, unexpired invite (bound to its e-mail when it names one)."""
    invite = session.scalar(select(InviteRow).where(InviteRow.token_sha256 == _token_hash(token or "")))
    current = _now(now)
    if invite is None or invite.used_at is not None or _utc(invite.expires_at) < current:
        raise Forbidden("초대 코드가 맞지 않거나 이미 쓰였거나 기한이 지났습니다. 관리자에게 새 초대를 요청하세요.",
                        field="invite")
    data = user_create(email, password, role=invite.role, display_name=display_name)
    if invite.email and invite.email != data.email:
        raise Forbidden("이 초대는 다른 이메일 주소로 발급되었습니다.", field="email")
    user = create_user(session, data, hub_id=invite.hub_id, region_code=invite.region_code)
    invite.used_at, invite.used_by = current, user.id
    session.flush()
    return user


# --- audit log -------------------------------------------------------------------------------------

def audit(session: Session, actor: Principal | None, action: str, object_type: str, object_id: object = None,
          detail: dict | None = None) -> None:
    """One audit row in the caller's transaction."""
    actor = actor or Principal()
    session.add(AuditRow(actor_id=actor.user_id, actor_role=actor.role, action=action[:60],
                         object_type=object_type[:60], object_id=None if object_id is None else str(object_id)[:100],
                         detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
                         at=dt.datetime.now(dt.UTC)))
    session.flush()


def record_audit(actor: Principal | None, action: str, object_type: str, object_id: object = None,
                 detail: dict | None = None) -> None:
    """An audit row in its own transaction (views and exports of personal data)."""
    with session_scope() as session:
        audit(session, actor, action, object_type, object_id, detail)


@dataclass
class AuditEntry:
    id: int
    at: str
    actor_id: int | None
    actor_role: str
    action: str
    object_type: str
    object_id: str | None
    detail: dict | None


def list_audit(session: Session, *, limit: int = 100, actor_id: int | None = None,
               action: str | None = None) -> list[AuditEntry]:
    q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if actor_id is not None:
        q = q.where(AuditRow.actor_id == actor_id)
    if action:
        q = q.where(AuditRow.action == action)
    return [AuditEntry(r.id, _utc(r.at).isoformat() if r.at else "", r.actor_id, r.actor_role, r.action, r.object_type,
                       r.object_id, json.loads(r.detail) if r.detail else None) for r in session.scalars(q)]


def principal_of(row: UserRow | None) -> Principal:
    if row is None:
        return Principal()
    return Principal(role=row.role, user_id=row.id, hub_id=row.hub_id, region_code=row.region_code)


def principal_from_session_token(token: str | None) -> Principal:
    """The principal of a session cookie: anonymous unless the signature, age, session version and the
    account (active) all check out. A database that is not migrated yet means anonymous."""
    if not token or read_session_payload(token) is None:  # forged or expired: no database round trip
        return Principal()
    try:
        with session_scope() as session:
            return principal_of(session_user(session, token))
    except SQLAlchemyError:
        return Principal()
