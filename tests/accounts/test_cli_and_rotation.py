"""``moduai users …`` and ``moduai keys rotate`` (JSON output), purge = export then delete, the user → member
migration. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moduai.cli import app as cli
from moduai.config import get_settings
from moduai.web.app import create_app
from tests.helpers_auth import login_as

LEDGER = ("고객,날짜,금액\n010-1111-2222,2025-01-05,12000\n010-1111-2222,2025-02-01,9000\n"
          "010-3333-4444,2025-01-10,8000\n01011112222,2025-03-01,5000\n")


def _run(*args, input: str | None = None) -> dict:
    r = CliRunner().invoke(cli, [*args, "--json"], input=input)
    assert r.exit_code == 0, (args, r.output)
    return json.loads(r.stdout)


def test_users_add_list_set_role_disable_and_audit(db_url):
    made = _run("users", "add", "boss@example.kr", "--role", "admin", "--password-stdin", input="a-long-password\n")
    assert made["role"] == "admin" and "password" not in json.dumps(made)
    op = _run("users", "add", "op@example.kr", "--role", "operator", "--hub", "3", "--password-stdin",
              input="a-long-password\n")
    assert (op["role"], op["hub_id"]) == ("operator", 3)
    listed = _run("users", "list")["users"]
    assert [u["email"] for u in listed] == ["boss@example.kr", "op@example.kr"]
    changed = _run("users", "set-role", "op@example.kr", "planner", "--region", "51")
    assert (changed["role"], changed["region_code"]) == ("planner", "51")
    assert _run("users", "disable", str(op["id"]))["is_active"] is False
    bad = CliRunner().invoke(cli, ["users", "set-role", "op@example.kr", "king", "--json"])
    assert bad.exit_code == 2 and "role" in bad.stderr
    entries = _run("users", "audit")["entries"]
    actions = [(e["action"], e["object_id"]) for e in entries]
    assert ("role_change", str(op["id"])) in actions and ("disable", str(op["id"])) in actions
    role_change = next(e for e in entries if e["action"] == "role_change")
    assert role_change["detail"] == {"from": "operator", "to": "planner", "hub_id": None, "region_code": "51"}


def test_purge_exports_then_deletes_everything_of_a_member(db_url, tmp_path):
    app = create_app()
    member, other = TestClient(app), TestClient(app)
    m = login_as(member, "member", "m@example.kr")
    login_as(other, "planner", "p@example.kr")
    r = member.post("/api/v1/marketing/customers", files={"file": ("l.csv", io.BytesIO(LEDGER.encode()), "text/csv")},
                    data={"shop": "내 빵집"})
    imp = r.json()["import"]["import_id"]
    assert other.post("/api/v1/balance/scenarios", json={"name": "남의 것", "weights": {"tfr": 1}}).status_code == 201
    # a member's scenario, stored directly (members do not save scenarios from the page)
    from moduai.accounts.policy import Principal
    from moduai.balance.composite import validate_spec
    from moduai.balance.scenarios import list_scenarios, save_scenario

    save_scenario("내 것", validate_spec({"tfr": 1}, "rank", 2020, {}), principal=Principal("member", m.id))

    out = tmp_path / "export.zip"
    exported = _run("users", "export", "m@example.kr", "--out", str(out))
    # Other domains' owner tables appear with 0 rows: only the non-empty ones are compared.
    assert {k: v for k, v in exported["counts"].items() if v} == {"balance_scenarios": 1, "marketing_import": 1,
                                                                  "marketing_sale": 4}
    report = _run("users", "purge", "m@example.kr", "--out", str(tmp_path / "purge.zip"), "--yes")
    assert {k: v for k, v in report["deleted"].items() if v} == {"balance_scenarios": 1, "marketing_import": 1,
                                                                 "marketing_sale": 4}
    with zipfile.ZipFile(tmp_path / "purge.zip") as zf:
        sales = json.loads(zf.read("marketing_sale.json"))
        assert sorted(s["amount"] for s in sales) == [5000, 8000, 9000, 12000]
        assert json.loads(zf.read("user.json"))["email"] == "m@example.kr"
        assert all("010-1111-2222" not in zf.read(n).decode() for n in zf.namelist())  # masked at rest
    eng = sa.create_engine(db_url)
    with eng.connect() as c:
        assert c.execute(sa.text("select count(*) from marketing_import where id = :i"), {"i": imp}).scalar() == 0
        assert c.execute(sa.text("select count(*) from marketing_sale")).scalar() == 0
        assert c.execute(sa.text("select count(*) from users where email = 'm@example.kr'")).scalar() == 0
    eng.dispose()
    assert [s.name for s in list_scenarios()] == ["남의 것"]  # another user's data untouched
    assert any(e["action"] == "purge" and e["object_id"] == str(m.id) for e in _run("users", "audit")["entries"])


def test_identifier_rotation_rekeys_stored_hashes_and_keeps_each_ledger_grouped(db_url):
    from moduai.marketing.customers import analyze_customers
    from moduai.marketing.masking import customer_key
    from moduai.marketing.store import import_ledger, load_sales

    imp = import_ledger(LEDGER.encode(), "l.csv", "빵집")
    before = load_sales(imp.import_id)
    old_key = get_settings().identifier_key
    assert before[0].customer_key == customer_key("010-1111-2222", old_key)
    report = _run("keys", "rotate", "identifier")
    assert report["rehashed"] == {"marketing_sale.customer_key": 4}
    get_settings.cache_clear()
    new_key = get_settings().identifier_key
    assert new_key != old_key
    after = load_sales(imp.import_id)
    # Not the old hashes any more, and not recomputable from the old key...
    assert {s.customer_key for s in after}.isdisjoint({s.customer_key for s in before})
    # ...but the chained re-key, computed independently:
    import hashlib
    import hmac

    assert after[0].customer_key == hmac.new(new_key, b"rekey\x00" + before[0].customer_key.encode(),
                                             hashlib.sha256).hexdigest()
    # The grouping inside the ledger is unchanged: 010-1111-2222 and 01011112222 are still one customer.
    assert len({s.customer_key for s in after}) == 2
    a, b = analyze_customers(before), analyze_customers(after)
    assert [(c.frequency, c.monetary, c.segment) for c in a.customers] == [
        (c.frequency, c.monetary, c.segment) for c in b.customers]


def test_session_rotation_ends_every_session(db_url):
    client = TestClient(create_app())
    login_as(client, "member")
    assert client.get("/marketing/customers").status_code == 200
    old = get_settings().secret_key
    _run("keys", "rotate", "session")
    get_settings.cache_clear()  # what a server restart does
    assert get_settings().secret_key != old
    assert client.get("/marketing/customers").status_code == 401


def test_rotation_refuses_a_key_given_in_the_environment(db_url, monkeypatch):
    monkeypatch.setenv("MODUAI_SECRET_KEY", "x" * 40)
    get_settings.cache_clear()
    r = CliRunner().invoke(cli, ["keys", "rotate", "session", "--json"])
    assert r.exit_code == 2 and "MODUAI_SECRET_KEY" in r.stderr


def test_old_user_role_becomes_member_on_upgrade(tmp_path):
    from alembic import command

    from moduai.db.engine import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "accounts_0001")
    eng = sa.create_engine(url)
    with eng.begin() as c:
        c.execute(sa.text("insert into users (email, password_hash, role, is_active) values "
                          "('u@example.kr', 'x', 'user', 1), ('o@example.kr', 'x', 'operator', 1)"))
    command.upgrade(alembic_config(url), "heads")
    with eng.connect() as c:
        rows = c.execute(sa.text("select email, role, session_version, hub_id from users order by email")).all()
    eng.dispose()
    assert [tuple(r) for r in rows] == [("o@example.kr", "operator", 0, None), ("u@example.kr", "member", 0, None)]


def test_upgrade_rekeys_legacy_customer_hashes_under_the_identifier_key(db_url):
    from alembic import command

    from moduai.accounts.keys import rekey_hash
    from moduai.db.engine import alembic_config

    command.downgrade(alembic_config(db_url), "marketing_0001")  # before the owner/re-key step (and 0003 after it)
    legacy = ["a" * 32, "a" * 32, "b" * 32]  # two visits of one customer, one of another (old 32-hex keys)
    eng = sa.create_engine(db_url)
    with eng.begin() as c:
        c.execute(sa.text("insert into marketing_shop (id, name) values (1, '옛 가게')"))
        c.execute(sa.text("insert into marketing_import (id, shop_id, kind, source_name, sha256, encoding, row_count) "
                          "values (1, 1, 'ledger', 'old.csv', :s, 'utf-8', 3)"), {"s": "0" * 64})
        for i, k in enumerate(legacy, start=1):
            c.execute(sa.text("insert into marketing_sale (id, import_id, line, customer_key, customer_display, "
                              "sale_date, amount) values (:i, 1, :i, :k, '010-****-0000', '2025-01-01', 1000)"),
                      {"i": i, "k": k})
    command.upgrade(alembic_config(db_url), "heads")
    with eng.connect() as c:
        keys = [r[0] for r in c.execute(sa.text("select customer_key from marketing_sale order by id"))]
    eng.dispose()
    key = get_settings().identifier_key
    assert keys == [rekey_hash(k, new_key=key) for k in legacy]
    assert keys[0] == keys[1] != keys[2] and all(len(k) == 64 for k in keys)
