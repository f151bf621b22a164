"""Sign a TestClient in as a user of a given role (through the real login form), for tests of protected routes."""

from __future__ import annotations

from moduai.accounts.schemas import UserPublic

PASSWORD = "a-long-test-password"
_SCOPE = {"operator": {"hub_id": 1}, "mentor": {"hub_id": 1}, "planner": {"region_code": "11"}}


def make_user(role: str, email: str | None = None, **scope) -> UserPublic:
    from moduai.accounts.service import create_user, user_create
    from moduai.db import ensure_migrated, session_scope

    ensure_migrated()
    email = email or f"{role}@example.kr"
    with session_scope() as s:
        return create_user(s, user_create(email, PASSWORD, role=role), **{**_SCOPE.get(role, {}), **scope})


def login_as(client, role: str, email: str | None = None, **scope) -> UserPublic:
    """Create a user of ``role`` (operators and mentors in hub 1, planners in 서울) and sign ``client`` in."""
    from moduai.accounts.service import SESSION_COOKIE
    from tests.helpers_web import csrf_token

    user = make_user(role, email, **scope)
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    r = client.post("/accounts/login", data={"email": user.email, "password": PASSWORD, "next": "/",
                                             "csrf_token": csrf_token(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert client.cookies.get(SESSION_COOKIE)
    # CSRF tokens are bound to the session once signed in: the client sends a fresh one from now on
    client.headers["X-CSRF-Token"] = csrf_token(client)
    return user


def browser_login(page, live_server: str, role: str, next_path: str = "/", **scope) -> UserPublic:
    """Create a fresh user of ``role`` in the live server's database and sign the browser page in
    (``scope``: ``hub_id=…`` or ``region_code=…`` as for :func:`login_as`)."""
    import uuid

    user = make_user(role, f"{role}-{uuid.uuid4().hex[:8]}@example.kr", **scope)
    page.goto(f"{live_server}/accounts/login?next={next_path}")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{next_path}")
    return user
