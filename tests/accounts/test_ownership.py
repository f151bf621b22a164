"""Ownership: a member sees and changes only their own imports and scenarios; another owner's object is
404 (like a missing one); the upload list shows only the caller's; an admin sees all; views and exports of
personal data are audited. On SQLite and PostgreSQL."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient

from moduai.accounts.service import list_audit
from moduai.db import session_scope
from moduai.web.app import create_app
from tests.helpers_auth import login_as

LEDGER = "고객,날짜,금액\n010-1111-2222,2025-01-05,12000\n010-1111-2222,2025-02-01,9000\n김민수,2025-01-10,8000\n"
REVIEWS = "날짜,평점,내용\n2025-01-02,5,빵이 맛있어요\n2025-02-03,1,불친절해요\n"


def _upload(client, kind: str, body: str, shop: str) -> int:
    r = client.post(f"/api/v1/marketing/{kind}", files={"file": ("f.csv", io.BytesIO(body.encode()), "text/csv")},
                    data={"shop": shop})
    assert r.status_code == 200, r.text
    return r.json()["import"]["import_id"]


def test_members_see_only_their_own_imports_and_admin_sees_all(db_url):
    app = create_app()
    a, b, admin = TestClient(app), TestClient(app), TestClient(app)
    ua = login_as(a, "member", "a@example.kr")
    ub = login_as(b, "member", "b@example.kr")
    uadmin = login_as(admin, "admin")
    ledger_a = _upload(a, "customers", LEDGER, "A 빵집")
    reviews_a = _upload(a, "reviews", REVIEWS, "같은 이름")
    # B uploads the very same review file under the same shop name: a separate import of B's, not A's back.
    reviews_b = _upload(b, "reviews", REVIEWS, "같은 이름")
    assert reviews_b != reviews_a

    for path in (f"/api/v1/marketing/customers/{ledger_a}", f"/marketing/customers/{ledger_a}",
                 f"/marketing/customers/{ledger_a}/segments.csv", f"/marketing/customers/{ledger_a}/segments.xlsx",
                 f"/api/v1/marketing/reviews/{reviews_a}", f"/marketing/reviews/{reviews_a}",
                 f"/marketing/reviews/{reviews_a}/replies.csv"):
        other = b.get(path)
        assert other.status_code == 404, (path, other.status_code)
        missing = b.get(path.replace(str(ledger_a if "customers" in path else reviews_a), "999999"))
        assert missing.status_code == 404  # the same answer as for an id that does not exist
        assert a.get(path).status_code == 200, path
        assert admin.get(path).status_code == 200, path

    # /marketing/customers lists only the caller's ledgers; the hub shows anonymous callers nothing.
    ctx_a = a.get("/marketing/customers?format=json").json()
    ctx_b = b.get("/marketing/customers?format=json").json()
    assert [i["import_id"] for i in ctx_a["recent"]] == [ledger_a]
    assert ctx_b["recent"] == []
    assert [i["import_id"] for i in admin.get("/marketing/customers?format=json").json()["recent"]] == [ledger_a]
    assert TestClient(app).get("/marketing?format=json").json()["recent_imports"] == []
    # The shop view merges only the caller's files of that name.
    shop_b = b.get("/api/v1/marketing/reviews", params={"shop": "같은 이름"}).json()
    assert [i["import_id"] for i in shop_b["imports"]] == [reviews_b]

    with session_scope() as s:
        seen = list_audit(s, limit=500)
    ledger_views = [e for e in seen if e.object_type == "marketing_ledger" and e.object_id == str(ledger_a)]
    assert {(e.actor_id, e.actor_role) for e in ledger_views} == {(ua.id, "member"), (uadmin.id, "admin")}
    assert {e.action for e in ledger_views} == {"view", "export"}
    assert not [e for e in seen if e.actor_id == ub.id and e.object_id == str(ledger_a)]  # refused: not a view


def test_scenario_overwrite_only_by_its_owner_or_an_admin(db_url):
    app = create_app()
    p1, p2, admin = TestClient(app), TestClient(app), TestClient(app)
    login_as(p1, "planner", "p1@example.kr")
    login_as(p2, "operator", "p2@example.kr")
    login_as(admin, "admin")
    body = {"name": "청년", "weights": {"tfr": 1}, "method": "rank", "year": 2020}
    assert p1.post("/api/v1/balance/scenarios", json=body).status_code == 201
    stolen = p2.post("/api/v1/balance/scenarios", json={**body, "weights": {"tfr": 5}, "overwrite": True})
    assert stolen.status_code == 422 and "다른 사람" in stolen.json()["error"]["message"]
    mine = p1.post("/api/v1/balance/scenarios", json={**body, "weights": {"tfr": 2}, "overwrite": True})
    assert mine.status_code == 201 and mine.json()["weights"] == {"tfr": 2.0}
    assert admin.post("/api/v1/balance/scenarios", json={**body, "weights": {"tfr": 3}, "overwrite": True}).status_code == 201
    listed = TestClient(app).get("/api/v1/balance/scenarios").json()["scenarios"]  # aggregates: public to read
    assert [(s["name"], s["weights"]) for s in listed] == [("청년", {"tfr": 3.0})]


def test_a_legacy_import_without_owner_is_admin_only(db_url):
    from moduai.marketing.store import import_ledger

    legacy = import_ledger(LEDGER.encode(), "old.csv", "옛 가게")  # from before accounts: owner NULL
    app = create_app()
    member, admin = TestClient(app), TestClient(app)
    login_as(member, "member")
    login_as(admin, "admin")
    assert member.get(f"/api/v1/marketing/customers/{legacy.import_id}").status_code == 404
    assert admin.get(f"/api/v1/marketing/customers/{legacy.import_id}").status_code == 200
