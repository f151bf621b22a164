"""Who may do what: roles, the signed-in principal, and the permission table (data, one file per domain).

This module is the contract every domain builds on (the trust issue extends its enforcement):

- ``ROLES``: ``admin`` (everything), ``operator`` (of one hub/tenant), ``mentor`` (of one hub, reads
  its records), ``member`` (a shop owner or founder: owns their uploads and analyses), ``planner``
  (aggregates of a region, never personal data). A request without a valid session is ``anonymous``.
- ``Principal``: what a route and a domain function need to decide ownership and tenancy.
- The permission table lives in ``permissions/<domain>.yaml``: ``"METHOD /path/template": [roles]`` or
  ``public``. A route missing from the table is refused (deny by default); a test enumerates every
  route of the app against it.
- Enforcement: ``moduai.web.access.AccessMiddleware`` looks every request up here (401 not signed in,
  403 wrong role) before the route runs; routes get the caller with ``Depends(current_principal)``.
- Ownership and tenant checks are the domain's job, given the ``Principal``: an object of another owner
  or hub answers ``NotFound`` (404), never 403, so ids do not leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from fastapi import Request

ROLES: tuple[str, ...] = ("admin", "operator", "mentor", "member", "planner")
ANONYMOUS = "anonymous"
PUBLIC = "public"
ROLE_LABELS = {
    "admin": "관리자",
    "operator": "거점센터 운영자",
    "mentor": "멘토",
    "member": "회원(사장님·창업자)",
    "planner": "지자체 기획 담당자",
    ANONYMOUS: "비회원",
}
PERMISSIONS_DIR = Path(__file__).with_name("permissions")


@dataclass(frozen=True)
class Principal:
    """The caller: ``user_id`` is None for anonymous; ``hub_id`` for operators and mentors; ``region_code``
    (행안부 시도 or 시군구 code) for planners."""

    role: str = ANONYMOUS
    user_id: int | None = None
    hub_id: int | None = None
    region_code: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def sees_personal_data(self) -> bool:
        """Planners and anonymous callers never receive personal fields."""
        return self.role in ("admin", "operator", "mentor", "member")


@lru_cache(maxsize=1)
def permission_table() -> dict[str, tuple[str, ...]]:
    """``{"METHOD /path": allowed roles}`` from every ``permissions/*.yaml``; ``public`` allows anonymous too."""
    table: dict[str, tuple[str, ...]] = {}
    for path in sorted(PERMISSIONS_DIR.glob("*.yaml")):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            method, _, route = key.partition(" ")
            key = f"{method.upper()} {route}"
            if key in table:
                raise ValueError(f"permission for {key!r} declared twice ({path.name})")
            if value == PUBLIC:
                table[key] = (PUBLIC,)
            else:
                roles = tuple(value)
                unknown = [r for r in roles if r not in ROLES]
                if unknown:
                    raise ValueError(f"{path.name}: unknown roles {unknown} for {key!r}")
                table[key] = roles
    return table


def allowed(principal: Principal, method: str, route_path: str) -> bool:
    """Does the table let ``principal`` call ``METHOD route_path``? Missing routes are refused."""
    roles = permission_table().get(f"{method.upper()} {route_path}")
    if roles is None:
        return False
    if PUBLIC in roles:
        return True
    return principal.role == "admin" or principal.role in roles


_CONVERTOR = re.compile(r"\{([^}:]+):[^}]+\}")


def route_key(method: str, route_path: str) -> str:
    """``"METHOD /path/{param}"``; Starlette convertors are dropped (``{import_id:int}`` → ``{import_id}``)."""
    path = _CONVERTOR.sub(lambda m: "{" + m.group(1) + "}", route_path)
    return f"{method.upper()} {path}"


def roles_for(method: str, route_path: str) -> tuple[str, ...] | None:
    """The roles the table gives ``METHOD route_path`` (``("public",)`` for everyone); None when missing.
    ``HEAD`` follows ``GET``."""
    table = _normalised_table()
    roles = table.get(route_key(method, route_path))
    if roles is None and method.upper() == "HEAD":
        roles = table.get(route_key("GET", route_path))
    return roles


@lru_cache(maxsize=1)
def _normalised_table() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for key, roles in permission_table().items():
        method, _, route = key.partition(" ")
        out[route_key(method, route)] = roles
    return out


def check_access(principal: Principal, method: str, route_path: str, *, login_href: str = "/accounts/login") -> None:
    """Raise NotSignedIn (401) or Forbidden (403) unless the table lets ``principal`` call this route."""
    from moduai.errors import Forbidden, NotSignedIn

    roles = roles_for(method, route_path)
    if roles is not None and (PUBLIC in roles or principal.role == "admin" or principal.role in roles):
        return
    if roles is None:
        raise Forbidden("이 주소는 권한표에 없어 막혀 있습니다. 관리자에게 알려 주세요.",
                        detail=f"{route_key(method, route_path)} is not in the permission table (deny by default)")
    labels = ", ".join(ROLE_LABELS[r] for r in ("admin", *roles) if r in ROLE_LABELS)
    if principal.is_anonymous:
        raise NotSignedIn(f"로그인이 필요한 기능입니다. 로그인한 뒤 다시 시도해 주세요 (쓸 수 있는 역할: {labels}).",
                          detail="not signed in", candidates=[{"href": login_href, "label": "로그인"}])
    raise Forbidden(f"지금 계정({ROLE_LABELS.get(principal.role, principal.role)})으로는 쓸 수 없는 기능입니다. "
                    f"쓸 수 있는 역할: {labels}. 권한이 필요하면 관리자에게 요청하세요.",
                    detail=f"role {principal.role!r} not in {list(roles)}")


PRINCIPAL_SCOPE_KEY = "moduai.principal"
# The session cookie's name, here (not in accounts.service) so a request without one is decided without
# importing the service and SQLAlchemy (moduai.web.access).
SESSION_COOKIE = "moduai_session"


def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller, as the access middleware (``moduai.web.access``) resolved it once for
    this request from the session cookie. Without the middleware there is no verified caller: anonymous."""
    cached = request.scope.get(PRINCIPAL_SCOPE_KEY)
    return cached if isinstance(cached, Principal) else Principal()


def owner_scope(principal: Principal) -> int | None:
    """For queries of owned objects: None means "every owner" (admin); otherwise the caller's user id.
    Anonymous callers own nothing (-1 matches no row)."""
    if principal.role == "admin":
        return None
    return principal.user_id if principal.user_id is not None else -1


def can_touch(principal: Principal, owner_id: int | None) -> bool:
    """May ``principal`` see or change an object owned by ``owner_id``? Legacy objects (no owner): admin only."""
    return principal.role == "admin" or (owner_id is not None and owner_id == principal.user_id)
