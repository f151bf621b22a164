"""FastAPI dependencies: the signed-in user (if any) and ``require_operator`` for operator pages."""

from __future__ import annotations

from fastapi import Request

from moduai.accounts.schemas import UserPublic
from moduai.accounts.service import SESSION_COOKIE, get_user, read_session
from moduai.errors import Forbidden, ModuaiError


def current_user(request: Request) -> UserPublic | None:
    """The user of the request's session cookie, or ``None`` (never raises)."""
    uid = read_session(request.cookies.get(SESSION_COOKIE))
    if uid is None:
        return None
    from moduai.db import session_scope

    try:
        with session_scope() as session:
            user = get_user(session, uid)
    except ModuaiError:
        return None
    return user if user.is_active else None


def require_operator(request: Request) -> UserPublic:
    """The signed-in operator; anyone else gets Forbidden (403, Korean message, link to sign in)."""
    user = current_user(request)
    if user is None:
        raise Forbidden("운영자만 쓸 수 있는 페이지입니다. 먼저 로그인해 주세요.", detail="not signed in",
                        candidates=[{"href": f"/accounts/login?next={request.url.path}", "label": "운영자 로그인"}])
    if user.role != "operator":
        raise Forbidden("운영자 권한이 없는 계정입니다. 관리자에게 운영자 권한을 요청하세요.",
                        detail="role is not operator")
    return user
