"""Marketing pages in headless Chromium, offline (every non-local request blocked)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot
from tests.helpers_auth import browser_login

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _migrated_home_db(live_server):
    """The live server runs in this process and reads the per-test MODUAI_HOME: migrate that database."""
    from moduai.db import migrate

    migrate()

REVIEWS = """날짜,평점,내용,작성자
2025-01-12,5,커피가 정말 맛있고 사장님이 친절해요! 또 올게요,김민수
2025-01-20,4,빵이 촉촉하고 분위기가 아늑해요,
2025-02-03,3,"맛은 좋은데 가격이 좀 비싸고 주차가 불편해요",박지민
2025-02-14,2,배달이 한 시간 넘게 걸려서 다 식었어요,
2025-03-01,1,음식에서 머리카락이 나왔어요. 환불해 주세요,이영희
2025-03-09,5,"직원분들이 친절하고 화장실도 깨끗해요",
"""
LEDGER = "고객,날짜,금액\n" + "\n".join([
    "010-1111-2222,2025-01-05,12000", "010-1111-2222,2025-02-01,9000", "010-1111-2222,2025-03-02,15000",
    "김민수,2025-01-10,8000", "C-003,2025-01-15,45000", "010-3333-4444,2025-02-25,9000",
    "010-3333-4444,2025-03-05,11000", "C-006,2025-03-10,30000", "홍길동,2024-11-03,6000", "홍길동,2024-12-01,7000",
]) + "\n"


def test_copy_page(page, live_server):
    page.goto(live_server + "/marketing/copy")
    page.get_by_label("가게 이름", exact=True).fill("모두의 브런치")
    page.get_by_label("업종", exact=True).fill("브런치 카페")
    page.get_by_label("위치", exact=True).fill("서울 동대문구 회기동")
    page.get_by_label("가격대", exact=True).fill("1만 원대")
    page.get_by_label("강점 (쉼표로 구분)").fill("직접 구운 빵, 동네 최고 커피")
    page.get_by_label("타깃 손님").fill("근처 대학생")
    page.get_by_label("같은 업종 수 (선택)").fill("2")
    page.get_by_role("button", name="문구 만들기").click()
    page.wait_for_selector(".variant")
    assert page.locator(".variant").count() == 12  # 4 default channels × 3
    assert "카페가 2곳뿐이에요" in page.locator(".variant pre").first.inner_text()
    assert page.locator(".warn", has_text="최고").count() >= 1
    btn = page.locator(".copybtn").first
    btn.click()
    # no wait_for_function: it polls with eval, which the app's Content-Security-Policy refuses
    expect(btn).not_to_have_text("복사")
    assert btn.inner_text() in ("복사됨", "선택됨: Ctrl+C")
    screenshot(page, "marketing_copy")
    assert page.external_requests == []


def test_hub_and_calendar(page, live_server):
    page.goto(live_server + "/marketing")
    assert page.locator(".card").count() == 5
    screenshot(page, "marketing_hub")
    page.goto(live_server + "/marketing/calendar?year=2027&category=카페")
    assert page.locator(".calgrid .panel").count() == 12
    assert page.get_by_text("빼빼로데이").count() >= 1
    with page.expect_download() as dl:
        page.get_by_role("link", name="ICS 내려받기 (구글·애플 캘린더)").click()
    assert dl.value.suggested_filename.endswith(".ics")
    with page.expect_download() as dl2:
        page.get_by_role("link", name="CSV 내려받기 (엑셀)").click()
    assert dl2.value.suggested_filename.endswith(".csv")
    screenshot(page, "marketing_calendar")
    assert page.external_requests == []


def test_reviews_upload(page, live_server, tmp_path):
    f = tmp_path / "리뷰.csv"
    f.write_bytes(REVIEWS.encode("cp949"))
    browser_login(page, live_server, "member", "/marketing/reviews")  # review files belong to a signed-in owner
    page.get_by_label("리뷰 CSV 파일").set_input_files(str(f))
    page.get_by_label("가게 이름").fill("모두 카페")
    page.get_by_label("답글 말투").select_option("친근")
    page.get_by_role("button", name="올리고 분석하기").click()
    page.wait_for_selector("#rep")
    assert "머리카락" in page.locator("#att").locator("..").inner_text()
    assert page.get_by_text("김*수").count() >= 1
    screenshot(page, "marketing_reviews")
    assert page.external_requests == []


def test_customers_upload_and_abtest(page, live_server, tmp_path):
    f = tmp_path / "장부.csv"
    f.write_text(LEDGER, encoding="utf-8")
    browser_login(page, live_server, "member", "/marketing/customers")
    page.get_by_label("매출 장부 CSV 파일").set_input_files(str(f))
    page.get_by_role("button", name="올리고 분석하기").click()
    page.wait_for_selector("#seg")
    assert page.get_by_text("010-****-2222").count() == 1
    screenshot(page, "marketing_customers")
    page.goto(live_server + "/marketing/abtest")
    page.get_by_label("A안 (반응/전체)").fill("120/1000")
    page.get_by_label("B안 (반응/전체)").fill("150/1000")
    page.get_by_role("button", name="판정하기").click()
    assert "B안이 유의하게 높습니다" in page.locator(".verdict").inner_text()
    screenshot(page, "marketing_abtest")
    assert page.external_requests == []


@pytest.mark.parametrize("width", [390, 1280])
def test_bad_upload_shows_row_errors(page, live_server, tmp_path, width):
    """A refused file comes back on the same form: the message and each rejected row above it, the shop name and
    tone as typed (the error page before lost them), nothing wider than the screen."""
    f = tmp_path / "bad.csv"
    f.write_text("날짜,평점,내용\n2025-01-01,9,좋아요\n2025-13-02,5,\n", encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, live_server, "member", "/marketing/reviews")
    page.get_by_label("리뷰 CSV 파일").set_input_files(str(f))
    page.get_by_label("가게 이름").fill("모두의 브런치")
    page.get_by_label("답글 말투").select_option("간결")
    page.get_by_role("button", name="올리고 분석하기").click()
    box = page.locator("#import-error")
    assert "아무것도 저장하지 않았습니다" in box.locator(".message").inner_text()
    assert box.locator("tbody tr td.num").all_inner_texts() == ["2", "3"]
    assert page.get_by_label("가게 이름").input_value() == "모두의 브런치"
    assert page.get_by_label("답글 말투").input_value() == "간결"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    rights = box.locator("td").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
    assert max(rights) <= width, rights  # each reason wraps on screen (it was cut at the right edge at 390 px)
    screenshot(page, f"marketing_reviews_rejected_{width}")
    assert page.external_requests == []


def test_copy_channels_on_a_phone(page, live_server):
    """At 390 px each channel's box and its words are drawn on one line: '인스타그램 | 게시물 ☐ 블로그 글' read as if
    the box after '게시물' were the blog's, and the words before it the Instagram box's."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server + "/marketing/copy")
    labels = page.locator("fieldset label")
    assert labels.count() == 6
    # per label: the line boxes of its words, and whether its box sits within that line (mid-height inside it)
    lines = labels.evaluate_all("""els => els.map(el => {
        const text = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim())[0];
        const r = document.createRange(); r.selectNodeContents(text);
        const rects = [...r.getClientRects()].filter(x => x.width > 0);
        const box = el.querySelector('input').getBoundingClientRect(), mid = box.top + box.height / 2;
        return [el.innerText.trim(), new Set(rects.map(x => Math.round(x.top))).size,
                rects.length > 0 && mid > rects[0].top && mid < rects[0].bottom]; })""")
    lines = [(text, n if beside else "box on another line") for text, n, beside in lines]
    assert [text for text, n in lines if n != 1] == [], lines
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_reviews_to_check_on_a_phone(page, live_server, tmp_path):
    """At 390 px the reviews the owner must check show the review itself and every reason on screen: the review
    was a fourth column past the right edge and each reason was cut mid-sentence; dates stay on one line."""
    f = tmp_path / "리뷰.csv"
    f.write_bytes(REVIEWS.encode("utf-8"))
    page.set_viewport_size({"width": 390, "height": 900})
    browser_login(page, live_server, "member", "/marketing/reviews")
    page.get_by_label("리뷰 CSV 파일").set_input_files(str(f))
    page.get_by_label("가게 이름").fill("모두 카페")
    page.get_by_role("button", name="올리고 분석하기").click()
    page.wait_for_selector("#att")
    table = page.locator("section:has(#att) table")
    hair = table.locator("td", has_text="머리카락")
    assert hair.count() == 1
    rights = table.locator("td").evaluate_all(
        "els => els.filter(e => e.innerText.trim()).map(e => [e.innerText.slice(0, 12), e.getBoundingClientRect().right])")
    assert [t for t, right in rights if right > 390] == [], rights
    lines = table.locator("tbody tr:not(.why) td:nth-child(2)").evaluate_all("""els => els.map(e => {
        const r = document.createRange(); r.selectNodeContents(e);
        return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size; })""")
    assert lines and set(lines) == {1}, lines  # '2025-\n03-01' before
    months = page.locator("section:has(#mon) tbody tr td:nth-child(3)").all_inner_texts()
    assert months and all(len(m.split(".")[-1]) == 2 for m in months), months  # 3.40, not 3.4 next to 3.31
