"""Routes: every hubs route as hub A's operator on hub B's objects → 404; planners' JSON has no personal
field; pages render; the permission table covers every hubs route."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from moduai.accounts.policy import Principal, permission_table
from moduai.db import session_scope
from moduai.hubs import service as S
from moduai.hubs.schemas import PERSONAL_FIELDS
from tests.hubs.conftest import ADMIN
from tests.hubs.test_tenancy_domain import world  # noqa: F401 - fixture

COOKIE = "test-session"


@pytest.fixture
def client_as(world):  # noqa: F811
    from moduai.accounts.service import SESSION_COOKIE, csrf_token
    from moduai.web.app import create_app
    from moduai.web.routes.hubs import hub_principal

    app = create_app()
    holder = {}
    app.dependency_overrides[hub_principal] = lambda: holder["p"]
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, COOKIE)
    token = csrf_token(COOKIE)

    def as_(principal: Principal):
        holder["p"] = principal
        return client

    as_.app, as_.csrf, as_.world = app, token, world
    return as_


def hub_routes(app):
    """Every route of the hubs page and API routers (included without a prefix), checked to be mounted."""
    from moduai.web.routes import hubs, hubs_api

    assert any(getattr(r, "original_router", None) is hubs.router or r is hubs.router for r in app.routes) or any(
        getattr(r, "path", "").startswith("/hubs") for r in app.routes)
    return [(m, r.path) for router in (hubs.router, hubs_api.router) for r in router.routes
            for m in sorted(r.methods - {"HEAD"})]


def test_permission_table_lists_every_hubs_route(client_as):
    table = permission_table()
    routes = hub_routes(client_as.app)
    assert len(routes) >= 30
    missing = [f"{m} {p}" for m, p in routes if f"{m} {p}" not in table]
    assert missing == []
    declared = {k for k in table if " /hubs" in k or " /api/v1/hubs" in k}
    assert declared == {f"{m} {p}" for m, p in routes}


def _fill(path: str, w: dict) -> str:
    values = {"hub": "hub-b", "org_id": w["org_b"], "cohort_id": w["cohort_b"], "consultation_id": w["cons_b"],
              "proposal_id": w["prop_b"], "log_id": w["log_b"], "kpi_id": "applicants", "entity": "outcomes"}
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


NO_OBJECT = {"/hubs", "/hubs/planner", "/api/v1/hubs", "/api/v1/hubs/planner", "/hubs/templates/{entity}.csv"}
BODIES = {
    "/api/v1/hubs/organisations/{org_id}/outcomes": {"observed_on": "2025-05-01", "kind": "휴업", "evidence": "자가 보고"},
    "/api/v1/hubs/{hub}/organisations": {"name": "새 기업"},
    "/api/v1/hubs/{hub}/consultations": {"held_on": "2025-05-01", "topic": "마케팅"},
}


def test_operator_of_a_gets_404_on_every_hub_b_route(client_as):
    w = client_as.world
    c = client_as(Principal(role="operator", user_id=5, hub_id=w["a"]))
    tried = 0
    for method, path in hub_routes(client_as.app):
        if path in NO_OBJECT or (method, path) == ("POST", "/api/v1/hubs"):
            continue
        url = _fill(path, w) + ("?year=2025" if path.endswith(("/kpis", "/planner")) else "")
        if method == "GET":
            r = c.get(url)
        elif path.endswith("/import") or path.endswith("/import/{entity}"):
            r = c.post(url, data={"csrf": client_as.csrf, "entity": "outcomes"},
                       files={"file": ("o.csv", b"a,b\n1,2\n", "text/csv")})
        elif path.startswith("/api/"):
            r = c.post(url, json=BODIES.get(path, {}))
        else:
            r = c.post(url, data={"csrf": client_as.csrf, "topic": "마케팅", "held_on": "2025-05-01"},
                       follow_redirects=False)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:200])
        tried += 1
    assert tried >= 25
    # the routes without an object only show hub A
    assert [h["id"] for h in c.get("/api/v1/hubs").json()] == [w["a"]]
    assert [h["slug"] for h in c.get("/api/v1/hubs/planner?year=2025").json()["hubs"]] == ["hub-a"]
    # and hub A's own objects answer
    assert c.get(f"/api/v1/hubs/organisations/{w['org_a']}/timeline").status_code == 200
    assert c.get(f"/hubs/hub-a/cohorts/{w['cohort_a']}").status_code == 200


def _keys(doc) -> set[str]:
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in _keys(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in _keys(v)}
    return set()


def test_planner_json_has_no_personal_field(client_as):
    w = client_as.world
    with session_scope() as s:
        S.add_outcome(s, ADMIN, w["org_a"], observed_on="2025-06-30", kind="고용", headcount=4, evidence="고용보험")
    c = client_as(Principal(role="planner", user_id=8, region_code="47"))
    docs = [c.get("/api/v1/hubs/planner?year=2025").json(), c.get("/api/v1/hubs/hub-a/kpis?year=2025").json(),
            c.get("/hubs/planner?format=json&year=2025").json(), c.get("/hubs/hub-a?format=json&year=2025").json(),
            c.get("/api/v1/hubs").json(), c.get("/api/v1/hubs/hub-a/cohorts").json()]
    for d in docs:
        assert "error" not in d if isinstance(d, dict) else True
        assert not (_keys(d) & PERSONAL_FIELDS), _keys(d) & PERSONAL_FIELDS
        text = str(d)
        assert "포항테크" not in text and "124-81-00998" not in text and "1248100998" not in text
    assert all(k["rows"] is None for k in docs[1]["kpis"])
    assert docs[0]["by_sigungu"][0]["organisations"] >= 1
    # planners get no record pages: the permission table refuses them (403), the domain would say 404
    assert c.get(f"/api/v1/hubs/organisations/{w['org_a']}/timeline").status_code == 403
    assert c.get("/api/v1/hubs/hub-a/organisations").status_code == 403


def test_anonymous_and_members_are_refused(client_as):
    c = client_as(Principal())
    assert c.get("/hubs/hub-a").status_code == 403
    assert c.get("/api/v1/hubs").status_code == 403
    m = client_as(Principal(role="member", user_id=3))
    assert m.get("/api/v1/hubs/hub-a/kpis?year=2025").status_code == 403


def test_pages_render_for_the_operator(client_as):
    w = client_as.world
    c = client_as(Principal(role="operator", user_id=5, hub_id=w["a"]))
    for url in ("/hubs", "/hubs/hub-a", "/hubs/hub-a/kpis/survival_1y?year=2025", f"/hubs/hub-a/cohorts/{w['cohort_a']}",
                "/hubs/hub-a/organisations", f"/hubs/organisations/{w['org_a']}", "/hubs/hub-a/consultations/new",
                f"/hubs/consultations/{w['cons_a']}", "/hubs/hub-a/merge", "/hubs/planner?year=2025"):
        r = c.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert "<h1>" in r.text
    r = c.get("/hubs/hub-a/export.xlsx?year=2025")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    kpis = c.get("/api/v1/hubs/hub-a/kpis?year=2025").json()
    sel = next(k for k in kpis["kpis"] if k["id"] == "selection_rate")
    assert (sel["numerator"], sel["denominator"], sel["rows"]["numerator"]) == (1, 1, [w["app_a"]])


def test_consultation_form_runs_programs_match_and_stores_it(client_as):
    w = client_as.world
    c = client_as(Principal(role="operator", user_id=5, hub_id=w["a"]))
    r = c.post("/hubs/hub-a/consultations", data={"csrf": client_as.csrf, "topic": "지원사업", "held_on": "2025-05-02",
                                                  "organisation_id": str(w["org_a"]), "notes": "AI 바우처 문의",
                                                  "run_match": "1", "region_code": "47110", "business_status": "기존",
                                                  "employees": "5", "industry": "제조"}, follow_redirects=False)
    assert r.status_code == 303
    cid = int(r.headers["location"].rsplit("/", 1)[1])
    doc = c.get(f"/api/v1/hubs/consultations/{cid}").json()
    assert doc["analysis_kind"] == "programs_match" and doc["analysis_inputs"]["region_code"] == "47110"
    assert doc["analysis_result"]["total_programs"] > 0 and doc["analysis_sources"]
    assert c.get(f"/hubs/consultations/{cid}").status_code == 200
    # a form without the CSRF token is refused
    bad = c.post("/hubs/hub-a/consultations", data={"topic": "지원사업", "held_on": "2025-05-02"})
    assert bad.status_code == 403
