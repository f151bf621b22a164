"""FastAPI dependencies: the signed-in user (if any) and ``require_operator`` for operator pages.

The role check itself happens once, in the access middleware over the permission table; these give the
route the user record it needs (and keep routes safe when mounted without the middleware).
"""

from __future__ import annotations

from fastapi import Request

from moduai.accounts.policy import Principal, current_principal
from moduai.accounts.schemas import UserPublic
from moduai.accounts.service import get_user
from moduai.errors import Forbidden, ModuaiError, NotSignedIn

__all__ = ["Principal", "current_principal", "current_user", "require_operator"]


def current_user(request: Request) -> UserPublic | None:
    """The user of the request's valid, unrevoked session, or ``None`` (never raises)."""
    principal = current_principal(request)
    if principal.user_id is None:
        return None
    from moduai.db import session_scope

    try:
        with session_scope() as session:
            user = get_user(session, principal.user_id)
    except ModuaiError:
        return None
    return user if user.is_active else None


def require_operator(request: Request) -> UserPublic:
    """The signed-in operator (or admin); anyone else gets 401 (Korean message, link to sign in) or 403."""
    user = current_user(request)
    if user is None:
        raise NotSignedIn("운영자만 쓸 수 있는 페이지입니다. 먼저 로그인해 주세요.", detail="not signed in",
                          candidates=[{"href": f"/accounts/login?next={request.url.path}", "label": "운영자 로그인"}])
    if user.role not in ("operator", "admin"):
        raise Forbidden("운영자 권한이 없는 계정입니다. 관리자에게 운영자 권한을 요청하세요.",
                        detail="role is not operator")
    return user
