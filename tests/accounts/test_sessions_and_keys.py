"""Secrets and sessions: no published key works, a fresh home makes its own key, sessions are revocable,
sign-in is throttled with back-off (in the database), invites sign up once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer

from moduai.accounts.keys import PUBLISHED_PLACEHOLDERS, keyed_hash
from moduai.accounts.policy import Principal
from moduai.accounts.service import (
    EMAIL_FREE,
    SESSION_COOKIE,
    TooManyAttempts,
    change_password,
    create_invite,
    login,
    set_active,
    set_role,
    sign_up,
)
from moduai.config import get_settings, load_settings
from moduai.db import session_scope
from moduai.errors import Forbidden, InputError
from moduai.web.app import create_app
from tests.helpers_auth import PASSWORD, login_as, make_user
from tests.helpers_web import with_csrf

ADMIN = Principal(role="admin", user_id=None)


def _forged(secret: str, uid: int, sv: int = 0) -> str:
    return URLSafeSerializer(secret, salt="moduai-session").dumps({"uid": uid, "sv": sv, "iat": int(time.time())})


def test_a_cookie_signed_with_any_published_string_is_refused(db_url):
    admin = make_user("admin")
    client = with_csrf(TestClient(create_app()))
    for secret in sorted(PUBLISHED_PLACEHOLDERS | {"moduai-dev-secret-change-me", "secret-key", "moduai"}):
        client.cookies.set(SESSION_COOKIE, _forged(secret, admin.id))
        r = client.get("/accounts/admin/users", headers={"accept": "application/json"})
        assert r.status_code == 401, secret
    # The same payload signed with this install's own key is accepted: the refusals above are the key's doing.
    client.cookies.set(SESSION_COOKIE, _forged(get_settings().secret_key, admin.id))
    assert client.get("/accounts/admin/users").status_code == 200


def test_a_fresh_install_has_its_own_key_mode_0600(tmp_path):
    a = load_settings({"MODUAI_HOME": str(tmp_path / "a")})
    b = load_settings({"MODUAI_HOME": str(tmp_path / "b")})
    assert a.secret_key != b.secret_key and len(a.secret_key) >= 48
    assert a.identifier_key != b.identifier_key and a.identifier_key != a.secret_key.encode()
    for home in ("a", "b"):
        for name in ("secret.key", "identifier.key"):
            assert (tmp_path / home / name).stat().st_mode & 0o777 == 0o600
    # A second start reads the same key back.
    assert load_settings({"MODUAI_HOME": str(tmp_path / "a")}).secret_key == a.secret_key
    # Placeholders and short keys are refused in every mode, for both keys.
    for mode in ("development", "production"):
        for name in ("MODUAI_SECRET_KEY", "MODUAI_IDENTIFIER_KEY"):
            for bad in ("moduai-dev-secret-change-me", "change-me", "short"):
                with pytest.raises(InputError) as err:
                    load_settings({"MODUAI_HOME": str(tmp_path), "MODUAI_ENV": mode, name: bad})
                assert err.value.field == name


def test_customer_hash_uses_the_identifier_key_not_the_session_key(tmp_path, monkeypatch):
    import hashlib
    import hmac

    from moduai.marketing.masking import customer_key

    key = get_settings().identifier_key
    expected = hmac.new(key, b"customer\x0001012345678", hashlib.sha256).hexdigest()
    assert customer_key("010-1234-5678") == expected == keyed_hash("01012345678", purpose="customer")
    assert customer_key("010-1234-5678") != hmac.new(get_settings().secret_key.encode(), b"01012345678",
                                                      hashlib.sha256).hexdigest()
    # The identifier key lives in MODUAI_HOME, never in the database.
    assert (get_settings().home / "identifier.key").read_bytes() == key


def test_logout_disable_password_and_role_change_revoke_sessions(db_url):
    client = with_csrf(TestClient(create_app()))
    user = login_as(client, "member")
    old = client.cookies.get(SESSION_COOKIE)
    assert client.get("/marketing/customers").status_code == 200
    # logout revokes every session of the user, even a copied cookie
    assert client.post("/accounts/logout", follow_redirects=False).status_code == 303
    with_csrf(client)  # signed out: the session-bound CSRF token is gone with the session
    thief = with_csrf(TestClient(create_app()))
    thief.cookies.set(SESSION_COOKIE, old)
    assert thief.get("/marketing/customers").status_code == 401
    # sign in again; an admin disables the account: the cookie stops working at once
    r = client.post("/accounts/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    with session_scope() as s:
        set_active(s, ADMIN, user.id, False)
    assert client.get("/marketing/customers").status_code == 401
    with session_scope() as s:
        set_active(s, ADMIN, user.id, True)
    with_csrf(client).post("/accounts/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False)
    # a role change ends the session (the new role applies from the next sign-in)
    with session_scope() as s:
        set_role(s, ADMIN, user.id, "planner", region_code="11")
    assert client.get("/accounts/password").status_code == 401
    # password change through the page: this browser gets a fresh session, other sessions end
    with_csrf(client).post("/accounts/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False)
    with_csrf(client)  # a new session: a new token
    other = with_csrf(TestClient(create_app()))
    other.cookies.set(SESSION_COOKIE, client.cookies.get(SESSION_COOKIE))
    r = client.post("/accounts/password", data={"current_password": PASSWORD, "new_password": "another-long-pass"},
                    follow_redirects=False)
    assert r.status_code == 303 and client.get("/accounts/password").status_code == 200
    assert other.get("/accounts/password").status_code == 401
    with session_scope() as s, pytest.raises(Forbidden):
        change_password(s, user.id, "wrong-password!", "yet-another-pass")


def test_login_is_throttled_per_email_with_exponential_back_off_in_the_database(db_url):
    from moduai.db.engine import get_engine

    user = make_user("member")
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(EMAIL_FREE):
        with session_scope() as s, pytest.raises(Forbidden) as err:
            login(s, user.email, "wrong-password", "10.0.0.1", now=t0 + dt.timedelta(seconds=i))
        assert not isinstance(err.value, TooManyAttempts)
    # "Restart": a new engine (another worker would see the same rows).
    get_engine.cache_clear()
    at = t0 + dt.timedelta(seconds=EMAIL_FREE - 1)
    with session_scope() as s, pytest.raises(TooManyAttempts) as err:
        login(s, user.email, PASSWORD, "10.0.0.2", now=at + dt.timedelta(milliseconds=500))  # right password, still locked
    assert err.value.http_status == 429 and "초 뒤" in err.value.message
    with session_scope() as s:  # after the 1 s wait the right password works and clears the counter
        u, token = login(s, user.email, PASSWORD, "10.0.0.2", now=at + dt.timedelta(seconds=2))
    assert u.id == user.id and token
    # Back-off doubles: the 6th and 7th failures in a row lock for 2 s and 4 s.
    base = at + dt.timedelta(seconds=10)
    for i in range(EMAIL_FREE + 2):
        when = base + dt.timedelta(seconds=100 * i)
        with session_scope() as s, pytest.raises(Forbidden):
            login(s, user.email, "wrong-password", "10.0.0.3", now=when)
    from moduai.accounts.models import LoginThrottleRow

    with session_scope() as s:
        row = s.get(LoginThrottleRow, f"email:{user.email}")
        assert row.failures == EMAIL_FREE + 2
        last = row.last_failure_at if row.last_failure_at.tzinfo else row.last_failure_at.replace(tzinfo=dt.UTC)
        until = row.locked_until if row.locked_until.tzinfo else row.locked_until.replace(tzinfo=dt.UTC)
        assert (until - last).total_seconds() == 4


def test_the_login_page_answers_429_when_throttled(db_url):
    user = make_user("member")
    client = with_csrf(TestClient(create_app()))
    codes = [client.post("/accounts/login", data={"email": user.email, "password": "nope-nope-nope"}).status_code
             for _ in range(EMAIL_FREE + 1)]
    assert codes[:EMAIL_FREE] == [403] * EMAIL_FREE and codes[EMAIL_FREE] == 429


def test_invite_signs_up_once_with_its_role_and_expires(db_url):
    with session_scope() as s:
        token = create_invite(s, ADMIN, "operator", hub_id=7)
        expired = create_invite(s, ADMIN, "member", now=dt.datetime.now(dt.UTC) - dt.timedelta(days=8))
    client = with_csrf(TestClient(create_app()))
    r = client.post("/accounts/signup", data={"invite": token, "email": "New@Example.kr", "password": "a-long-password"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/programs/admin").status_code == 200  # signed in, as an operator of hub 7
    again = with_csrf(TestClient(create_app())).post("/accounts/signup", data={"invite": token, "email": "b@example.kr",
                                                                    "password": "a-long-password"})
    assert again.status_code == 403 and "초대 코드" in again.text
    with session_scope() as s, pytest.raises(Forbidden):
        sign_up(s, expired, "c@example.kr", "a-long-password")
    with session_scope() as s:
        from moduai.accounts.service import find_user

        row = find_user(s, "new@example.kr")
        assert (row.role, row.hub_id) == ("operator", 7)


def test_admin_pages_change_role_disable_and_reset(db_url):
    admin = with_csrf(TestClient(create_app()))
    login_as(admin, "admin")
    member = make_user("member", "m@example.kr")
    r = admin.post(f"/accounts/admin/users/{member.id}/role", data={"role": "planner", "region_code": "11"},
                   follow_redirects=False)
    assert r.status_code == 303
    r = admin.post(f"/accounts/admin/users/{member.id}/reset")
    assert r.status_code == 200 and "임시 비밀번호" in r.text
    temp = r.text.split("임시 비밀번호: <code>")[1].split("</code>")[0]
    with session_scope() as s:
        u, _ = login(s, "m@example.kr", temp)
        assert u.role == "planner"
    r = admin.post(f"/accounts/admin/users/{member.id}/active", data={"active": "0"}, follow_redirects=False)
    assert r.status_code == 303
    with session_scope() as s, pytest.raises(Forbidden):
        login(s, "m@example.kr", temp)
    r = admin.post("/accounts/admin/invites", data={"role": "member"})
    assert r.status_code == 200 and "/accounts/signup?invite=" in r.text
    bad = admin.post(f"/accounts/admin/users/{member.id}/role", data={"role": "operator"})  # operator needs a hub
    assert bad.status_code == 422 and "거점" in bad.text
