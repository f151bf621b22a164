"""The permission table against every route of the app, and the access middleware that enforces it.

1. Every route (method + template) of ``create_app()`` is in ``accounts/permissions/*.yaml`` and every
   table entry is a real route: a new route without a permission fails here.
2. For every route and every role, the middleware answers as the table says: on the real app, each refused
   call answers 401 (anonymous) or 403 (signed in, wrong role) before the route runs; each allowed call is
   checked on a shadow app with the same route templates and methods whose endpoints just answer 204, so
   expensive analyses do not run 6 times here.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient

from moduai.accounts.policy import PUBLIC, ROLES, permission_table, roles_for, route_key
from moduai.web.access import AccessMiddleware, route_table
from moduai.web.app import create_app
from tests.helpers_auth import login_as

SAMPLE = {"import_id": "1", "code": "11", "ext": "csv", "slug": "x", "path": "moduai.css", "indicator_id": "tfr",
          "dataset_id": "x", "user_id": "1"}


def _routes(app) -> list[tuple[str, str, str]]:
    """(method, template with convertors, concrete path) for every route; HEAD is covered by GET."""
    out = []
    for _regex, methods, template in route_table(app):
        concrete = re.sub(r"\{([^}:]+)(:[^}]+)?\}", lambda m: SAMPLE.get(m.group(1), "1"), template)
        for method in sorted(methods or {"GET"}):
            if method != "HEAD":
                out.append((method, template, concrete))
    return out


def test_every_route_is_in_the_table_and_every_entry_is_a_route():
    app = create_app()
    routes = {route_key(m, t) for m, t, _ in _routes(app)}
    assert len(routes) > 80
    table = {route_key(*k.split(" ", 1)) for k in permission_table()}
    missing = sorted(routes - table)
    stale = sorted(table - routes)
    assert not missing, f"routes without a permission entry: {missing}"
    assert not stale, f"permission entries without a route: {stale}"


MY_SCOPE = ("/accounts", "/balance", "/api/v1/balance", "/commerce", "/api/v1/commerce", "/marketing",
            "/api/v1/marketing", "/programs", "/api/v1/programs", "/regions", "/api/v1/regions", "/data",
            "/api/v1/datasets")


def test_every_write_needs_a_role_and_personal_data_is_never_public():
    """For the routes of the domains that existed before accounts (the newer domains' owners decide which of
    their compute-only POSTs are public): every write needs a role, personal data is never public."""
    for key, roles in permission_table().items():
        method, path = key.split(" ", 1)
        if not path.startswith(MY_SCOPE):
            continue
        stateless = {"POST /api/v1/programs/match", "POST /api/v1/programs/rules/validate", "POST /api/v1/marketing/copy",
                     "POST /accounts/login", "POST /accounts/logout", "POST /accounts/signup"}
        if method != "GET" and key not in stateless:
            assert PUBLIC not in roles, key
        if path.startswith(("/marketing/customers", "/marketing/reviews", "/api/v1/marketing/customers",
                            "/api/v1/marketing/reviews", "/accounts/admin")):
            assert PUBLIC not in roles and "planner" not in roles, key


@pytest.fixture
def clients(db_url):
    """One signed-in TestClient per role, plus anonymous, on the real app."""
    app = create_app()
    out = {"anonymous": TestClient(app)}
    for role in ROLES:
        c = TestClient(app)
        login_as(c, role)
        out[role] = c
    return app, out


def _expected(role: str, method: str, template: str) -> str:
    roles = roles_for(method, template)
    if PUBLIC in roles or role == "admin" or role in roles:
        return "allowed"
    return "401" if role == "anonymous" else "403"


def test_real_app_refuses_every_call_the_table_refuses(clients):
    app, by_role = clients
    checked = 0
    for method, template, path in _routes(app):
        for role, client in by_role.items():
            if _expected(role, method, template) == "allowed":
                continue
            r = client.request(method, path, headers={"accept": "application/json"})
            want = 401 if role == "anonymous" else 403
            assert r.status_code == want, (role, method, path, r.status_code, r.text[:200])
            checked += 1
    assert checked > 100


def test_shadow_app_lets_through_every_call_the_table_allows(clients):
    app, by_role = clients
    shadow = FastAPI()
    shadow.add_middleware(AccessMiddleware)

    def ok():
        return Response(status_code=204)

    for method, template, _path in _routes(app):
        shadow.add_api_route(template, ok, methods=[method])
    allowed = refused = 0
    for role, real_client in by_role.items():
        client = TestClient(shadow)
        client.cookies.update(real_client.cookies)
        for method, template, path in _routes(app):
            r = client.request(method, path)
            want = _expected(role, method, template)
            if want == "allowed":
                assert r.status_code == 204, (role, method, path, r.status_code, r.text[:200])
                allowed += 1
            else:
                assert r.status_code == int(want), (role, method, path, r.status_code)
                refused += 1
    assert allowed > 300 and refused > 100


def test_allowed_personal_pages_answer_on_the_real_app(clients):
    _app, by_role = clients
    assert by_role["member"].get("/marketing/customers").status_code == 200
    assert by_role["admin"].get("/accounts/admin/users").status_code == 200
    assert by_role["planner"].get("/accounts/password").status_code == 200
    r = by_role["anonymous"].get("/marketing/customers")
    assert r.status_code == 401 and "/accounts/login?next=/marketing/customers" in r.text and "로그인" in r.text


def test_a_route_missing_from_the_table_is_refused(db_url):
    from moduai.accounts.policy import Principal, check_access
    from moduai.errors import Forbidden

    with pytest.raises(Forbidden) as err:
        check_access(Principal(role="admin", user_id=1), "DELETE", "/nowhere/{id}")
    assert "권한표" in err.value.message
