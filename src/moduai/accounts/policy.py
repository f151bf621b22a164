"""Who may do what: roles, the signed-in principal, and the permission table (data, one file per domain).

This module is the contract every domain builds on (the trust issue extends its enforcement):

- ``ROLES``: ``admin`` (everything), ``operator`` (of one hub/tenant), ``mentor`` (of one hub, reads
  its records), ``member`` (a shop owner or founder: owns their uploads and analyses), ``planner``
  (aggregates of a region, never personal data). A request without a valid session is ``anonymous``.
- ``Principal``: what a route and a domain function need to decide ownership and tenancy.
- The permission table lives in ``permissions/<domain>.yaml``: ``"METHOD /path/template": [roles]`` or
  ``public``. A route missing from the table is refused (deny by default); a test enumerates every
  route of the app against it.
- Ownership and tenant checks are the domain's job, given the ``Principal``: an object of another owner
  or hub answers ``NotFound`` (404), never 403, so ids do not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

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
