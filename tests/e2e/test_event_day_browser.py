"""The door on a phone (390×844): 今日 on an event day, the scanner without a camera, a check-in on another
day with its confirmation, undo, the walk-in form, and the team table.

Chromium headless has no camera at all, which is the missing-camera case staff meet on some phones.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.checkin.models import CheckIn
from app.extensions import db
from app.followups.services import finish_event
from tests.e2e.conftest import PHONE, release_db, screenshot
from tests.e2e.conftest import sign_in as _login
from tests.e2e.test_assets_browser import LOW_CONTRAST_JS
from tests.followups.conftest import Happenings

pytestmark = pytest.mark.browser



def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_an_event_day_today_starts_with_the_event_and_its_scan_button(live_server, phone, make):
    outlet = make.outlet("ED1", name="城西支行（测试）")
    staff = make.user("staff", outlet=outlet, username="day.staff", name="小周")
    event = make.event(outlet, starts_in_days=0, title="冬至包饺子（测试）", max_party_size=3, owner=staff)
    make.registration(event, name="刘一", phone="13800011001", party_size=2)
    # A long follow-up list, which used to push the event several screens down.
    past = make.event(outlet, title="上月讲座（测试）", owner=staff)
    for i in range(12):
        make.registration(past, name=f"回访{i}", phone=f"138000120{i:02d}")
    Happenings().move_to_past(past)
    finish_event(past)  # twelve no-shows to win back, on 小周's list
    db.session.commit()
    event_id = event.id
    release_db()
    _login(phone, live_server, "day.staff", make.PASSWORD)
    card = phone.locator("#event-day")
    expect(card).to_contain_text("冬至包饺子（测试）")
    scan = card.locator("a.event-day__scan")
    box = scan.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] and box["height"] >= 56  # first screen, a big target
    assert phone.locator("#event-day").bounding_box()["y"] < phone.locator("#todo").bounding_box()["y"]
    assert "已签到 0 / 2 人" in card.inner_text()
    _fits(phone)
    screenshot(phone, "today-event-day")
    phone.screenshot(path=str(screenshot(phone, "today-event-day").with_name("today-event-day-first-screen.png")),
                     full_page=False)
    scan.click()
    phone.wait_for_url(f"{live_server}/events/{event_id}/checkin")
    assert phone.console_errors == []


def test_the_scanner_without_a_camera_gives_neutral_guidance_and_the_look_up(live_server, phone, make):
    outlet = make.outlet("ED2")
    make.user("staff", outlet=outlet, username="nocam.staff")
    event = make.event(outlet, starts_in_days=0, title="反诈讲座（测试）")
    event_id = event.id
    release_db()
    _login(phone, live_server, "nocam.staff", make.PASSWORD)
    phone.goto(f"{live_server}/events/{event_id}/checkin")
    result = phone.locator('[data-result][data-state="info"]')
    expect(result).to_be_visible(timeout=15_000)
    text = result.inner_text()
    assert "摄像头" in text and "查找签到" in text
    assert "无法签到" not in text and "Camera" not in text and "not found" not in text
    help_box = phone.locator("[data-camera-help]")
    expect(help_box).to_be_visible()
    assert phone.locator(".scan__stage").is_hidden()
    _fits(phone)
    screenshot(phone, "checkin-scanner-no-camera")
    assert phone.evaluate(LOW_CONTRAST_JS) == []
    help_box.locator("a", has_text="查找签到").click()
    phone.wait_for_url(f"{live_server}/events/{event_id}/checkin/lookup")
    assert phone.console_errors == []


def test_a_check_in_on_another_day_asks_first_and_can_be_undone(live_server, phone, make):
    outlet = make.outlet("ED3")
    make.user("staff", outlet=outlet, username="early.staff")
    event = make.event(outlet, starts_in_days=18, title="重阳登高（测试）", max_party_size=2)
    registration = make.registration(event, name="孙悟空", phone="13800013001", party_size=2)
    event_id, registration_id, token = event.id, registration.id, registration.ticket_token
    release_db()
    _login(phone, live_server, "early.staff", make.PASSWORD)
    phone.goto(f"{live_server}/events/{event_id}/checkin")
    expect(phone.locator("[data-day-warning]")).to_contain_text("今天不是活动日")
    expect(phone.locator('[data-result][data-state="info"]')).to_be_visible(timeout=15_000)
    phone.locator(".scan-manual summary").click()
    phone.fill("[data-manual] input", token)
    phone.locator("[data-manual] button").click()
    warn = phone.locator('[data-result][data-state="warn"]')
    expect(warn).to_contain_text("今天不是活动日")
    expect(warn).to_contain_text("还有 18 天")
    expect(phone.locator("[data-confirm-yes]")).to_be_visible()
    screenshot(phone, "checkin-other-day-confirm")
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0  # nothing written before the answer
    db.session.commit()
    phone.locator("[data-confirm-yes]").click()
    ok = phone.locator('[data-result][data-state="ok"]')
    expect(ok).to_contain_text("签到成功")
    expect(ok).to_contain_text("共 2 人")
    expect(phone.locator('[data-count="people_checked_in"]')).to_have_text("2")
    undo = phone.locator("[data-undo-button]")
    expect(undo).to_be_visible()
    screenshot(phone, "checkin-other-day-done")
    assert phone.evaluate(LOW_CONTRAST_JS) == []  # white on the success green reads (4.5:1)
    undo.click()
    expect(phone.locator('[data-result][data-state="warn"]')).to_contain_text("已撤销签到")
    expect(phone.locator('[data-count="people_checked_in"]')).to_have_text("0", timeout=10_000)
    screenshot(phone, "checkin-undone")
    kinds = db.session.scalars(sa.select(CheckIn.kind).where(CheckIn.registration_id == registration_id)
                               .order_by(CheckIn.id)).all()
    assert kinds == ["checkin", "undo"]
    db.session.commit()
    _fits(phone)
    # The refusal answered 409 on purpose; chromium logs that status, nothing else may appear.
    assert [e for e in phone.console_errors if "status of 409" not in e] == []


def test_the_walk_in_form_marks_required_fields_and_answers_good_and_bad_input(live_server, phone, make):
    outlet = make.outlet("ED4")
    make.user("staff", outlet=outlet, username="walk.staff")
    event = make.event(outlet, starts_in_days=0, title="理财早市（测试）", max_party_size=3, capacity=20)
    event_id = event.id
    release_db()
    _login(phone, live_server, "walk.staff", make.PASSWORD)
    phone.goto(f"{live_server}/events/{event_id}/walk-in")
    for label in ("姓名", "手机号"):
        assert phone.locator("label.field__label", has_text=label).locator(".req").count() == 1
    phone.fill("#name", "")
    phone.fill("#phone", "1234")
    phone.click("button[type=submit]")
    errors = phone.locator(".field--error .field__error")
    expect(errors.first).to_be_visible()
    for field_id in ("#phone", "#name"):
        assert phone.locator(f"{field_id}[aria-invalid=true]").count() == 1
    screenshot(phone, "checkin-walk-in-bad")
    _fits(phone)
    phone.fill("#name", "周芷若")
    phone.fill("#phone", "139 0000 4567")
    phone.select_option("#party_size", "2")
    phone.click("button[type=submit]")
    expect(phone.locator(".notice--success")).to_contain_text("签到成功：周芷若 · 共 2 人")
    screenshot(phone, "checkin-walk-in-good")
    assert [e for e in phone.console_errors if "status of 422" not in e] == []


def test_the_team_table_fits_a_phone(live_server, phone, make):
    outlet = make.outlet("ED5")
    make.user("manager", outlet=outlet, username="team.manager", name="网点负责人王经理")
    for i in range(4):
        make.user("staff", outlet=outlet, username=f"team.staff{i}", name=f"客户经理{i}号")
    release_db()
    _login(phone, live_server, "team.manager", make.PASSWORD)
    phone.goto(f"{live_server}/followups/team")
    table = phone.locator(".team-table")
    expect(table).to_be_visible()
    _fits(phone)
    # Every figure is on the screen with its column's name: nothing scrolls out of sight.
    assert phone.evaluate("document.querySelector('.table-wrap').scrollWidth <= "
                          "document.querySelector('.table-wrap').clientWidth")
    last = phone.locator(".team-table tbody tr").first.locator("td").last
    box = last.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"] and "本月逾期完成" in last.evaluate(
        "el => getComputedStyle(el, '::before').content")
    screenshot(phone, "followups-team-phone")
    assert phone.console_errors == []
