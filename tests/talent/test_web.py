"""Talent pages and API through the app: same documents as the domain, permissions, personal-data uploads."""

import pytest
from fastapi.testclient import TestClient

from moduai.accounts.policy import permission_table
from moduai.results import to_jsonable
from moduai.talent.outcomes import outcomes_report
from moduai.talent.synthetic import synthetic_tables
from moduai.web import app as webapp
from tests.helpers_auth import login_as
from tests.helpers_web import with_csrf


# per test: every test has its own MODUAI_HOME and so its own secret key, which signs the CSRF cookie;
# a module-wide client would carry a token the next test's key no longer accepts
@pytest.fixture
def client():
    return with_csrf(TestClient(webapp.create_app()))


def test_every_talent_route_is_in_the_permission_table(client):
    table = permission_table()
    for route in client.app.routes:
        path = getattr(route, "path", "")
        if "talent" in path:
            for method in route.methods - {"HEAD"}:
                assert f"{method} {path}" in table, f"{method} {path} missing from talent.yaml"
    assert table["POST /api/v1/talent/match"] == ("operator", "admin")
    assert "planner" not in table["POST /api/v1/talent/retention"]


def test_api_outcomes_equals_the_domain_and_the_page_context(client):
    doc = client.get("/api/v1/talent/outcomes", params={"by": "megaregion"}).json()
    assert doc == to_jsonable(outcomes_report("megaregion"))
    page = client.get("/talent", params={"by": "megaregion", "format": "json"}).json()
    assert page["report"]["funnel"] == doc["funnel"]
    html = client.get("/talent").text
    assert "청년 1만 명당" in html and "<svg" in html and "/vendor/plotly.min.js" in html
    assert "https://" not in html.split("<main", 1)[1].split("</main>")[0].replace("https://hrd", "")


def test_demo_matching_is_public_and_labelled_synthetic(client):
    r = client.post("/api/v1/talent/match/demo", json={"caps": {"수도권": 0.6}, "floors": {"호남권": 3}, "explain": "T00002"})
    assert r.status_code == 200
    doc = r.json()
    assert doc["synthetic"] and doc["label"].startswith("합성") and doc["explanation"]["trainee_id"] == "T00002"
    honam = next(g for g in doc["result"]["regions"] if g["region"] == "honam")
    assert honam["filled"] >= 3
    html = client.get("/talent/match", params={"demo": 1, "cap": "수도권=0.6", "explain": "T00002"}).text
    assert "합성 자료" in html and "T00002" in html and "지망" in html


def test_uploads_need_an_operator_and_are_matched(client):
    t, s = synthetic_tables(80, 20, seed=1)
    files = {"trainees": ("t.csv", t.to_csv(index=False).encode()), "slots": ("s.csv", s.to_csv(index=False).encode())}
    assert client.post("/api/v1/talent/match", files=files).status_code == 401  # anonymous: sign in first
    login_as(client, "planner")
    assert client.post("/api/v1/talent/match", files=files).status_code == 403  # planners never get personal files
    login_as(client, "mentor")
    assert client.post("/api/v1/talent/match", files=files).status_code == 403
    login_as(client, "operator")
    r = client.post("/api/v1/talent/match", files=files, data={"cap": "수도권=0.7", "explain": "T00001"})
    assert r.status_code == 200, r.text
    assert r.json()["result"]["trainees"] == 80
    page = client.post("/talent/match", files=files, data={"cap": "", "floor": "", "seed": "0"})
    assert page.status_code == 200 and "배정률" in page.text
    bad = client.post("/api/v1/talent/match", files={"trainees": ("t.csv", b"x,y\n1,2\n"), "slots": files["slots"]})
    assert bad.status_code == 422 and "훈련생ID" in bad.json()["error"]["message"]


def test_bad_parameters_are_korean_errors(client):
    r = client.get("/api/v1/talent/outcomes", params={"by": "nope"})
    assert r.status_code == 422 and "묶음" in r.json()["error"]["message"]
    page = client.get("/talent/match", params={"demo": 1, "cap": "수도권:0.3"})
    assert page.status_code == 200 and "권역=값" in page.text
