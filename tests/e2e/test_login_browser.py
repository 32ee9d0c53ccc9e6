"""Signing in on a phone-sized screen in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import release_db, screenshot

pytestmark = pytest.mark.browser


def test_staff_signs_in_on_a_phone_and_sees_today(live_server, phone, make):
    outlet = make.outlet("BR01", name="瓯海支行营业部（测试）")
    make.user("staff", outlet=outlet, username="phone.staff", name="林晓")
    make.customer(outlet, name="测试客户")
    release_db()
    phone.goto(f"{live_server}/login")
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    screenshot(phone, "login")
    # Nothing overflows sideways at phone width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.fill("#username", "phone.staff")
    phone.fill("#password", make.PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/today")
    assert phone.locator(".topbar__title").inner_text().startswith("今日")
    assert phone.get_by_text("瓯海支行营业部（测试）").is_visible()
    tabs = phone.locator(".tabbar .weui-tabbar__label").all_inner_texts()
    assert tabs[0] == "今日" and tabs[-1] == "我的"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "home")
    phone.click("text=客户")
    phone.wait_for_url(f"{live_server}/customers")
    assert phone.get_by_text("测试客户").is_visible()
    screenshot(phone, "customers")
    assert phone.console_errors == []


def test_a_wrong_password_shows_the_error_under_the_form(live_server, phone, make):
    make.user("staff", username="typo.staff")
    release_db()
    phone.goto(f"{live_server}/login")
    phone.fill("#username", "typo.staff")
    phone.fill("#password", "not-the-password")
    phone.click("button[type=submit]")
    assert phone.get_by_role("alert").inner_text() == "用户名或密码不正确"
    assert phone.input_value("#username") == "typo.staff"
    screenshot(phone, "login-error")
