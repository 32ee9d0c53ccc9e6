"""On a phone: the registration page's separate marketing box; the event page's invitation form."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import release_db, screenshot
from tests.e2e.conftest import sign_in as _login

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_registration_page_marketing_box_is_separate_and_unticked(live_server, phone, make):
    from app.customers.models import MARKETING_PURPOSE, Consent, Customer
    from app.extensions import db

    slug = make.event(title="理财沙龙（测试）", capacity=30).slug
    release_db()
    phone.goto(f"{live_server}/e/{slug}")
    box = phone.locator("input[name=marketing_consent]")
    assert box.is_visible() and not box.is_checked()
    assert "愿意接收本网点的活动邀请" in phone.locator("label.check", has=box).inner_text()
    _fits(phone)
    # Bad input: the invitation box ticked, the registration consent not: refused, nothing recorded.
    phone.fill("#name", "韩梅梅")
    phone.fill("#phone", "13800138000")
    box.check()
    phone.click("button[type=submit]")
    assert "请阅读并同意个人信息使用说明" in phone.locator(".field--error").first.inner_text()
    screenshot(phone, "register-marketing-error")
    phone.check("input[name=consent]")
    if not phone.locator("input[name=marketing_consent]").is_checked():
        phone.check("input[name=marketing_consent]")
    screenshot(phone, "register-marketing-box")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/t/**")
    db.session.rollback()
    purposes = db.session.scalars(sa.select(Consent.purpose).join(Customer).where(Customer.phone == "13800138000"))
    assert MARKETING_PURPOSE in list(purposes)
    release_db()
    assert [e for e in phone.console_errors if "422" not in e] == []


def test_staff_invite_customers_from_the_event_page(live_server, phone, make):
    outlet = make.outlet("EI", name="滨江支行（测试）")
    make.user("staff", outlet=outlet, username="ei.staff", name="林晓")
    event = make.event(outlet, title="亲子财商课（测试）")
    make.customer(outlet, name="同意者", phone="13900008001", segments=["family"], marketing_consent="是")
    make.customer(outlet, name="未同意", phone="13900008002", segments=["family"])
    event_id = event.id
    release_db()
    _login(phone, live_server, "ei.staff", make.PASSWORD)
    phone.goto(f"{live_server}/events/{event_id}")
    form = phone.locator("#invite")
    assert "邀请客户" in form.inner_text()
    _fits(phone)
    # Bad input first: nothing chosen (the event's own segments are pre-ticked: untick them), then junk.
    for box in form.locator("input[name=segments]").all():
        box.uncheck()
    phone.once("dialog", lambda dialog: dialog.accept())
    form.locator("button[type=submit]").click()
    phone.wait_for_load_state()
    assert "请选择客群或客户" in phone.locator(".notice--error").first.inner_text()
    phone.fill("#invite-customers", "张三")
    phone.once("dialog", lambda dialog: dialog.accept())
    form.locator("button[type=submit]").click()
    phone.wait_for_load_state()
    assert "无法识别" in phone.locator(".notice--error").first.inner_text()
    screenshot(phone, "invite-error")
    # Good input: a segment ticked.
    form.locator("label.chip", has_text="亲子家庭").locator("input").check()
    phone.once("dialog", lambda dialog: dialog.accept())
    form.locator("button[type=submit]").click()
    phone.wait_for_load_state()
    notice = phone.locator(".notice--success").first.inner_text()
    assert "已发出邀请 1 条" in notice and "未同意接收邀请 1 位" in notice
    messages = phone.locator("#messages").inner_text()
    assert "活动邀请" in messages and "139****8001" in messages
    _fits(phone)
    screenshot(phone, "invite-done")
    assert phone.console_errors == []
