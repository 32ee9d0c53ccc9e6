"""Signing out in a real browser: "keep me signed in", logout, and an admin's sign-out-everywhere."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import PHONE, release_db, screenshot

pytestmark = pytest.mark.browser


def _context(browser, cookies=None):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN",
                                  storage_state={"cookies": cookies or [], "origins": []})
    return context, context.new_page()


def _persistent(cookies):
    """What survives closing the browser: cookies with an expiry (not session cookies)."""
    return [c for c in cookies if c.get("expires", -1) > 0]


def _sign_in(page, base, username, password, remember=False):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    if remember:
        page.check("#remember")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_keep_me_signed_in_then_log_out_then_reopen_shows_the_login_page(live_server, browser, make):
    make.user("staff", username="remember.phone", name="林晓")
    release_db()
    context, page = _context(browser)
    _sign_in(page, live_server, "remember.phone", make.PASSWORD, remember=True)
    remember = [c for c in context.cookies() if c["name"] == "remember_token"]
    assert remember, "keep me signed in sets a lasting cookie"
    days = (remember[0]["expires"] - time.time()) / 86400
    assert 6.9 < days <= 7.0  # REMEMBER_COOKIE_DAYS, not a year

    # Closing and reopening the browser keeps the person signed in…
    reopened, again = _context(browser, _persistent(context.cookies()))
    again.goto(f"{live_server}/today")
    assert again.url.endswith("/today")
    reopened.close()

    copied = context.cookies()  # …and someone copies every cookie before the logout
    page.goto(f"{live_server}/me")
    screenshot(page, "sessions-account")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(lambda url: "/login" in url)
    assert page.get_by_text("您已退出登录").is_visible()
    screenshot(page, "sessions-logged-out")
    assert not [c for c in context.cookies() if c["name"] == "remember_token"]

    reopened, again = _context(browser, _persistent(context.cookies()))
    again.goto(f"{live_server}/today")
    assert "/login" in again.url
    assert again.locator("#username").is_visible()
    reopened.close()

    stolen, replay = _context(browser, copied)
    replay.goto(f"{live_server}/today")
    assert "/login" in replay.url  # the copied session and remember cookies were ended by the logout
    screenshot(replay, "sessions-copied-cookies-after-logout")
    stolen.close()
    context.close()


def test_admin_signs_a_person_out_everywhere(live_server, browser, make):
    make.user("admin", username="phone.admin", name="管理员")
    staff = make.user("staff", username="lost.phone.staff", name="王芳")
    staff_id = staff.id
    release_db()
    staff_context, staff_page = _context(browser)
    _sign_in(staff_page, live_server, "lost.phone.staff", make.PASSWORD, remember=True)
    admin_context, admin = _context(browser)
    _sign_in(admin, live_server, "phone.admin", make.PASSWORD)

    admin.goto(f"{live_server}/me")
    admin.get_by_role("link", name="账号管理").click()
    admin.wait_for_url(f"{live_server}/admin/users")
    assert admin.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(admin, "admin-users")
    admin.get_by_role("link", name="lost.phone.staff").click()
    admin.wait_for_url(f"{live_server}/admin/users/{staff_id}")
    assert admin.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(admin, "admin-user")
    dialogs = []
    admin.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    admin.click("#sign-out-everywhere")
    admin.wait_for_url(f"{live_server}/admin/users/{staff_id}")
    assert admin.get_by_text("lost.phone.staff 已在所有设备上退出登录").is_visible()
    assert dialogs == ["确定让 lost.phone.staff 在所有设备上退出登录吗？"]
    screenshot(admin, "admin-user-signed-out")

    staff_page.goto(f"{live_server}/today")
    assert "/login" in staff_page.url  # the open browser, remember cookie and all, is signed out
    reopened, again = _context(browser, _persistent(staff_context.cookies()))
    again.goto(f"{live_server}/today")
    assert "/login" in again.url
    reopened.close()
    admin.goto(f"{live_server}/today")
    assert admin.url.endswith("/today")  # the admin stays signed in
    staff_context.close()
    admin_context.close()
