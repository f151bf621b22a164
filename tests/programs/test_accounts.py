"""Accounts: scrypt hashes with per-user salt, constant-time checks, signed sessions, operator CLI."""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

from moduai.accounts.schemas import UserPublic
from moduai.accounts.service import (
    SESSION_MAX_AGE_S,
    authenticate,
    create_user,
    hash_password,
    read_session,
    sign_session,
    user_create,
    verify_password,
)
from moduai.db import session_scope
from moduai.errors import Forbidden, InputError


def test_hash_is_salted_scrypt_and_verifies():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert verify_password("correct horse", a) and not verify_password("wrong horse", a)
    # Independent recomputation with hashlib from the stored salt.
    import base64

    _algo, n, r, p, salt, digest = a.split("$")
    again = hashlib.scrypt(b"correct horse", salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    assert base64.b64encode(again).decode() == digest
    assert not verify_password("x", "garbage")


def test_users_are_stored_hashed_and_never_leave_with_the_hash(db_url):
    with session_scope() as s:
        user = create_user(s, user_create("Op@Example.kr", "a-long-password", role="operator"))
    assert isinstance(user, UserPublic) and user.email == "op@example.kr"
    assert "password_hash" not in user.model_dump()
    with session_scope() as s:
        assert authenticate(s, "op@example.kr", "a-long-password").id == user.id
        with pytest.raises(Forbidden):
            authenticate(s, "op@example.kr", "wrong-password")
        with pytest.raises(Forbidden):
            authenticate(s, "nobody@example.kr", "a-long-password")
    with session_scope() as s, pytest.raises(InputError) as err:
        create_user(s, user_create("op@example.kr", "another-long-one"))
    assert err.value.field == "email"


def test_short_password_and_bad_email_are_refused():
    with pytest.raises(InputError) as err:
        user_create("not-an-email", "a-long-password")
    assert err.value.field == "email"
    with session_scope() as s, pytest.raises(InputError) as err:
        create_user(s, user_create("a@b.kr", "short"))
    assert err.value.field == "password"


def test_session_tokens_are_signed_and_expire():
    token = sign_session(7, now=1_000_000)
    assert read_session(token, now=1_000_010) == 7
    assert read_session(token, now=1_000_000 + SESSION_MAX_AGE_S + 1) is None
    assert read_session(token[:-2] + ("A" if token[-1] != "A" else "B") + token[-1], now=1_000_010) is None
    assert read_session("nonsense", now=1_000_010) is None


def test_operator_add_cli_reads_password_from_stdin(db_url):
    from moduai.cli import app

    result = CliRunner().invoke(app, ["programs", "operator-add", "ops@example.kr", "--password-stdin", "--json"],
                                input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert '"role": "operator"' in result.stdout and "password" not in result.stdout
    with session_scope() as s:
        assert authenticate(s, "ops@example.kr", "a-long-password").role == "operator"
    short = CliRunner().invoke(app, ["programs", "operator-add", "x@example.kr", "--password-stdin"], input="abc\n")
    assert short.exit_code == 2 and "10자 이상" in short.output
