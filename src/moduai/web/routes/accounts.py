"""Accounts pages: sign in and out, sign up with an invite, change one's password, and (admins) the user
list with role change, disable/enable, password reset and invites. Thin: parse, call accounts.service."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from moduai.accounts.policy import ROLE_LABELS, ROLES, Principal, current_principal
from moduai.accounts.schemas import UserPublic
from moduai.accounts.service import (
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    change_password,
    create_invite,
    list_users,
    login,
    reset_password,
    revoke_sessions,
    set_active,
    set_role,
    sign_up,
)
from moduai.config import get_settings
from moduai.db import session_scope
from moduai.errors import Forbidden, ModuaiError
from moduai.web.errors import page_error, page_message
from moduai.web.templating import render_page

router = APIRouter()


@dataclass
class LoginContext:
    next: str
    email: str = ""
    error: str | None = None
    user: UserPublic | None = None


def _safe_next(value: str | None, default: str = "/") -> str:
    # Only local paths: never redirect to another site after signing in.
    ok = value and value.startswith("/") and not value.startswith("//") and "\\" not in value
    return value if ok else default


def _set_session(response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_MAX_AGE_S, httponly=True, samesite="lax",
                        secure=get_settings().env == "production", path="/")


def _me(principal: Principal) -> UserPublic | None:
    if principal.user_id is None:
        return None
    from moduai.accounts.service import get_user

    with session_scope() as s:
        return get_user(s, principal.user_id)


def _ensure_schema() -> None:
    from moduai.db import ensure_migrated

    ensure_migrated()


@router.get("/accounts/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None, principal: Principal = Depends(current_principal)):
    """로그인."""
    return render_page(request, "accounts/login.html", LoginContext(_safe_next(next), user=_me(principal)),
                       title="로그인")


@router.post("/accounts/login", include_in_schema=False)
def login_submit(request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("")):
    """로그인 처리 (실패가 잦으면 이메일·주소별로 점점 길게 막음)."""
    _ensure_schema()
    try:
        with session_scope() as session:
            _user, token = login(session, email, password, request.client.host if request.client else None)
    except Forbidden as exc:
        ctx = LoginContext(_safe_next(next), email=email, error=page_message(exc.message))
        return render_page(request, "accounts/login.html", ctx, title="로그인", status_code=exc.http_status)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session(response, token)
    return response


@router.post("/accounts/logout", include_in_schema=False)
def logout(principal: Principal = Depends(current_principal)):
    """로그아웃: 이 사용자의 모든 세션을 끝냅니다."""
    if principal.user_id is not None:
        with session_scope() as session:
            revoke_sessions(session, principal.user_id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ------------------------------------------------------------------------------------------ sign-up
@dataclass
class SignupContext:
    invite: str = ""
    email: str = ""
    display_name: str = ""
    error: str | None = None


@router.get("/accounts/signup", include_in_schema=False)
def signup_page(request: Request, invite: str = ""):
    """초대로 가입."""
    return render_page(request, "accounts/signup.html", SignupContext(invite=invite[:100]), title="가입")


@router.post("/accounts/signup", include_in_schema=False)
def signup_submit(request: Request, invite: str = Form(""), email: str = Form(""), password: str = Form(""),
                  display_name: str = Form("")):
    """가입 처리 → 로그인된 채로 홈으로."""
    _ensure_schema()
    try:
        with session_scope() as session:
            user = sign_up(session, invite, email, password, display_name or None)
            from moduai.accounts.service import issue_session

            token = issue_session(user, session)
    except ModuaiError as exc:
        ctx = SignupContext(invite[:100], email, display_name, page_message(exc.message))
        return render_page(request, "accounts/signup.html", ctx, title="가입", status_code=exc.http_status)
    response = RedirectResponse("/", status_code=303)
    _set_session(response, token)
    return response


# ------------------------------------------------------------------------------------ password change
@dataclass
class PasswordContext:
    user: UserPublic | None
    role_label: str
    error: str | None = None
    done: bool = False


@router.get("/accounts/password", include_in_schema=False)
def password_page(request: Request, done: bool = False, principal: Principal = Depends(current_principal)):
    """내 계정: 비밀번호 바꾸기."""
    ctx = PasswordContext(_me(principal), ROLE_LABELS.get(principal.role, principal.role), done=done)
    return render_page(request, "accounts/password.html", ctx, title="비밀번호 바꾸기")


@router.post("/accounts/password", include_in_schema=False)
def password_submit(request: Request, current_password: str = Form(""), new_password: str = Form(""),
                    principal: Principal = Depends(current_principal)):
    """비밀번호 바꾸기: 다른 기기의 세션은 끝나고 이 브라우저는 새 세션으로."""
    try:
        with session_scope() as session:
            token = change_password(session, principal.user_id, current_password, new_password)
    except ModuaiError as exc:
        ctx = PasswordContext(_me(principal), ROLE_LABELS.get(principal.role, principal.role), page_message(exc.message))
        return render_page(request, "accounts/password.html", ctx, title="비밀번호 바꾸기", status_code=exc.http_status)
    response = RedirectResponse("/accounts/password?done=1", status_code=303)
    _set_session(response, token)
    return response


# ------------------------------------------------------------------------------------------- admin
@dataclass
class AdminUsersContext:
    users: list[UserPublic]
    roles: list[tuple[str, str]]
    message: str | None = None
    error: str | None = None
    invite_link: str | None = None
    new_password: str | None = None
    me: int | None = None
    role_labels: dict = field(default_factory=lambda: dict(ROLE_LABELS))


def _admin_page(request: Request, principal: Principal, status: int = 200, **kw):
    with session_scope() as s:
        users = list_users(s)
    ctx = AdminUsersContext(users, [(r, ROLE_LABELS[r]) for r in ROLES], me=principal.user_id, **kw)
    return render_page(request, "accounts/admin_users.html", ctx, title="사용자 관리", status_code=status)


@router.get("/accounts/admin/users", include_in_schema=False)
def admin_users(request: Request, message: str | None = None, principal: Principal = Depends(current_principal)):
    """사용자 관리 (관리자)."""
    return _admin_page(request, principal, message=message)


def _int_or_none(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        from moduai.errors import InputError

        raise InputError(f"거점 번호(hub_id)는 숫자여야 합니다. 받은 값: '{value}'.", field="hub_id")
    return int(value)


def _admin_action(request: Request, principal: Principal, action, ok_message: str, **kw):
    try:
        with session_scope() as session:
            result = action(session)
    except ModuaiError as exc:
        return _admin_page(request, principal, status=exc.http_status, error=page_error(exc)["message"])
    if kw.get("show"):
        return _admin_page(request, principal, message=ok_message, **kw["show"](result))
    from urllib.parse import quote

    return RedirectResponse(f"/accounts/admin/users?message={quote(ok_message)}", status_code=303)


@router.post("/accounts/admin/users/{user_id}/role", include_in_schema=False)
def admin_set_role(request: Request, user_id: int, role: str = Form(""), hub_id: str = Form(""),
                   region_code: str = Form(""), principal: Principal = Depends(current_principal)):
    """역할 바꾸기."""
    return _admin_action(request, principal, lambda s: set_role(s, principal, user_id, role, hub_id=_int_or_none(hub_id),
                                                                region_code=region_code.strip() or None),
                         f"사용자 {user_id}번의 역할을 {ROLE_LABELS.get(role, role)}(으)로 바꿨습니다.")


@router.post("/accounts/admin/users/{user_id}/active", include_in_schema=False)
def admin_set_active(request: Request, user_id: int, active: str = Form(""),
                     principal: Principal = Depends(current_principal)):
    """사용 중지 / 다시 사용."""
    on = active == "1"
    if not on and user_id == principal.user_id:
        return _admin_page(request, principal, status=422, error="자기 계정은 사용 중지할 수 없습니다.")
    return _admin_action(request, principal, lambda s: set_active(s, principal, user_id, on),
                         f"사용자 {user_id}번을 {'다시 사용하게' if on else '사용 중지'}했습니다.")


@router.post("/accounts/admin/users/{user_id}/reset", include_in_schema=False)
def admin_reset(request: Request, user_id: int, principal: Principal = Depends(current_principal)):
    """비밀번호 재설정: 임시 비밀번호를 한 번만 보여 줍니다."""
    return _admin_action(request, principal, lambda s: reset_password(s, principal, user_id),
                         f"사용자 {user_id}번의 비밀번호를 재설정했습니다. 임시 비밀번호를 본인에게 안전하게 전하세요.",
                         show=lambda pw: {"new_password": pw})


@router.post("/accounts/admin/invites", include_in_schema=False)
def admin_invite(request: Request, role: str = Form("member"), email: str = Form(""), hub_id: str = Form(""),
                 region_code: str = Form(""), principal: Principal = Depends(current_principal)):
    """초대 만들기: 가입 링크를 한 번만 보여 줍니다."""
    return _admin_action(request, principal,
                         lambda s: create_invite(s, principal, role, email=email.strip() or None,
                                                 hub_id=_int_or_none(hub_id), region_code=region_code.strip() or None),
                         "초대를 만들었습니다. 아래 링크를 받을 사람에게만 전하세요 (7일 동안 한 번 쓸 수 있음).",
                         show=lambda token: {"invite_link": f"/accounts/signup?invite={token}"})
