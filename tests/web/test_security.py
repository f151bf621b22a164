"""Web hardening (moduai.web.security): CSRF, Origin, hosts, headers, body limits, strict input, error ids.

Each test is a case that failed on the code before this module existed (see issue 10 and 14).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import tracemalloc

import pytest
from fastapi.testclient import TestClient

from moduai.web.app import create_app
from moduai.web.security import MAX_JSON_DEPTH, MAX_UPLOAD_BYTES
from tests.helpers_auth import login_as
from tests.helpers_web import csrf_headers, csrf_token, with_csrf

PAGES = ["/", "/regions", "/regions/47", "/megaregions", "/commerce", "/commerce/data", "/balance",
         "/balance/index", "/balance/megaregions", "/programs", "/programs/search?q=카페", "/programs/list",
         "/programs/calendar", "/marketing", "/marketing/copy", "/marketing/calendar", "/marketing/reviews",
         "/marketing/customers", "/data", "/api/docs", "/accounts/login", "/nowhere"]


@pytest.fixture
def client():
    return TestClient(create_app())


@pytest.fixture
def db_client(db_url):
    """A shop owner signed in (routes with personal data answer 401 to anonymous before any other check)."""
    client = TestClient(create_app())
    login_as(client, "member")
    return client


# --- CSRF -----------------------------------------------------------------------------------------

def test_post_without_a_token_is_refused_for_forms_and_json(client):
    r = client.post("/api/v1/programs/rules/validate", json={"rules_yaml": "version: 1"})
    assert r.status_code == 403 and r.json()["error"]["type"] == "forbidden"
    assert "X-CSRF-Token" in r.json()["error"]["message"]
    r = client.post("/accounts/login", data={"email": "a@b.kr", "password": "x" * 12})
    assert r.status_code == 403 and "보안 토큰" in r.text and "text/html" in r.headers["content-type"]


def test_login_form_carries_a_token_that_the_server_accepts(client):
    page = client.get("/accounts/login").text
    token = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', page).group(1)
    r = client.post("/accounts/login", data={"email": "a@b.kr", "password": "x" * 12, "csrf_token": token})
    assert r.status_code == 403 and "맞지 않습니다" in r.text  # past CSRF: the credentials are what is wrong


def test_token_is_bound_to_the_cookie_and_to_the_session(client):
    token = csrf_token(client)
    ok = client.post("/api/v1/programs/rules/validate", json={"rules_yaml": "x: ["}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 422  # past CSRF (the YAML is broken)
    other = TestClient(create_app())  # another browser: its own cookie
    assert other.post("/api/v1/programs/rules/validate", json={"rules_yaml": "x"},
                      headers={"X-CSRF-Token": token}).status_code == 403
    forged = token.split(".")[0] + "." + "0" * 40
    assert client.post("/api/v1/programs/rules/validate", json={"rules_yaml": "x"},
                       headers={"X-CSRF-Token": forged}).status_code == 403
    # once a session cookie exists, a token minted before it no longer matches
    client.cookies.set("moduai_session", "some-session")
    assert client.post("/api/v1/programs/rules/validate", json={"rules_yaml": "x"},
                       headers={"X-CSRF-Token": token}).status_code == 403
    assert client.post("/api/v1/programs/rules/validate", json={"rules_yaml": "x: ["},
                       headers=csrf_headers(client)).status_code == 422


def test_a_forged_csrf_cookie_is_replaced(client):
    client.cookies.set("moduai_csrf", "attacker-chosen.0000")
    r = client.get("/api/v1/csrf")
    assert "moduai_csrf=" in r.headers["set-cookie"] and "attacker-chosen" not in r.headers["set-cookie"]


def test_every_post_form_has_the_csrf_field():
    from moduai.web.templating import TEMPLATES_DIR

    forms = 0
    for path in TEMPLATES_DIR.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r'<form[^>]*method="post"[^>]*>', text, flags=re.I):
            forms += 1
            assert "{{ csrf_field() }}" in text[m.end():m.end() + 80], f"{path.name}: POST form without csrf_field()"
        assert 'name="csrf"' not in text
    assert forms >= 8


# --- Origin and Host ------------------------------------------------------------------------------

def test_forged_origin_or_referer_post_is_refused(client, monkeypatch):
    h = csrf_headers(client)
    body = {"rules_yaml": "x: ["}
    url = "/api/v1/programs/rules/validate"
    for bad in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "https://evil.example/x"},
                {"Origin": "http://testserver.evil.example"}):
        r = client.post(url, json=body, headers={**h, **bad})
        assert r.status_code == 403 and "다른 사이트" in r.json()["error"]["message"], bad
    assert client.post(url, json=body, headers={**h, "Origin": "http://testserver"}).status_code == 422
    assert client.post(url, json=body, headers={**h, "Referer": "http://testserver/programs"}).status_code == 422
    # behind a TLS proxy the app sees http, the browser says https: same host, accepted
    assert client.post(url, json=body, headers={**h, "Origin": "https://testserver"}).status_code == 422
    assert client.post(url, json=body, headers={**h, "Origin": "http://testserver:8080"}).status_code == 403
    monkeypatch.setenv("MODUAI_ALLOWED_ORIGINS", "https://portal.example.kr")
    from moduai.config import get_settings

    get_settings.cache_clear()
    assert client.post(url, json=body, headers={**h, "Origin": "https://portal.example.kr"}).status_code == 422


def test_unknown_host_gets_a_korean_400_page(client, monkeypatch):
    r = client.get("/", headers={"Host": "attacker.example"})
    assert r.status_code == 400 and "text/html" in r.headers["content-type"]
    assert "MODUAI_ALLOWED_HOSTS" in r.text and "attacker.example" in r.text
    assert client.get("/api/v1/csrf", headers={"Host": "attacker.example"}).json()["error"]["field"] == "Host"
    for ok in ("localhost:8000", "127.0.0.1", "[::1]:8000", "testserver"):
        assert client.get("/api/v1/datasets", headers={"Host": ok}).status_code == 200, ok
    monkeypatch.setenv("MODUAI_ALLOWED_HOSTS", "moduai.example.kr, *.hub.example.kr")
    from moduai.config import get_settings

    get_settings.cache_clear()
    for ok in ("moduai.example.kr", "pohang.hub.example.kr:443"):
        assert client.get("/api/v1/datasets", headers={"Host": ok}).status_code == 200, ok
    assert client.get("/api/v1/datasets", headers={"Host": "hub.example.kr.evil.example"}).status_code == 400


# --- headers and CSP ------------------------------------------------------------------------------

def test_security_headers_on_every_response(client):
    for url in ("/", "/static/moduai.css", "/vendor/plotly.min.js", "/api/v1/datasets", "/nowhere",
                "/api/v1/regions/at?lat=x&lon=1"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp, url
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("page", PAGES)
def test_no_inline_script_or_handler_in_rendered_pages(client, page):
    html = client.get(page).text
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        assert "src=" in tag or 'type="application/json"' in tag, f"{page}: inline script {tag}"
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), f"{page}: inline event handler"
    assert "javascript:" not in html


def test_cookies_are_secure_over_https_and_proxy_headers_need_trust(monkeypatch):
    from moduai.config import get_settings

    https = TestClient(create_app(), base_url="https://testserver")
    assert "; Secure" in https.get("/").headers["set-cookie"]
    plain = TestClient(create_app())
    assert "Secure" not in plain.get("/").headers["set-cookie"]
    plain.cookies.clear()
    assert "Secure" not in plain.get("/", headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]
    monkeypatch.setenv("MODUAI_TRUST_PROXY", "1")
    get_settings.cache_clear()
    proxied = TestClient(create_app())
    assert "; Secure" in proxied.get("/", headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]


# --- body size while streaming --------------------------------------------------------------------

def _drive(app, headers: list[tuple[bytes, bytes]], chunks, path: str = "/api/v1/marketing/reviews"):
    """Run the ASGI app on a POST whose body comes from ``chunks``; return (status, bytes the app pulled)."""
    pulled = 0
    it = iter(chunks)
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        try:
            chunk = next(it)
        except StopIteration:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    # its own thread: a browser test earlier in the same process may leave an event loop running in this one
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], pulled, body


def _signed_in_headers(app) -> list[tuple[bytes, bytes]]:
    """Cookie and CSRF headers of a signed-in shop owner, so a raw ASGI post gets past the permission table
    (an anonymous upload is refused with 401 before any byte is read, which would hide the size check)."""
    client = TestClient(app)
    login_as(client, "member")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return [(b"cookie", cookie.encode()), (b"x-csrf-token", client.headers["X-CSRF-Token"].encode())]


def test_a_200_mb_upload_is_refused_before_it_is_read():
    app = create_app()
    signed_in = _signed_in_headers(app)
    chunk = b"x" * (1024 * 1024)
    ctype = (b"content-type", b"multipart/form-data; boundary=zzz")
    # 1) announced size: refused from the headers, not one byte read
    status, pulled, body = _drive(app, [ctype, *signed_in, (b"content-length", str(200 * 1024 * 1024).encode())],
                                  (chunk for _ in range(200)))
    assert status == 413 and pulled == 0 and "너무 큽니다" in json.loads(body)["error"]["message"]
    # 2) chunked (no length): refused once the running count passes the limit — not after 200 MB
    tracemalloc.start()
    t0 = time.perf_counter()
    head = (b'--zzz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n")
    status, pulled, body = _drive(app, [ctype, *signed_in], (head if i == 0 else chunk for i in range(201)))
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert status == 413 and json.loads(body)["error"]["type"] == "too_large"
    assert MAX_UPLOAD_BYTES < pulled <= MAX_UPLOAD_BYTES + len(chunk) + len(head)
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert elapsed < 10, elapsed


def test_a_large_json_body_is_refused_while_streaming():
    status, pulled, _ = _drive(create_app(), [(b"content-type", b"application/json")],
                               (b" " * (1024 * 1024) for _ in range(200)), path="/api/v1/balance/scenarios")
    assert status == 413 and pulled <= 3 * 1024 * 1024


def test_deeply_nested_json_is_refused_without_parsing(client):
    h = csrf_headers(client)
    deep = "[" * 100_000 + "]" * 100_000
    r = client.post("/api/v1/programs/match", content=deep, headers={**h, "content-type": "application/json"})
    assert r.status_code == 422 and f"{MAX_JSON_DEPTH}단계" in r.json()["error"]["message"]
    fine = {"age": 30, "flags": {}}
    assert client.post("/api/v1/programs/match", json=fine, headers=h).status_code == 200


# --- strict input -------------------------------------------------------------------------------

def test_nul_bytes_and_control_characters_are_422_naming_the_field(db_client):
    client = with_csrf(db_client)
    cases = [
        client.get("/api/v1/marketing/reviews", params={"shop": "모두\x00카페"}),
        client.get("/api/v1/programs/search", params={"q": "카페\x00"}),
        client.get("/programs/p/sample%00x"),
        client.post("/api/v1/balance/scenarios", json={"name": "청년\x00", "weights": {"tfr": 1}}),
        client.post("/api/v1/programs/match", json={"region": "강릉\x07"}),
        client.post("/api/v1/marketing/reviews", files={"file": ("r.csv", b"a,b\n", "text/csv")},
                    data={"shop": "가게\x00"}),
    ]
    fields = ["shop", "q", "path", "name", "region", "shop"]
    for r, field in zip(cases, fields, strict=True):
        assert r.status_code == 422, (field, r.status_code, r.text[:200])
        err = r.json()["error"] if r.headers["content-type"].startswith("application/json") else None
        if err:
            assert err["field"] == field and "제어 문자" in err["message"]
    # newlines and tabs in text are fine (rule YAML, descriptions)
    ok = client.post("/api/v1/programs/rules/validate",
                     json={"rules_yaml": "version: 1\neffective_from: 2026-01-01\ncriteria:\n\t- x"})
    assert ok.status_code == 422 and "제어 문자" not in ok.json()["error"]["message"]


@pytest.mark.parametrize("url", ["/api/v1/marketing/reviews/9223372036854775808",
                                 "/api/v1/marketing/customers/99999999999999999999999",
                                 "/marketing/reviews/0", "/marketing/customers/9223372036854775808/segments.csv"])
def test_ids_out_of_range_are_404_on_both_databases(db_client, url):
    r = db_client.get(url)
    assert r.status_code == 404, r.text[:200]


@pytest.mark.parametrize("today", ["null", "2026-13-01", "20261201", "2026-02-30", "1700000000"])
def test_match_dates_are_parsed_strictly(client, today):
    h = csrf_headers(client)
    r = client.post("/api/v1/programs/match", params={"today": today}, json={"age": 30}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["field"] == "today"
    assert "2026-03-01 같은 연-월-일 형식" in r.json()["error"]["message"] and "Input should" not in r.text
    page = client.get("/programs/match", params={"age": "30", "today": today})
    assert page.status_code == 422
    assert client.get(f"/programs/p/sample-smart-store?today={today}").status_code == 422


def test_flags_false_is_false():
    from moduai.errors import InputError
    from moduai.programs.profile import profile_from_dict

    p = profile_from_dict({"flags": {"국세체납": "false", "벤처기업인증": "true"}})
    assert p.flags == {"국세체납": False, "벤처기업인증": True}
    with pytest.raises(InputError) as exc:
        profile_from_dict({"flags": {"국세체납": "maybe"}})
    assert exc.value.field == "flags"


def test_search_with_no_open_program_does_not_fail():
    import datetime as dt

    from moduai.programs.catalog import load_starter_catalog
    from moduai.programs.search import search_programs

    for method in ("hybrid", "bm25", "embedding", "substring"):
        assert search_programs("카페 창업", [], method=method).hits == []
    closed = search_programs("카페 창업", list(load_starter_catalog()), method="bm25", include_closed=False,
                             today=dt.date(2200, 1, 1))
    assert closed.hits == [] or all(not h.closed for h in closed.hits)


def test_validation_errors_are_one_korean_message_naming_the_field(client):
    r = client.get("/api/v1/regions/at", params={"lat": "", "lon": 129})
    err = r.json()["error"]
    assert r.status_code == 422 and err["field"] == "lat" and "위도(lat)에는 숫자를 넣어 주세요" in err["message"]
    assert "Input should" not in r.text and "request validation failed" not in r.text
    r = client.get("/api/v1/regions/at", params={"lon": 129})
    assert "위도(lat) 값을 넣어 주세요" in r.json()["error"]["message"]
    page = client.get("/commerce/report", params={"lat": "abc", "lon": "129"})
    assert "Input should" not in page.text and "validation" not in page.text.lower()


def test_starlette_http_errors_are_korean(client):
    r = client.put("/api/v1/datasets", headers=csrf_headers(client))
    assert r.status_code == 405 and "방식" in r.json()["error"]["message"]


# --- unexpected errors ----------------------------------------------------------------------------

def test_unexpected_error_answers_korean_with_an_error_id_and_logs_the_traceback(caplog, monkeypatch):
    from moduai.accounts import policy

    # the two failing routes exist only in this test: the permission table (deny by default) must list them
    table = {**policy._normalised_table(), "GET /api/v1/boom": ("public",), "GET /boom": ("public",)}
    monkeypatch.setattr(policy, "_normalised_table", lambda: table)
    app = create_app()

    @app.get("/api/v1/boom", include_in_schema=False)
    def boom():
        raise RuntimeError("kaboom-secret-detail")

    @app.get("/boom", include_in_schema=False)
    def boom_page():
        raise RuntimeError("kaboom-page")

    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="moduai.web"):
        r = client.get("/api/v1/boom")
    assert r.status_code == 500
    err = r.json()["error"]
    assert err["type"] == "internal" and re.fullmatch(r"[0-9a-f]{12}", err["error_id"])
    assert err["error_id"] in err["message"] and "kaboom" not in r.text
    record = next(rec for rec in caplog.records if err["error_id"] in rec.getMessage())
    assert record.exc_info and "kaboom-secret-detail" in str(record.exc_info[1])
    page = client.get("/boom")
    assert page.status_code == 500 and "text/html" in page.headers["content-type"]
    assert "오류 번호" in page.text and "Internal Server Error" not in page.text
    assert page.headers["x-frame-options"] == "DENY"


def test_openapi_states_ranges_and_enums():
    from moduai.marketing.reviews import TONES
    from moduai.programs.search import METHODS
    from moduai.regions.megaregions import VARIANTS
    from moduai.web.routes import marketing

    assert marketing.TONES == TONES
    spec = create_app().openapi()

    def param(path, name, method="get"):
        p = next(p for p in spec["paths"][path][method]["parameters"] if p["name"] == name)
        return p["schema"].get("anyOf", [p["schema"]])[0]

    assert param("/api/v1/programs/search", "method")["enum"] == list(METHODS)
    limit = param("/api/v1/programs/search", "limit")
    assert (limit["minimum"], limit["maximum"]) == (1, 200)
    radius = param("/api/v1/commerce/report", "radius")
    assert (radius["exclusiveMinimum"], radius["maximum"]) == (0, 5000)
    assert (param("/api/v1/commerce/sites", "top")["minimum"], param("/api/v1/commerce/sites", "top")["maximum"]) == (1, 100)
    assert param("/api/v1/megaregions", "variant")["enum"] == list(VARIANTS)
    assert param("/api/v1/marketing/reviews", "tone")["enum"] == list(TONES)
    assert param("/api/v1/programs/match", "today", "post")["format"] == "date"
    ops = [op for ops in spec["paths"].values() for m, op in ops.items() if m in ("post", "put", "patch", "delete")]
    assert ops and all(op.get("security") == [{"csrfToken": []}] for op in ops)
    assert spec["components"]["securitySchemes"]["csrfToken"] == {
        "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
        "description": spec["components"]["securitySchemes"]["csrfToken"]["description"]}


def test_nul_in_an_uploaded_csv_cell_is_a_rejected_row_on_both_databases(db_client):
    import io

    client = with_csrf(db_client)
    reviews = "날짜,평점,내용\n2025-01-01,5,좋아\x00요\n2025-01-02,4,맛있어요\n"
    r = client.post("/api/v1/marketing/reviews", files={"file": ("r.csv", io.BytesIO(reviews.encode()), "text/csv")},
                    data={"shop": "가게"})
    assert r.status_code == 422 and [row["line"] for row in r.json()["error"]["rows"]] == [2]
    assert "제어 문자" in r.json()["error"]["rows"][0]["reason"]
    ledger = "날짜,고객,금액\n2025-01-01,010-1234-5678,1000\n2025-01-02,홍\x00길동,2000\n"
    r = client.post("/api/v1/marketing/customers", files={"file": ("l.csv", io.BytesIO(ledger.encode()), "text/csv")},
                    data={"shop": "가게"})
    assert r.status_code == 422 and [row["line"] for row in r.json()["error"]["rows"]] == [3]


def test_api_docs_say_how_to_send_the_token(client):
    html = client.get("/api/docs").text
    assert "X-CSRF-Token" in html and "/api/v1/csrf" in html


def test_no_template_has_inline_script_or_handlers():
    """Every template, reachable or not: scripts come from files (the CSP has no 'unsafe-inline')."""
    from moduai.web.templating import TEMPLATES_DIR

    for path in TEMPLATES_DIR.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            assert "src=" in tag or 'type="application/json"' in tag, f"{path}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", text, flags=re.I), f"{path}: inline event handler"
        assert "javascript:" not in text, path
