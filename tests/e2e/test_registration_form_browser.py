"""A customer signs up on a phone (390×844) through the registration page, as from a poster in WeChat.

Bad input first: the page comes back with each field's error in Chinese, what was typed kept, and the
event's description still shown (registering loads the event without its page text; the page shown
again loads it). Then good input: the ticket, and nothing registered by the refused attempt.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.events.models import Registration
from app.extensions import db
from tests.e2e.conftest import PHONE, release_db, screenshot, sign_in
from tests.factories import Factories

pytestmark = pytest.mark.browser


def test_a_customer_corrects_bad_input_and_gets_a_ticket(live_server, phone, make):
    outlet = make.outlet("RF1", name="城南支行（测试）")
    event = make.event(outlet, title="社保卡激活讲座（测试）", max_party_size=2,
                       description="现场讲解社保卡激活与养老金查询（测试数据）")
    slug, event_id = event.slug, event.id
    release_db()

    phone.goto(f"{live_server}/e/{slug}")
    expect(phone.locator(".event-hero__title")).to_have_text("社保卡激活讲座（测试）")
    phone.fill("#name", "")
    phone.fill("#phone", "1380013")
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    expect(phone.locator(".notice--error")).to_contain_text("请按提示修改后再提交")
    errors = phone.locator(".field__error").all_inner_texts()
    assert "请填写姓名" in errors
    assert "请填写正确的 11 位手机号" in errors
    assert "请阅读并同意个人信息使用说明" in errors
    assert phone.input_value("#phone") == "1380013"  # what was typed stays
    expect(phone.locator(".event-hero__desc")).to_contain_text("现场讲解社保卡激活与养老金查询")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "register-form-bad")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)
                             .where(Registration.event_id == event_id)) == 0
    release_db()

    phone.fill("#name", "赵敏")
    phone.fill("#phone", "139 0000 7788")
    phone.check("#consent")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/t/*")
    expect(phone.locator("body")).to_contain_text("社保卡激活讲座（测试）")
    screenshot(phone, "register-form-ticket")
    registration = db.session.scalars(sa.select(Registration).where(Registration.event_id == event_id)).one()
    assert (registration.name, registration.phone, registration.status) == ("赵敏", "13900007788", "confirmed")
    assert phone.url.split("/t/")[1].split("?")[0] == registration.ticket_token
    # The refused POST answers 422 (the page with its errors), which Chromium logs; nothing else may be logged.
    assert [e for e in phone.console_errors if "status of 422" not in e] == []


def _sign_up(phone, live_server: str, name: str, number: str, party_size: str | None = None) -> None:
    """Fill the open registration page, agree, submit: the ticket page follows."""
    phone.fill("#name", name)
    phone.fill("#phone", number)
    if party_size:
        phone.select_option("#party_size", party_size)
    phone.check("#consent")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/t/*")


def test_the_seats_left_follow_each_sign_up_to_the_waitlist_and_staff_see_them(live_server, phone, make):
    """The page's 名额 and its button come from the event's seat counter: a party takes the last seats through
    the form, the next visitor sees the event full and joins the waitlist, and staff's list counts both."""
    outlet = make.outlet("RF2", name="城北支行（测试）")
    staff = make.user("staff", outlet=outlet, username="rf2.staff")
    event = make.event(outlet, title="亲子理财课（测试）", capacity=3, max_party_size=2)
    make.registration(event, phone="19900008001")
    slug, username = event.slug, staff.username
    release_db()

    phone.goto(f"{live_server}/e/{slug}")
    expect(phone.locator("body")).to_contain_text("剩余 2 个")
    _sign_up(phone, live_server, "钱多多", "13900008002", party_size="2")
    expect(phone.locator("body")).to_contain_text("已确认")

    phone.goto(f"{live_server}/e/{slug}")
    expect(phone.locator("body")).to_contain_text("已满，可报名候补")
    expect(phone.locator("button[type=submit]")).to_have_text("报名候补")
    screenshot(phone, "register-form-full")
    _sign_up(phone, live_server, "孙晓", "13900008003")
    expect(phone.locator("body")).to_contain_text("已进入候补")
    screenshot(phone, "register-form-waitlisted")

    sign_in(phone, live_server, username, Factories.PASSWORD)
    phone.goto(f"{live_server}/events")
    expect(phone.locator("body")).to_contain_text("已确认 3/3 人 · 候补 1 份报名")
    screenshot(phone, "register-form-staff-list")
    assert phone.console_errors == []
