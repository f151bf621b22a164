"""The web shell: home page, one error shape, offline assets."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moduai.web.app import create_app


@pytest.fixture
def client():
    return TestClient(create_app())


def test_home_lists_modules_in_korean(client):
    r = client.get("/")
    assert r.status_code == 200
    for label in ("상권 분석", "지역균형", "지원사업", "마케팅"):
        assert label in r.text
    ctx = client.get("/?format=json").json()
    assert [m["href"] for m in ctx["modules"]][:4] == ["/commerce", "/balance", "/programs", "/marketing"]


def test_unknown_api_path_gets_the_one_error_shape(client):
    r = client.get("/api/v1/does-not-exist")
    assert r.status_code == 404
    body = r.json()
    assert body["error"]["type"] == "not_found"
    assert "찾을 수 없습니다" in body["error"]["message"]


def test_unknown_page_is_a_korean_html_page(client):
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]
    assert "찾을 수 없습니다" in r.text


def test_plotly_is_served_from_the_installed_wheel(client):
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200
    assert len(r.content) > 1_000_000


def test_pages_reference_no_external_hosts(client):
    html = client.get("/").text
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html


def test_one_error_shape_for_domain_and_validation_errors(client):
    r = client.get("/api/v1/regions/at", params={"lat": 10, "lon": 10})
    assert r.status_code == 422
    assert set(r.json()["error"]) >= {"type", "message", "field"}
    assert r.json()["error"]["type"] == "input_error" and "대한민국 밖" in r.json()["error"]["message"]
    r = client.get("/api/v1/regions/at", params={"lat": "abc", "lon": 129})
    assert r.status_code == 422
    assert r.json()["error"]["type"] == "input_error" and r.json()["error"]["field"] == "lat"
    r = client.get("/api/v1/regions/resolve", params={"q": "고성"})
    assert r.status_code == 409 and len(r.json()["error"]["candidates"]) == 2


def test_openapi_documents_the_api(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/regions/at" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_api_docs_page_is_rendered_offline_from_the_spec(client):
    html = client.get("/api/docs").text
    assert "/api/v1/regions/at" in html and "cdn" not in html.lower()


def test_warmup_steps_call_real_entry_points(monkeypatch):
    """Every warm-up step runs without error (a renamed API would show up here, not as a slow page)."""
    from moduai.web import warmup

    report = warmup.run_warmup()
    assert set(report) == {"assets", "regions", "census", "balance", "commerce", "search", "sites", "fieldai"}
    assert all(isinstance(v, float) for v in report.values()), report
    from moduai.fieldai.analysis import example_analysis

    hits = example_analysis.cache_info().hits
    example_analysis(days=30, seed=0)  # the example /fieldai links to: already computed by the warm-up
    assert example_analysis.cache_info().hits == hits + 1
    from moduai.config import get_settings

    monkeypatch.setenv("MODUAI_WARMUP", "0")
    get_settings.cache_clear()
    assert warmup.start_warmup() is None


def test_warmup_waits_for_the_first_answer_and_gives_way_to_requests_in_flight(monkeypatch):
    """The warm-up thread does nothing until a request has been answered, then runs a step only when no
    request is in flight (the ready probe of `moduai serve` is not a visitor)."""
    import threading

    from fastapi.testclient import TestClient

    from moduai.web import warmup
    from moduai.web.app import create_app

    ran: list[str] = []
    monkeypatch.setattr(warmup, "TRAFFIC", warmup._Traffic())
    monkeypatch.setattr(warmup, "STEPS", [("a", lambda: ran.append("a")), ("b", lambda: ran.append("b"))])
    monkeypatch.setattr(warmup, "FIRST_REQUEST_WAIT", 30.0)
    monkeypatch.setattr(warmup, "STEP_WAIT", 30.0)
    monkeypatch.setenv("MODUAI_WARMUP", "0")  # the app's own lifespan warm-up stays off; this test drives one
    from moduai.config import get_settings

    get_settings.cache_clear()
    thread = threading.Thread(target=warmup.run_warmup, kwargs={"give_way": True}, daemon=True)
    thread.start()
    with TestClient(create_app()) as client:
        client.head(warmup.READY_PROBE)
        thread.join(0.3)
        assert ran == [] and thread.is_alive()  # the probe does not count as a first answer
        warmup.TRAFFIC.begin()  # a request in flight (a slow page) when the first one is answered
        assert client.get("/").status_code == 200
        thread.join(0.3)
        assert ran == [] and thread.is_alive()  # answered, but the slow page is still running
        warmup.TRAFFIC.end()
        thread.join(10)
    assert ran == ["a", "b"] and not thread.is_alive()
    import gc

    gc.unfreeze()  # the server's warm-up froze the test process's objects: give them back to the collector


def test_server_warmup_ends_by_freezing_what_it_loaded(monkeypatch):
    """After the server's warm-up, the objects it loaded are out of the collector's sight (gc.freeze): a
    full collection during a request then walks only what came later."""
    import gc

    from moduai.web import warmup

    traffic = warmup._Traffic()
    traffic.begin()
    traffic.end()  # a first answer was given; nothing in flight
    monkeypatch.setattr(warmup, "TRAFFIC", traffic)
    monkeypatch.setattr(warmup, "STEPS", [])
    kept = [[i] for i in range(1000)]  # objects alive before the freeze
    gc.unfreeze()
    try:
        report = warmup.run_warmup(give_way=True)
        assert "gc_freeze" in report and isinstance(report["gc_freeze"], float)
        assert gc.get_freeze_count() >= len(kept)
        assert set(report) == {"write-gate", "gc_freeze"}  # the server's own steps when STEPS is empty
        assert warmup.run_warmup(give_way=False) == {}  # tests' and the CLI's warm-up: no freeze step
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0



def test_a_page_names_a_parameter_in_korean_alone_and_the_json_keeps_its_code_name(client):
    from moduai.web.errors import page_message

    # the domain's one message for a bad 'days' (moduai.params), as the API and the command line show it
    api = client.get("/api/v1/fieldai/example?days=5")
    assert api.status_code == 422
    page = client.get("/fieldai/example?days=5")
    assert page.status_code == 422
    text = page.text
    assert "일수는 10 일 이상 365 일 이하여야 합니다. 받은 값: 5 일." in text
    assert "days" not in text.split("<main", 1)[-1]  # no code name in the page's content
    # the domain message itself (what the JSON of a domain call and the CLI carry) keeps the code name
    from moduai.errors import InputError
    from moduai.fieldai.generator import generate_greenhouse

    with pytest.raises(InputError) as err:
        generate_greenhouse(days=5)
    assert err.value.message.startswith("'days'(일수)는 ")
    assert page_message(err.value.message).startswith("일수는 10 일 이상")
    # the particle was chosen for the Korean name: it stays right after the code name goes
    assert page_message("'radius'(반경)은 0 m보다 커야 합니다.") == "반경은 0 m보다 커야 합니다."
    assert page_message("'shop'(가게 이름)은 비어 있으면 안 됩니다.") == "가게 이름은 비어 있으면 안 됩니다."
    # text that is not a parameter next to its Korean name is left alone
    assert page_message("'회기동'(서울 동대문구)을 찾았습니다.") == "'회기동'(서울 동대문구)을 찾았습니다."
    assert page_message("'a'(b) 그대로") == "'a'(b) 그대로"
