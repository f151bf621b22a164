"""The 합성 demo hub renders every hubs page in headless Chromium at 390 and 1280 px (screenshots in
tests/screenshots/hubs_*.png), offline, labelled 합성, without horizontal overflow on a phone."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot
from tests.helpers_auth import browser_login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(live_server):
    """The demo tenant in the live server's database: its hub id and a cohort, firm and consultation."""
    from sqlalchemy import select

    from moduai.accounts.policy import Principal
    from moduai.db import session_scope
    from moduai.hubs import models as M
    from moduai.hubs.demo import create_demo

    with session_scope() as s:
        if s.scalar(select(M.HubRow).where(M.HubRow.slug == "demo")) is None:
            create_demo(s, Principal(role="admin", user_id=None), n_orgs=120)
        hub = s.scalar(select(M.HubRow.id).where(M.HubRow.slug == "demo"))
        cohort = s.scalar(select(M.CohortRow.id).where(M.CohortRow.hub_id == hub, M.CohortRow.year == 2024)
                          .order_by(M.CohortRow.id))
        org = s.scalar(select(M.ApplicationRow.organisation_id).where(M.ApplicationRow.cohort_id == cohort,
                                                                     M.ApplicationRow.status == "completed"))
        cons = s.scalar(select(M.ConsultationRow.id).where(M.ConsultationRow.hub_id == hub)
                        .order_by(M.ConsultationRow.id))
        return {"hub": hub, "cohort": cohort, "org": org, "consultation": cons}


def _pages(d):
    return [("index", "/hubs"), ("dashboard", "/hubs/demo?year=2025"),
            ("kpi", "/hubs/demo/kpis/survival_5y?year=2025"), ("cohort", f"/hubs/demo/cohorts/{d['cohort']}"),
            ("organisations", "/hubs/demo/organisations"), ("timeline", f"/hubs/organisations/{d['org']}"),
            ("consult_form", "/hubs/demo/consultations/new"), ("consultation", f"/hubs/consultations/{d['consultation']}"),
            ("merge", "/hubs/demo/merge"), ("planner", "/hubs/planner?year=2025")]


@pytest.mark.parametrize("width", [390, 1280])
def test_demo_hub_pages_render(page, live_server, demo, width):
    # signed in through the login form as the demo hub's operator (the permission table and tenancy apply)
    browser_login(page, live_server, "operator", "/hubs", hub_id=demo["hub"])
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in _pages(demo):
        resp = page.goto(live_server + path)
        assert resp is not None and resp.status == 200, (path, resp and resp.status)
        body = page.locator("main").inner_text()
        assert "합성" in body, f"{path}: no 합성 label"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} overflows by {overflow}px at {width}px"
        screenshot(page, f"hubs_{name}_{width}")
    assert page.external_requests == []


def test_consultation_form_runs_analysis_in_browser(page, live_server, demo):
    browser_login(page, live_server, "mentor", "/hubs/demo/consultations/new", hub_id=demo["hub"])
    page.fill("input[name=held_on]", "2025-06-02")
    page.select_option("select[name=topic]", "지원사업")
    page.fill("textarea[name=notes]", "AI 도입 바우처 문의")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/hubs/consultations/*")
    assert "저장된 분석: 지원사업 매칭" in page.locator("main").inner_text()
    screenshot(page, "hubs_consultation_saved_1280")
    assert page.external_requests == []


def test_kpi_cards_show_a_fraction_only_when_the_value_is_it(page, live_server, demo):
    """A card that says '분자 a / 분모 b' shows a/b: the reader divides them.  The demo's 1년 생존율 85.1% sat over
    '분자 104 / 분모 144' (72.2%; 카플란–마이어 is not a fraction), 투자 유치액 29.8억원 over '분모 10' and
    일자리 19명 over '분모 141'; those now name the 기관 they count."""
    import re

    browser_login(page, live_server, "operator", "/hubs", hub_id=demo["hub"])
    page.goto(live_server + "/hubs/demo?year=2025")
    cards = page.locator(".kpi").evaluate_all(
        "els => els.map(e => [e.querySelector('.label').innerText, e.querySelector('.value').innerText,"
        " e.querySelector('.meta').innerText])")
    assert len(cards) == 13
    fractions, counted = 0, 0
    for name, value, meta in cards:
        m = re.fullmatch(r"분자 ([\d,]+) / 분모 ([\d,]+)", meta.strip())
        if m:
            a, b = (int(g.replace(",", "")) for g in m.groups())
            assert value == f"{a / b * 100:.1f}%", (name, value, meta)
            fractions += 1
        elif meta.strip():
            assert re.fullmatch(r"기관 [\d,]+곳 기준", meta.strip()), (name, meta)
            counted += 1
    assert fractions >= 3 and counted >= 3, cards  # 선정률·수료율·… / 생존율 3개·일자리·투자
    by_name = {name: meta for name, _, meta in cards}
    assert re.fullmatch(r"기관 [\d,]+곳 기준", by_name["투자 유치액"])
    assert by_name["신청 기업 수"].strip() == ""


def test_consultation_checkbox_sits_beside_its_words(page, live_server, demo):
    """At 390 px the '지원사업 매칭' box is beside its words: it was stretched to a full-width row of its own, a
    lone centred tick above a bold line that read like the next field's label."""
    browser_login(page, live_server, "operator", "/hubs", hub_id=demo["hub"])
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server + "/hubs/demo/consultations/new")
    box = page.locator("input[name=run_match]").bounding_box()
    words = page.locator("label", has=page.locator("input[name=run_match]")).evaluate("""el => {
        const t = [...el.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
        const r = document.createRange(); r.selectNodeContents(t); const rs = [...r.getClientRects()];
        return {left: rs[0].left, top: rs[0].top, bottom: rs[rs.length - 1].bottom}; }""")
    assert box["width"] < 44, box
    assert box["x"] + box["width"] <= words["left"], (box, words)
    mid = box["y"] + box["height"] / 2
    assert words["top"] <= mid <= words["bottom"], (box, words)
