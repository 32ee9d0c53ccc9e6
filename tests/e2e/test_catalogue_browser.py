"""On a phone: staff read a template's customer text and its staff notes apart; customers see only the
former (page and poster); the follow-up page copies the script filled for this person (issue 12, 3-4)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.catalogue.builtin import builtin_templates
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.timefmt import local_today, local_tz
from tests.e2e.conftest import ARTIFACTS, release_db, screenshot
from tests.followups.conftest import Happenings

pytestmark = pytest.mark.browser

DUMPLINGS = "winter_solstice_dumplings"
MOONCAKE = "mid_autumn_family_mooncake"


def _login(phone, live_server, username, password):
    phone.goto(f"{live_server}/login")
    phone.fill("#username", username)
    phone.fill("#password", password)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/today")


def _staff_only(template) -> list[str]:
    phrases = re.split(r"[，。；：、（）“”！？\s]+", template.staff_notes)
    return [p for p in phrases if len(p) >= 6 and p not in template.description]


def test_staff_read_description_and_notes_apart_and_customers_see_only_the_description(
        live_server, phone, browser, make):
    outlet = make.outlet("CB01", name="滨江支行（测试）")
    make.user("staff", outlet=outlet, username="cat.staff", name="林晓")
    event = make.event(outlet, template_key=DUMPLINGS, title=None, capacity=40, max_party_size=2)
    event_id, slug = event.id, event.slug
    template = builtin_templates()[DUMPLINGS]
    release_db()

    _login(phone, live_server, "cat.staff", make.PASSWORD)
    phone.goto(f"{live_server}/planning/templates/{DUMPLINGS}")
    description = phone.locator(".template-description")
    notes = phone.locator(".template-staff-notes")
    assert description.inner_text().strip() == template.description
    assert "内部说明 · 仅员工可见" in notes.inner_text() and template.staff_notes in notes.inner_text()
    assert description.bounding_box()["y"] < notes.bounding_box()["y"]
    assert "【客户姓名】您好，我是【网点名称】的【员工姓名】" in phone.locator(".playbook").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "catalogue-template-page")

    phone.goto(f"{live_server}/events/{event_id}")
    texts = phone.locator(".event-texts")
    assert template.description in texts.inner_text() and template.staff_notes in texts.inner_text()
    screenshot(phone, "catalogue-staff-event-page")

    # The poster PNG a staff member shares: drawn from the description only.
    poster = phone.context.request.get(f"{live_server}/events/{event_id}/poster.png")
    assert poster.status == 200 and poster.headers["content-type"] == "image/png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "catalogue-poster.png").write_bytes(poster.body())
    pdf = phone.context.request.get(f"{live_server}/events/{event_id}/poster.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # A customer, not signed in, opens the registration page in WeChat.
    customer = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="zh-CN")
    page = customer.new_page()
    page.goto(f"{live_server}/e/{slug}")
    shown = page.locator("main").inner_text()
    assert template.description in page.locator(".event-hero__desc").inner_text()
    leaked = [p for p in _staff_only(template) if p in shown]
    assert not leaked and "客户经理" not in shown and "摸排" not in shown, leaked
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "catalogue-public-register")
    customer.close()
    assert phone.console_errors == []


@pytest.fixture
def tuesday_followups(make):
    """Last Tuesday's mooncake workshop: 张三 (a customer) came, and so did someone with no name on record."""
    happen = Happenings()
    outlet = make.outlet("CB02", name="瓯海支行营业部（测试）")
    make.user("staff", outlet=outlet, username="script.staff", name="林晓")
    zhang = make.customer(outlet, name="张三", phone="19900009001", owner="script.staff")
    nameless = make.customer(outlet, name="王五", phone="19900009002", owner="script.staff")
    event = make.event(outlet, template_key=MOONCAKE, title=None, max_party_size=3)
    came = [make.registration(event, name=c.name, phone=c.phone) for c in (zhang, nameless)]
    today = local_today()
    day = today - timedelta(days=(today.weekday() - 1) % 7 or 7)
    starts = datetime.combine(day, time(14, 0), local_tz())
    event.starts_at, event.ends_at = starts, starts + timedelta(hours=2)
    db.session.commit()
    for registration in came:
        happen.check_in(registration)
    finish_event(event)
    nameless.name = ""  # e.g. a record whose name was never taken
    db.session.commit()
    items = {f.customer_id: f.id for f in db.session.scalars(sa.select(FollowUp).where(FollowUp.event_id == event.id))}
    return {"day": day, "filled": items[zhang.id], "blank": items[nameless.id]}


def test_the_follow_up_page_copies_the_filled_script_and_refuses_a_blank(live_server, phone, make,
                                                                          tuesday_followups):
    day = tuesday_followups["day"]
    release_db()
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    _login(phone, live_server, "script.staff", make.PASSWORD)

    phone.goto(f"{live_server}/followups/{tuesday_followups['filled']}")
    button = phone.get_by_role("button", name="复制微信话术")
    assert button.is_enabled()
    button.click()
    phone.get_by_role("button", name="已复制").wait_for()
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("张三您好，我是瓯海支行营业部（测试）的林晓。")
    assert f"孩子{day.month}月{day.day}日（周二）做月饼的照片" in copied
    assert "××" not in copied and "{" not in copied and "小王" not in copied
    assert copied.splitlines()[0] in phone.locator("ol.script").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "catalogue-followup-copy")

    phone.goto(f"{live_server}/followups/{tuesday_followups['blank']}")
    blocked = phone.get_by_role("button", name="复制微信话术")
    assert blocked.is_disabled()
    assert "话术还缺客户姓名，补全后才能复制" in phone.locator(".script-why").inner_text()
    assert "【客户姓名】您好" in phone.locator("ol.script").inner_text()
    phone.get_by_role("link", name="去客户档案补上姓名").wait_for()
    screenshot(phone, "catalogue-followup-blocked")
    assert phone.console_errors == []
