"""Sign in and out (operators of the programs catalog; the hubs issue extends accounts)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from moduai.accounts.deps import current_user
from moduai.accounts.schemas import UserPublic
from moduai.accounts.service import SESSION_COOKIE, SESSION_MAX_AGE_S, authenticate, sign_session
from moduai.config import get_settings
from moduai.db import session_scope
from moduai.errors import Forbidden
from moduai.web.templating import render_page

router = APIRouter()


@dataclass
class LoginContext:
    next: str
    email: str = ""
    error: str | None = None
    user: UserPublic | None = None


def _safe_next(value: str | None) -> str:
    # Only local paths: never redirect to another site after signing in.
    return value if value and value.startswith("/") and not value.startswith("//") else "/programs/admin"


@router.get("/accounts/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None, user: UserPublic | None = Depends(current_user)):
    """로그인."""
    return render_page(request, "accounts/login.html", LoginContext(_safe_next(next), user=user), title="로그인")


@router.post("/accounts/login", include_in_schema=False)
def login(request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("")):
    """로그인 처리."""
    from moduai.programs.service import ensure_schema

    ensure_schema()
    try:
        with session_scope() as session:
            user = authenticate(session, email, password)
    except Forbidden as exc:
        ctx = LoginContext(_safe_next(next), email=email, error=exc.message)
        return render_page(request, "accounts/login.html", ctx, title="로그인", status_code=403)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, sign_session(user.id), max_age=SESSION_MAX_AGE_S, httponly=True,
                        samesite="lax", secure=get_settings().env == "production", path="/")
    return response


@router.post("/accounts/logout", include_in_schema=False)
def logout():
    """로그아웃."""
    response = RedirectResponse("/programs", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
