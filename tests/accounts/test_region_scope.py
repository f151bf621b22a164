"""A planner's region must be a code the region spine knows: 시도 (2 digits) or 시군구 (5 digits), stored as today's
code. A bad code is refused with a Korean message naming 지역 코드 and an example, and nothing is stored — through
the service, the user-admin form (role change and invite) and ``moduai users`` (add, set-role, invite).
There is no JSON API for roles; the CLI's ``--json`` error is the machine-readable path."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.accounts.policy import Principal
from moduai.accounts.service import check_region_code, create_invite, get_user, set_role
from moduai.cli import app as cli
from moduai.db import session_scope
from moduai.errors import InputError
from moduai.web.app import create_app
from tests.helpers_auth import login_as, make_user
from tests.helpers_text import english_in, shown
from tests.helpers_web import csrf_token

ADMIN = Principal(role="admin", user_id=None)

# the whole message as a page shows it, written by hand
PAGE_ZZ = ("지역 코드는 시도 2자리 또는 시군구 5자리 행안부 코드여야 합니다 (예: 서울특별시는 11, 강원 강릉시는 51150). "
           "받은 값: 'zz'. 코드를 모르면 '지역 찾기'에서 이름으로 찾아 보세요.")


@pytest.mark.parametrize("given, stored", [("11", "11"), ("51150", "51150"), (" 47113 ", "47113"),
                                           ("42150", "51150"),  # 강원도 강릉시 before 2023 → 강원특별자치도
                                           ("", None), (None, None)])
def test_a_known_code_is_kept_as_todays_code(given, stored):
    assert check_region_code(given) == stored


@pytest.mark.parametrize("bad", ["zz", "99999", "1", "11230710", "11110101"])  # unknown, short, 읍면동 codes
def test_a_code_the_spine_does_not_know_or_a_dong_is_refused(bad):
    with pytest.raises(InputError) as info:
        check_region_code(bad)
    assert info.value.field == "region_code"
    assert info.value.message.startswith("지역 코드(region_code)는 시도 2자리 또는 시군구 5자리")
    assert f"받은 값: '{bad}'" in info.value.message and "51150" in info.value.message


def test_a_retired_unit_names_the_units_that_took_over():
    if dt.date.today() < dt.date(2026, 7, 1):
        pytest.skip("인천 중구 is retired from 2026-07-01")
    with pytest.raises(InputError) as info:
        check_region_code("28110")
    assert info.value.message == ("지역 코드 '28110'은 인천광역시 중구의 코드인데, 이 지역은 2026-06-30까지만 있었습니다. "
                                  "지금 코드: 인천광역시 제물포구 28125, 인천광역시 영종구 28155.")


def _counts(url: str) -> tuple[int, int]:
    eng = sa.create_engine(url)
    with eng.connect() as c:
        return (c.execute(sa.text("select count(*) from account_invites")).scalar(),
                c.execute(sa.text("select count(*) from audit_log where action in ('role_change', 'invite')"))
                .scalar())


def test_the_service_stores_nothing_for_a_bad_region(db_url):
    user = make_user("member", "m@example.kr")
    with session_scope() as s, pytest.raises(InputError):
        set_role(s, ADMIN, user.id, "planner", region_code="zz")
    with session_scope() as s, pytest.raises(InputError):
        create_invite(s, ADMIN, "planner", region_code="zz")
    with session_scope() as s:
        after = get_user(s, user.id)
    assert (after.role, after.region_code) == ("member", None)
    assert _counts(db_url) == (0, 0)
    with session_scope() as s:  # a good old code is stored as today's
        assert set_role(s, ADMIN, user.id, "planner", region_code="42150").region_code == "51150"
    assert _counts(db_url) == (0, 1)


@pytest.mark.parametrize("path, form", [
    ("/accounts/admin/users/{member}/role", {"role": "planner", "region_code": "zz"}),
    ("/accounts/admin/invites", {"role": "planner", "region_code": "zz"}),
])
def test_the_admin_form_shows_the_korean_message_and_stores_nothing(db_url, path, form):
    client = TestClient(create_app())
    login_as(client, "admin", "boss@example.kr")
    member = make_user("member", "m@example.kr")
    r = client.post(path.format(member=member.id), data={**form, "csrf_token": csrf_token(client)})
    assert r.status_code == 422
    text = shown(r.text)
    assert PAGE_ZZ in text and "region_code" not in text
    assert english_in([text.replace("'zz'", "")]) == []
    with session_scope() as s:
        assert get_user(s, member.id).role == "member"
    assert _counts(db_url) == (0, 0)


def test_the_cli_refuses_a_bad_region_before_asking_for_a_password(db_url):
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "add", "p@example.kr", "--role", "planner", "--region", "zz", "--json"])
    assert r.exit_code == 2  # no password prompt was reached (no input was given)
    err = json.loads(r.stderr)["error"]
    assert err["field"] == "region_code" and err["message"].startswith("지역 코드(region_code)는")
    r = runner.invoke(cli, ["users", "add", "p@example.kr", "--role", "planner", "--region", "zz"])
    assert r.exit_code == 2 and "받은 값: 'zz'" in r.stderr
    made = runner.invoke(cli, ["users", "add", "p@example.kr", "--role", "member", "--password-stdin", "--json"],
                         input="a-long-password\n")
    assert made.exit_code == 0, made.output
    for args in (["users", "set-role", "p@example.kr", "planner", "--region", "zz"],
                 ["users", "invite", "--role", "planner", "--region", "zz"]):
        r = runner.invoke(cli, [*args, "--json"])
        assert r.exit_code == 2 and json.loads(r.stderr)["error"]["field"] == "region_code", args
    users = json.loads(runner.invoke(cli, ["users", "list", "--json"]).stdout)["users"]
    assert [(u["email"], u["role"], u["region_code"]) for u in users] == [("p@example.kr", "member", None)]
    assert _counts(db_url) == (0, 0)
    r = runner.invoke(cli, ["users", "set-role", "p@example.kr", "planner", "--region", "42150", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["region_code"] == "51150"
