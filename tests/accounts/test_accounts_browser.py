"""Accounts pages in headless Chromium at phone and desktop width, offline."""

from __future__ import annotations

import pytest

from tests.conftest import screenshot
from tests.helpers_auth import browser_login, make_user

pytestmark = pytest.mark.e2e


def test_login_signup_and_admin_users_pages(page, live_server):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server + "/marketing/customers")
        assert "로그인이 필요한" in page.content()  # 401 page with a sign-in link
        page.goto(live_server + "/accounts/login")
        assert page.locator("h1").inner_text() == "로그인"
        screenshot(page, f"accounts_login_{width}")
        page.goto(live_server + "/accounts/signup?invite=abc")
        assert page.locator("#invite").input_value() == "abc"
        screenshot(page, f"accounts_signup_{width}")
    make_user("member", "shop-owner@example.kr")
    browser_login(page, live_server, "admin", "/accounts/admin/users")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server + "/accounts/admin/users")
        assert "shop-owner@example.kr" in page.locator("table").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # the table scrolls, not the page
        screenshot(page, f"accounts_admin_users_{width}")
    page.get_by_role("button", name="초대 링크 만들기").click()
    assert "/accounts/signup?invite=" in page.content()
    page.goto(live_server + "/accounts/password")
    screenshot(page, "accounts_password_390")
    assert page.external_requests == []
