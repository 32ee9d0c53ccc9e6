"""The event page on a phone (390×844) tells staff how many SMS could not be delivered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.notify.services import notify
from app.unit_of_work import transaction
from tests.e2e.conftest import PHONE, release_db, screenshot
from tests.e2e.conftest import sign_in as _login

pytestmark = pytest.mark.browser


def test_the_event_page_shows_failed_messages(live_server, phone, make):
    outlet = make.outlet("FB1", name="城东支行（测试）")
    make.user("staff", outlet=outlet, username="fb.staff", name="小李")
    event = make.event(outlet, title="失败短信提醒（测试）")
    with transaction():
        for i in range(3):
            message = notify("registration_confirmed", f"1990000910{i}", "【网点活动通】报名成功", event=event)
            message.status, message.attempts, message.error = "failed", 5, "gateway answered 500"
        notify("registration_confirmed", "19900009110", "【网点活动通】报名成功", event=event)
    event_id = event.id
    release_db()
    _login(phone, live_server, "fb.staff", make.PASSWORD)
    phone.goto(f"{live_server}/events/{event_id}")
    line = phone.get_by_test_id("failed-messages")
    expect(line).to_contain_text("3 条短信发送失败")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "event-failed-messages")
    assert phone.console_errors == []
