"""The messages a page shows after bad input — in a form page re-shown with its form (login, sign-up, user admin,
상가 자료 가져오기, 상권 보고서, 종합 균형지수, 지원사업 매칭·관리, 포괄보조 사업 조합·편집기, 성과 추적, AI 인재 매칭,
the assistant, a failed job) and on the error page a form leads to — are Korean: no code or parameter names, no
English, no Python reprs, no command-line flags.

Every case submits realistic bad input with the role the form needs and reads the page's message boxes
(``role="alert"`` / ``role="status"``; textareas and ``translate="no"`` are not interface text, as in the browser
walk). The check is the browser walk's own (:func:`tests.helpers_text.english_in`); what the user typed is data
and is taken out first. A few messages are compared whole, written by hand. The JSON API keeps the code names.

Not in the Korean-only cases on purpose (see docs/notes/formwords.md): the keys of a YAML document the user edits
(rules, schemes: 'effective_from', 'condition'), which name what the user must write; the names of imported
snapshots; and the API-only 'weights' text format.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from tests.helpers_text import english_in, shown

PASSWORD = "a-long-test-password"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One home for the module (users, the 합성 demo hub, a program): the cases only read messages."""
    from moduai.accounts.policy import Principal
    from moduai.config import get_settings
    from moduai.db import migrate, session_scope
    from moduai.db.engine import get_engine
    from moduai.hubs.demo import create_demo
    from moduai.programs.catalog import load_starter_catalog
    from moduai.web.app import create_app
    from tests.helpers_auth import login_as, make_user

    keys = ("MODUAI_HOME", "MODUAI_DATABASE_URL", "MODUAI_LLM_BASE_URL", "MODUAI_LLM_MODEL", "MODUAI_LLM_API_KEY")
    old = {k: os.environ.get(k) for k in keys}
    for k in keys[1:]:
        os.environ.pop(k, None)
    os.environ["MODUAI_HOME"] = str(tmp_path_factory.mktemp("form_messages_home"))
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        migrate()
        with session_scope() as s:
            create_demo(s, Principal(role="admin", user_id=None), n_orgs=20)
        app = create_app()
        admin = TestClient(app)
        login_as(admin, "admin", "form-admin@example.kr")
        member = make_user("member", "form-member@example.kr")
        yield SimpleNamespace(anon=TestClient(app), admin=admin, member_id=member.id,
                              program=load_starter_catalog()[0].slug)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
        get_engine.cache_clear()


@pytest.fixture(autouse=True)
def _isolated_home(site):
    """Overrides the suite's one-home-per-test fixture: this module shares :func:`site`'s home."""
    yield


def _csv(name: str, text: str):
    return ("file", (name, text.encode("utf-8"), "text/csv"))


TIMES = "시각,온도\n" + "".join(f"2025-01-01 {h:02d}:00,{20 + h % 3}\n" for h in range(24))

# (id, who, method, url, form data, files, what the user typed (data, not interface text), expected status)
CASES = [
    ("login", "anon", "POST", "/accounts/login", {"email": "nobody@example.kr", "password": "x"}, None, (), 403),
    ("signup", "anon", "POST", "/accounts/signup", {"invite": "없는초대", "email": "x@example.kr",
                                                   "password": PASSWORD}, None, (), 403),
    ("password", "admin", "POST", "/accounts/password", {"current_password": PASSWORD, "new_password": "짧음"},
     None, (), 422),
    ("user role", "admin", "POST", "/accounts/admin/users/{member}/role", {"role": "king"}, None, ("king",), 422),
    ("user role without hub", "admin", "POST", "/accounts/admin/users/{member}/role", {"role": "operator"}, None,
     (), 422),
    ("user hub number", "admin", "POST", "/accounts/admin/users/{member}/role", {"role": "operator", "hub_id": "abc"},
     None, ("abc",), 422),
    ("invite role", "admin", "POST", "/accounts/admin/invites", {"role": "king"}, None, ("king",), 422),
    ("user region", "admin", "POST", "/accounts/admin/users/{member}/role", {"role": "planner", "region_code": "zz"},
     None, ("zz",), 422),
    ("invite region", "admin", "POST", "/accounts/admin/invites", {"role": "planner", "region_code": "99999"},
     None, ("99999",), 422),
    ("unknown user", "admin", "POST", "/accounts/admin/users/999/active", {"active": "0"}, None, (), 404),
    ("import: quarter unknown", "admin", "POST", "/commerce/data", {"snapshot": ""},
     [("files", ("상가.csv", b"a,b\n1,2\n", "text/csv"))], (), 422),
    ("import: quarter malformed", "admin", "POST", "/commerce/data", {"snapshot": "abc"},
     [("files", ("상가.csv", b"a,b\n1,2\n", "text/csv"))], ("abc",), 422),
    ("fetch: latitude", "admin", "POST", "/commerce/data/fetch", {"lat": "abc", "lon": "127", "radius": "500"}, None,
     ("abc",), 422),
    ("fetch: nothing", "admin", "POST", "/commerce/data/fetch", {}, None, (), 422),
    ("report: radius", "anon", "GET", "/commerce/report?lat=37.5894&lon=127.0557&radius=-5&category=카페", None, None,
     (), 422),
    ("report: latitude", "anon", "GET", "/commerce/report?lat=99&lon=127.0557&category=카페", None, None, (), 422),
    ("report: latitude text", "anon", "GET", "/commerce/report?lat=abc&lon=127&category=카페", None, None, ("abc",),
     422),
    ("sites: top", "anon", "GET", "/commerce/sites?region=동대문구&category=카페&top=0", None, None, (), 422),
    ("balance index: weight", "anon", "GET", "/balance/index?w_population=abc", None, None, ("abc",), 200),
    ("balance: indicator", "anon", "GET", "/balance?indicator=bogus", None, None, ("bogus",), 422),
    ("programs: age", "anon", "GET", "/programs/match?age=abc", None, None, ("abc",), 422),
    ("programs: date", "anon", "GET", "/programs/match?today=2025-13-01", None, None, (), 422),
    ("programs: KSIC", "anon", "GET", "/programs/match?ksic_code=ABC", None, None, ("ABC",), 422),
    ("programs: ambiguous place", "anon", "GET", "/programs/match?region=중구", None, None, (), 422),
    ("programs: search method", "anon", "GET", "/programs/search?q=청년&method=zzz", None, None, ("zzz",), 422),
    ("programs: calendar month", "anon", "GET", "/programs/calendar?start=abc", None, None, ("abc",), 422),
    ("programs admin: address", "admin", "POST", "/programs/admin/new",
     {"slug": "A B", "name": "사업", "agency": "기관", "kind": "창업", "rules_yaml": "version: 1\n"}, None, (), 422),
    ("programs admin: YAML", "admin", "POST", "/programs/admin/new",
     {"slug": "new-program", "name": "사업", "agency": "기관", "kind": "창업", "rules_yaml": "criteria: ["}, None,
     ("new-program",), 422),
    ("programs drafts: YAML", "admin", "POST", "/programs/admin/{program}/drafts", {"rules_yaml": "criteria: ["},
     None, ("{program}",), 422),
    ("copy: strengths", "anon", "GET", "/marketing/copy?name=모두카페", None, None, (), 422),
    ("copy: month", "anon", "GET", "/marketing/copy?name=모두카페&category=카페&location=교동&strengths=빵&"
     "price_range=1만 원대&target=학생&month=13", None, None, (), 422),
    ("A/B: arm", "anon", "GET", "/marketing/abtest?a=abc&b=1/2", None, None, ("abc",), 422),
    ("A/B: alpha", "anon", "GET", "/marketing/abtest?a=1/2&b=1/2&alpha=2", None, None, (), 422),
    ("reviews: columns", "admin", "POST", "/marketing/reviews", {"shop": "모두 카페"}, [_csv("리뷰.csv", "a,b\n1,2\n")],
     ("a, b", "a,b"), 422),
    ("reviews: tone", "admin", "POST", "/marketing/reviews", {"shop": "모두 카페", "tone": "zz"},
     [_csv("리뷰.csv", "날짜,평점,내용\n2025-01-01,5,좋아요\n")], ("zz",), 422),
    ("ledger: columns", "admin", "POST", "/marketing/customers", {"shop": "모두 카페"}, [_csv("장부.csv", "a,b\n1,2\n")],
     ("a, b", "a,b"), 422),
    ("ledger: date", "admin", "GET", "/marketing/customers/1?as_of=abc", None, None, ("abc",), 422),
    ("talent: cap", "anon", "GET", "/talent/match?demo=1&cap=bogus", None, None, ("bogus",), 200),
    ("talent: floor region", "anon", "GET", "/talent/match?demo=1&floor=없는곳=0.1", None, None, (), 200),
    ("talent: files", "admin", "POST", "/talent/match", {"cap": ""},
     [("trainees", ("훈련생.csv", b"a,b\n1,2\n", "text/csv")), ("slots", ("자리.csv", b"a,b\n1,2\n", "text/csv"))],
     (), 200),
    ("talent: map metric", "anon", "GET", "/talent?metric=zzz", None, None, ("zzz",), 422),
    ("fieldai: time column", "anon", "POST", "/fieldai/analyse", {"site": ""}, [_csv("기록.csv", "a,b\n1,2\n")],
     ("a, b",), 422),
    ("fieldai: site", "anon", "POST", "/fieldai/analyse", {"site": "zzz"}, [_csv("기록.csv", TIMES)], ("zzz",), 422),
    ("fieldai: rules YAML", "anon", "POST", "/fieldai/analyse", {"site": "", "rules": "rules: ["},
     [_csv("기록.csv", TIMES)], (), 422),
    ("fieldai: days", "anon", "GET", "/fieldai/example?days=5", None, None, (), 422),
    ("grants: budget", "anon", "GET", "/grants/simulate?budget=abc", None, None, ("abc",), 422),
    ("grants: scheme", "anon", "GET", "/grants/simulate?scheme=zzz", None, None, ("zzz",), 404),
    ("portfolio: cash", "anon", "GET", "/grants/portfolio?cash=zzz", None, None, ("zzz",), 422),
    ("portfolio: local funds", "anon", "GET", "/grants/portfolio?local=abc", None, None, ("abc",), 422),
    ("portfolio: file", "anon", "POST", "/grants/portfolio", {"budget": "120억", "region": "해남군"},
     [_csv("사업.csv", "a,b\n1,2\n")], (), 422),
    ("scheme editor: YAML", "anon", "POST", "/grants/editor", {"yaml_text": "terms: [", "scheme": ""}, None, (), 422),
    ("impact study: outcome", "anon", "GET", "/impact/study?outcome=zzz", None, None, ("zzz",), 422),
    ("concentration: columns", "anon", "POST", "/impact/concentration", None, [_csv("지원.csv", "a,b\n1,2\n")], (), 422),
    ("DiD: columns", "anon", "POST", "/impact/did", None, [_csv("패널.csv", "a,b\n1,2\n")], (), 422),
    ("DiD: numbers", "anon", "POST", "/impact/did", None,
     [_csv("패널.csv", "unit,time,outcome,treated\n가,abc,1,0\n나,2020,z,0\n")], (), 422),
    ("hubs: import kind", "admin", "POST", "/hubs/demo/import", {"entity": "zzz"}, [_csv("기관.csv", "a,b\n1,2\n")],
     ("zzz",), 422),
    ("hubs: import columns", "admin", "POST", "/hubs/demo/import", {"entity": "organisations"},
     [_csv("기관.csv", "a,b\n1,2\n")], (), 422),
    ("hubs: year", "admin", "GET", "/hubs/planner?year=abc", None, None, ("abc",), 422),
    ("region: unknown code", "anon", "GET", "/regions/99999", None, None, ("99999",), 404),
    ("assistant", "anon", "POST", "/ask", {"question": "포괄보조 예산 999999조로 배분하면?", "history": "[]"}, None, (),
     200),
]


def _submit(site, who, method, url, data, files):
    from tests.helpers_web import csrf_token

    client = getattr(site, who)
    url = url.format(member=site.member_id, program=site.program)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, files=files)


@pytest.mark.parametrize("who, method, url, data, files, typed, status", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_form_shows_bad_input_in_korean(site, who, method, url, data, files, typed, status):
    r = _submit(site, who, method, url, data, files)
    assert r.status_code == status, r.text[:300]
    text = shown(r.text)
    assert text, "no message on the page"
    for value in typed:  # what the user typed is shown back as typed
        text = text.replace(value.format(program=site.program), "")
    assert english_in([text]) == [], text


# Whole messages, written by hand: the Korean name of the field with its particle, the fix, and nothing else.
EXACT = {
    "user role": "역할은 관리자, 거점센터 운영자, 멘토, 회원(사장님·창업자), 지자체 기획 담당자 중 하나여야 합니다. "
                 "받은 값: 'king'.",
    "user role without hub": "거점센터 운영자 역할에는 거점 번호가 필요합니다.",
    "user region": "지역 코드는 시도 2자리 또는 시군구 5자리 행안부 코드여야 합니다 (예: 서울특별시는 11, 강원 강릉시는 51150). "
                   "받은 값: 'zz'. 코드를 모르면 '지역 찾기'에서 이름으로 찾아 보세요.",
    "import: quarter unknown": "'상가.csv' 파일 이름에서 기준 분기를 알 수 없습니다. 기준 분기를 '2026Q1'처럼 적어 주세요.",
    "fetch: latitude": "위도에는 숫자를 적어 주세요. 받은 값: 'abc'.",
    "fetch: nothing": "행정동 코드 또는 반경과 좌표 중 하나만 주세요.",
    "report: radius": "반경은 0 m 초과 5,000 m 이하여야 합니다. 받은 값: -5 m. 상권 분석에는 보통 300~1,000 m를 씁니다.",
    "balance index: weight": "인구 가중치는 숫자여야 합니다 (0 이상 100 이하). 받은 값: 'abc'.",
    "A/B: alpha": "유의수준은 0 초과 0.5 미만이어야 합니다 (보통 0.05). 받은 값: 2.0.",
    "copy: month": "계절 기준 달은 1~12 사이여야 합니다. 받은 값: 13.",
    "reviews: tone": "말투는 정중, 친근, 간결 중 하나여야 합니다. 받은 값: 'zz'.",
    "portfolio: local funds": "지방비 한도를 금액으로 읽을 수 없습니다. 받은 값: 'abc'. 예: 120억, 10.6조, 3억 5천만, 1500000.",
    "portfolio: cash": "연도별 국비 한도의 값은 '이름=금액' 꼴이어야 합니다 (예: 2026=45억, 청년정착=15억). 받은 값: 'zzz'.",
    "DiD: numbers": "숫자가 아닌 값이 있는 행: 2, 3행. 연도·결과·처리는 숫자여야 합니다.",
    "talent: floor region": "'없는곳' 권역이 없습니다 (5극3특 정부안). 있는 권역: 수도권, 동남권, 대경권, 중부권, 호남권, "
                            "강원특별자치도, 전북특별자치도, 제주특별자치도",
    "hubs: import columns": "기관 파일에 필요한 열이 없거나 행이 없습니다: 기관명, 사업자등록번호, 예비창업자, 본점 시군구, "
                            "업종, 설립일. 기관 양식을 내려받아 그 열 이름을 쓰세요. 기관 양식 내려받기",
    "region: unknown code": "지역 코드 '99999'를 찾을 수 없습니다. 2025년 행안부 코드로 입력하거나 '지역 찾기'에서 이름으로 "
                            "찾아 보세요 (예: 포항시 북구).",
    "impact study: outcome": "결과 변수는 20–39세 인구 (로그), 총인구 (로그) 중 하나여야 합니다. 받은 값: 'zzz'.",
}


@pytest.mark.parametrize("case", sorted(EXACT))
def test_hand_written_messages(site, case):
    _, who, method, url, data, files, _, _ = next(c for c in CASES if c[0] == case)
    assert EXACT[case] in shown(_submit(site, who, method, url, data, files).text)


def test_the_api_keeps_the_code_names(site):
    """The same refusals as JSON: the field's code name next to its Korean name, for API clients and the CLI."""
    r = site.anon.get("/api/v1/marketing/abtest?a=abc&b=1/2")
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("A안(a)은 '성공 수/전체 수' 형식")
    r = site.anon.get("/api/v1/grants/simulate?budget=abc")
    assert r.json()["error"]["message"].startswith("예산(budget)을 금액으로 읽을 수 없습니다.")
    assert r.json()["error"]["field"] == "budget"
    r = site.anon.get("/api/v1/impact/study?outcome=zzz")
    assert "20–39세 인구 (로그)(residents_20_39)" in r.json()["error"]["message"]


def test_a_failed_job_page_shows_its_error_in_korean(site):
    """A background import that failed: the status page's message and row reasons as every page shows them;
    the job's JSON keeps the code names."""
    from moduai.errors import ImportRejected, RowError
    from moduai.jobs import get_runner

    def fail(*, progress):
        raise ImportRejected("'days'(일수)는 10 일 이상이어야 합니다.", [RowError(2, "역할(role)이 없습니다.", None)])

    runner = get_runner()
    job = runner.wait(runner.submit("example", "예시 작업", fail).id, 10)
    assert job.status == "failed"
    text = shown(site.anon.get(f"/jobs/{job.id}").text)
    assert "일수는 10 일 이상이어야 합니다." in text and "역할이 없습니다." in text
    assert english_in([text]) == [], text
    api = site.anon.get(f"/api/v1/jobs/{job.id}").json()
    assert api["error"]["message"].startswith("'days'(일수)는") and api["error"]["rows"][0]["reason"].startswith("역할(role)")


@pytest.mark.parametrize("message, page", [
    ("'days'(일수)는 10 일 이상", "일수는 10 일 이상"),
    ("역할(role)은 관리자(admin), 회원(사장님·창업자)(member) 중 하나", "역할은 관리자, 회원(사장님·창업자) 중 하나"),
    ("쓸 수 있는 지표: population(인구), population_emd(총인구(읍면동 합계))", "쓸 수 있는 지표: 인구, 총인구(읍면동 합계)"),
    ("행정동 코드('dong') 또는 반경('radius')과", "행정동 코드 또는 반경과"),
    ("가게 정보에 '강점'(strengths)이 없습니다", "가게 정보에 '강점'이 없습니다"),
    ("있는 방식: 포괄보조 2026 (3단계 차등)(pogwal-2026).", "있는 방식: 포괄보조 2026 (3단계 차등)."),
    ("형태소 BM25(bm25), 의미(embedding)", "형태소 BM25, 의미"),
    # left alone: units, a quoted value next to a bracket, a Korean word in brackets, upper-case codes
    ("반경(m) 500", "반경(m) 500"), ("'a'(b) 그대로", "'a'(b) 그대로"),
    ("'회기동'(서울 동대문구)을 찾았습니다.", "'회기동'(서울 동대문구)을 찾았습니다."),
    ("업종 코드(I21201)를", "업종 코드(I21201)를"),
])
def test_page_message(message, page):
    from moduai.web.errors import page_message

    assert page_message(message) == page
