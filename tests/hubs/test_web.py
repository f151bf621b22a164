"""Routes: every hubs route as hub A's operator on hub B's objects → 404; planners' JSON has no personal
field; pages render; the permission table covers every hubs route."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from moduai.accounts.policy import permission_table
from moduai.db import session_scope
from moduai.hubs import service as S
from moduai.hubs.schemas import PERSONAL_FIELDS
from tests.helpers_auth import login_as
from tests.helpers_web import csrf_token, post
from tests.hubs.conftest import ADMIN
from tests.hubs.test_tenancy_domain import world  # noqa: F401 - fixture


@pytest.fixture
def web(world):  # noqa: F811
    """``web(role, email, **scope)``: a TestClient signed in through the real login form as a new user of
    ``role`` (operators and mentors get ``hub_id=…``, planners ``region_code=…``); ``"anonymous"`` signs in
    nobody. Every request passes the access middleware (permission table), CSRF and the domain's tenancy."""
    from moduai.web.app import create_app

    app = create_app()

    def sign_in(role: str, email: str | None = None, **scope) -> TestClient:
        client = TestClient(app)
        if role != "anonymous":
            login_as(client, role, email, **scope)  # the client now sends X-CSRF-Token on every request
        return client

    sign_in.app, sign_in.world = app, world
    return sign_in


def hub_routes(app):
    """Every route of the hubs page and API routers (included without a prefix), checked to be mounted."""
    from moduai.web.access import route_table
    from moduai.web.routes import hubs, hubs_api

    routes = [(m, r.path) for router in (hubs.router, hubs_api.router) for r in router.routes
              for m in sorted(r.methods - {"HEAD"})]
    # the app's own table (included and lazily loaded routers flattened the way FastAPI resolves them)
    mounted = {(m, template) for _, methods, template in route_table(app) for m in (methods or ())}
    assert [r for r in routes if r not in mounted] == []
    return routes


def test_permission_table_lists_every_hubs_route(web):
    table = permission_table()
    routes = hub_routes(web.app)
    assert len(routes) >= 30
    missing = [f"{m} {p}" for m, p in routes if f"{m} {p}" not in table]
    assert missing == []
    declared = {k for k in table if " /hubs" in k or " /api/v1/hubs" in k}
    assert declared == {f"{m} {p}" for m, p in routes}


def _fill(path: str, w: dict, hub: str = "hub-b") -> str:
    values = {"hub": hub, "org_id": w["org_b"], "cohort_id": w["cohort_b"], "consultation_id": w["cons_b"],
              "proposal_id": w["prop_b"], "log_id": w["log_b"], "kpi_id": "applicants", "entity": "outcomes"}
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


NO_OBJECT = {"/hubs", "/hubs/planner", "/api/v1/hubs", "/api/v1/hubs/planner", "/hubs/templates/{entity}.csv"}
BODIES = {
    "/api/v1/hubs/organisations/{org_id}/outcomes": {"observed_on": "2025-05-01", "kind": "휴업", "evidence": "자가 보고"},
    "/api/v1/hubs/{hub}/organisations": {"name": "새 기업"},
    "/api/v1/hubs/{hub}/consultations": {"held_on": "2025-05-01", "topic": "마케팅"},
}


def _request(c, method: str, path: str, url: str):
    if method == "GET":
        return c.get(url)
    if path.endswith("/import") or path.endswith("/import/{entity}"):
        return c.post(url, data={"entity": "outcomes"}, files={"file": ("o.csv", b"a,b\n1,2\n", "text/csv")})
    if path.startswith("/api/"):
        return c.post(url, json=BODIES.get(path, {}))
    return c.post(url, data={"topic": "마케팅", "held_on": "2025-05-01"}, follow_redirects=False)


def test_operator_of_a_gets_404_on_every_hub_b_route(web):
    w = web.world
    c = web("operator", "op-a@example.kr", hub_id=w["a"])
    own = web("operator", "op-b@example.kr", hub_id=w["b"])
    tried = 0
    for method, path in hub_routes(web.app):
        if path in NO_OBJECT or (method, path) == ("POST", "/api/v1/hubs"):
            continue
        url = _fill(path, w) + ("?year=2025" if path.endswith(("/kpis", "/planner")) else "")
        r = _request(c, method, path, url)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:200])
        if method == "GET":  # the object is there: hub B's own operator reads it
            assert own.get(url).status_code == 200, (path, own.get(url).text[:200])
        tried += 1
    assert tried >= 25
    # the routes without an object only show the caller's hub
    assert [h["id"] for h in c.get("/api/v1/hubs").json()] == [w["a"]]
    assert [h["id"] for h in own.get("/api/v1/hubs").json()] == [w["b"]]
    assert [h["slug"] for h in c.get("/api/v1/hubs/planner?year=2025").json()["hubs"]] == ["hub-a"]
    # and hub A's own objects answer hub A's operator, not hub B's
    assert c.get(f"/api/v1/hubs/organisations/{w['org_a']}/timeline").status_code == 200
    assert c.get(f"/hubs/hub-a/cohorts/{w['cohort_a']}").status_code == 200
    assert own.get(f"/api/v1/hubs/organisations/{w['org_a']}/timeline").status_code == 404
    assert own.get(f"/hubs/hub-a/cohorts/{w['cohort_a']}").status_code == 404


def _keys(doc) -> set[str]:
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in _keys(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in _keys(v)}
    return set()


def test_planner_json_has_no_personal_field(web):
    w = web.world
    with session_scope() as s:
        S.add_outcome(s, ADMIN, w["org_a"], observed_on="2025-06-30", kind="고용", headcount=4, evidence="고용보험")
    c = web("planner", "planner-47@example.kr", region_code="47")
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
    # every GET the permission table opens to planners, on hub A (pages as their JSON document, the XLSX as text)
    with session_scope() as s:
        person = S.list_people(s, ADMIN, w["a"])[0]
    secrets = ("포항테크", "124-81-00998", "홍길동", person.name_masked, person.phone_masked)
    table, walked = permission_table(), []
    for method, path in hub_routes(web.app):
        if method != "GET" or "planner" not in table[f"{method} {path}"]:
            continue
        url = _fill(path, w, hub="hub-a") + "?year=2025"
        if path.endswith(".xlsx"):
            text = _xlsx_text(c.get(url).content)
            assert not [x for x in (*secrets, "기관명") if x in text], url
        else:
            r = c.get(url + ("" if path.startswith("/api/") else "&format=json"))
            assert r.status_code == 200, (url, r.text[:200])
            assert not (_keys(r.json()) & PERSONAL_FIELDS), (url, _keys(r.json()) & PERSONAL_FIELDS)
            assert not [x for x in secrets if x in r.text], url
        walked.append(path)
    assert len(walked) >= 9, walked
    kpi_doc = c.get("/hubs/hub-a/kpis/selection_rate?year=2025&format=json").json()
    assert kpi_doc["rows"] == [] and kpi_doc["kpi"]["numerator"] == 1  # the count, without the rows behind it
    # a 경북 planner sees the 경북 hub only; 전주 (전북) is outside the region → 404
    assert [h["slug"] for h in docs[4]] == ["hub-a"]
    assert c.get("/api/v1/hubs/hub-b/kpis?year=2025").status_code == 404
    # planners get no record pages: the permission table refuses them (403), the domain would say 404
    assert c.get(f"/api/v1/hubs/organisations/{w['org_a']}/timeline").status_code == 403
    assert c.get("/api/v1/hubs/hub-a/organisations").status_code == 403
    assert c.post("/api/v1/hubs/hub-a/consultations", json=BODIES["/api/v1/hubs/{hub}/consultations"]).status_code == 403


def _xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                    if v is not None)


def test_anonymous_members_and_wrong_roles_are_refused(web):
    """Order of checks: permission table (401 anonymous, 403 wrong role) before CSRF and the route."""
    w = web.world
    anon = web("anonymous")
    for url in ("/hubs", "/hubs/hub-a", "/api/v1/hubs", f"/api/v1/hubs/organisations/{w['org_a']}/timeline"):
        r = anon.get(url)
        assert r.status_code == 401, (url, r.status_code)
    assert "로그인" in anon.get("/hubs/hub-a").text
    assert anon.get("/api/v1/hubs").json()["error"]["type"] == "not_signed_in"
    # an anonymous POST without a CSRF token meets the permission table first: 401, not the CSRF 403
    assert anon.post("/hubs/hub-a/consultations", data={"topic": "마케팅"}).status_code == 401
    m = web("member", "member@example.kr")
    assert m.get("/api/v1/hubs/hub-a/kpis?year=2025").status_code == 403
    assert m.get("/hubs").status_code == 403
    assert m.post("/api/v1/hubs/hub-a/organisations", json={"name": "새 기업"}).status_code == 403
    # a mentor of hub A reads hub A's records, may record consultations, but not merge, import or add outcomes
    mentor = web("mentor", "mentor-a@example.kr", hub_id=w["a"])
    assert mentor.get(f"/hubs/hub-a/cohorts/{w['cohort_a']}").status_code == 200
    assert mentor.get(f"/hubs/hub-b/cohorts/{w['cohort_b']}").status_code == 404
    assert mentor.get("/hubs/hub-a/merge").status_code == 403
    assert mentor.post(f"/api/v1/hubs/organisations/{w['org_a']}/outcomes",
                       json=BODIES["/api/v1/hubs/organisations/{org_id}/outcomes"]).status_code == 403
    r = mentor.post("/api/v1/hubs/hub-a/consultations", json=BODIES["/api/v1/hubs/{hub}/consultations"])
    assert r.status_code == 200 and r.json()["hub_id"] == w["a"]
    # only admins create hubs
    op = web("operator", "op-a@example.kr", hub_id=w["a"])
    assert op.post("/api/v1/hubs", json={"name": "새 거점", "region": "11110"}).status_code == 403


def test_pages_render_for_the_operator(web):
    w = web.world
    c = web("operator", "op-a@example.kr", hub_id=w["a"])
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


def test_consultation_form_runs_programs_match_and_stores_it(web):
    w = web.world
    c = web("operator", "op-a@example.kr", hub_id=w["a"])
    c.headers.pop("X-CSRF-Token")  # post like a browser: the token from the form's hidden field
    form = "/hubs/hub-a/consultations/new"
    r = post(c, "/hubs/hub-a/consultations", page=form,
             data={"topic": "지원사업", "held_on": "2025-05-02", "organisation_id": str(w["org_a"]),
                   "notes": "AI 바우처 문의", "run_match": "1", "region_code": "47110", "business_status": "기존",
                   "employees": "5", "industry": "제조"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    cid = int(r.headers["location"].rsplit("/", 1)[1])
    doc = c.get(f"/api/v1/hubs/consultations/{cid}").json()
    assert doc["analysis_kind"] == "programs_match" and doc["analysis_inputs"]["region_code"] == "47110"
    assert doc["analysis_result"]["total_programs"] > 0 and doc["analysis_sources"]
    page = c.get(f"/hubs/consultations/{cid}")
    assert page.status_code == 200
    # the saved analysis is shown with each program's verdict and reason, in Korean
    res = doc["analysis_result"]
    first_label, first = next((label, items[0]) for label, items in
                              (("신청 가능", res["eligible"]), ("확인 필요", res["unknown"]),
                               ("조건 하나가 안 맞음", res["near_misses"])) if items)
    row = re.search(rf'<a href="/programs/p/{first["slug"]}">[^<]+</a></td>\s*<td>([^<]+)</td>', page.text)
    assert row and row.group(1) == first_label, page.text[-2000:]
    assert "지역 코드 47110" in page.text and "region_code=" not in page.text
    # a form without the CSRF token, or with another session's token, is refused and stores nothing
    bad = c.post("/hubs/hub-a/consultations", data={"topic": "지원사업", "held_on": "2025-05-02"})
    assert bad.status_code == 403
    other = web("operator", "op-a2@example.kr", hub_id=w["a"])
    stolen = csrf_token(other, form)
    bad = c.post("/hubs/hub-a/consultations", data={"topic": "지원사업", "held_on": "2025-05-02", "csrf_token": stolen})
    assert bad.status_code == 403
    with session_scope() as s:
        assert [x.id for x in S.list_consultations(s, ADMIN, w["a"]) if x.held_on.isoformat() == "2025-05-02"] == [cid]


def test_merge_and_undo_forms_work_for_hub_b_operator(web):
    """The merge page's forms carry the CSRF field; hub B's operator merges and undoes its own proposal."""
    w = web.world
    c = web("operator", "op-b@example.kr", hub_id=w["b"])
    c.headers.pop("X-CSRF-Token")
    with session_scope() as s:
        S.undo_merge(s, ADMIN, w["log_b"])  # the fixture merged it: open the proposal again
    page = c.get("/hubs/hub-b/merge")
    assert page.status_code == 200 and f'action="/hubs/hub-b/merge/{w["prop_b"]}"' in page.text
    r = post(c, f"/hubs/hub-b/merge/{w['prop_b']}", page="/hubs/hub-b/merge", data={}, follow_redirects=False)
    assert (r.status_code, r.headers.get("location")) == (303, "/hubs/hub-b/merge"), r.text[:300]
    with session_scope() as s:
        log = S.merge_log(s, ADMIN, w["b"])
    assert [x["undone_at"] is None for x in log] == [False, True]  # the fixture's merge (undone), this one
    new = log[1]["id"]
    page = c.get("/hubs/hub-b/merge")
    assert f'action="/hubs/hub-b/merges/{new}/undo"' in page.text
    r = post(c, f"/hubs/hub-b/merges/{new}/undo", page="/hubs/hub-b/merge", data={}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    with session_scope() as s:
        assert [x["undone_at"] is None for x in S.merge_log(s, ADMIN, w["b"])] == [False, False]


def test_a_kpi_card_shows_the_fraction_its_rounded_rate_is():
    """'분자 / 분모' stands under a value the domain marks as that division, also when the stored rate is rounded
    (35/59 = 0.593220… kept as 0.59322; the card compared floats before and showed '기관 59곳 기준'); a survival rate
    that is not at_risk/n, or a sum, names the 기관 it counts; a plain count has no line."""
    from types import SimpleNamespace as K

    from moduai.web.routes.hubs import _kpi_parts

    rate = K(unit="비율", value=round(35 / 59, 6), numerator=35, denominator=59, fraction=True)
    assert _kpi_parts(rate) == "분자 35 / 분모 59"
    assert _kpi_parts(K(unit="비율", value=0.4375, numerator=35, denominator=80, fraction=True)) == "분자 35 / 분모 80"
    assert _kpi_parts(K(unit="비율", value=0.851, numerator=104, denominator=144, fraction=False)) == "기관 144곳 기준"
    assert _kpi_parts(K(unit="억원", value=29.8, numerator=29.8, denominator=10, fraction=False)) == "기관 10곳 기준"
    assert _kpi_parts(K(unit="곳", value=68, numerator=68, denominator=None, fraction=False)) == ""
