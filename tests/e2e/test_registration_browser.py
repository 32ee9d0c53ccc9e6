"""A customer on a phone (WeChat's in-app browser): poster link → register → ticket."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import release_db, screenshot

pytestmark = pytest.mark.browser


def test_register_from_the_shared_link_and_see_the_ticket(live_server, phone, make):
    questions = [{"key": "kids", "label": "孩子年龄", "type": "number", "required": True, "min": 1, "max": 12},
                 {"key": "diet", "label": "饮食禁忌", "type": "choice", "options": ["无", "不吃坚果", "素食"]}]
    slug = make.event(title="中秋亲子手作月饼（测试）", max_party_size=3, questions=questions, capacity=30).slug
    release_db()
    phone.goto(f"{live_server}/e/{slug}")
    assert phone.locator(".event-hero__title").inner_text() == "中秋亲子手作月饼（测试）"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "register-form")
    phone.fill("#name", "韩梅梅")
    phone.fill("#phone", "138-0013-8000")
    phone.select_option("#party_size", "2")
    phone.fill("#q_kids", "15")  # out of range: the error appears next to the field
    phone.click("button[type=submit]")
    assert "孩子年龄应在 1 到 12 之间" in phone.locator(".field--error").first.inner_text()
    assert phone.input_value("#name") == "韩梅梅"
    screenshot(phone, "register-error")
    phone.fill("#q_kids", "6")
    phone.check("input[name=consent]")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/t/**")
    assert "报名成功" in phone.locator(".result").inner_text()
    assert phone.locator("img.ticket__qr").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "韩**" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "ticket")
    # The re-shown form answers 422 on purpose (Chromium logs that); nothing else may go wrong.
    assert [e for e in phone.console_errors if "422" not in e] == []
