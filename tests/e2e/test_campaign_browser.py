"""A branch (支行) on a phone: push a campaign to its outlets (bad input, then good), see who has not
published, and read the comparison once an outlet has results."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.campaigns.models import Campaign
from app.events import services as event_services
from app.events.models import Event
from app.extensions import db
from app.followups.services import finish_event
from tests.e2e.conftest import release_db, screenshot
from tests.e2e.conftest import sign_in as _login
from tests.followups.conftest import Happenings

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page, width: int = 390) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_branch_creates_a_campaign_and_reads_its_comparison_on_a_phone(live_server, phone, make):
    a1, a2 = make.outlet("EA1", "城西一网点（测试）"), make.outlet("EA2", "城西二网点（测试）")
    other = make.outlet("EB1", "城东网点（测试）")
    branch = make.branch("EX", [a1, a2], name="城西支行（测试）")
    make.branch("EY", [other], name="城东支行（测试）")
    make.user("branch", branch=branch, username="ex.branch", name="支行运营")
    release_db()
    _login(phone, live_server, "ex.branch", make.PASSWORD)
    assert "支行活动" in phone.locator("#branch-campaigns").inner_text()
    phone.click("#branch-campaigns >> text=新建支行活动")
    phone.wait_for_url(f"{live_server}/campaigns/new")
    outlets = phone.locator("fieldset").inner_text()
    assert "城西一网点" in outlets and "城西二网点" in outlets and "城东网点" not in outlets

    # Bad input: no template, no name, the end before the start, no places.
    phone.fill("#title", "")
    phone.fill("#starts_at", "2030-09-21T14:00")
    phone.fill("#ends_at", "2030-09-21T12:00")
    phone.fill("#capacity", "0")
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    errors = phone.locator(".field__error").all_inner_texts()
    assert "请填写活动名称" in errors and any("名额至少 1 人" in e for e in errors)
    assert "请选择模板" in errors and "结束时间应晚于开始时间" in errors
    _no_sideways_scroll(phone)
    screenshot(phone, "campaign-form-errors")
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0
    release_db()

    # Good input.
    phone.select_option("#template_key", "double_ninth_health_talk")
    phone.fill("#title", "重阳敬老健康讲座·支行联动（测试）")
    phone.fill("#starts_at", "2030-10-05T09:30")
    phone.fill("#ends_at", "2030-10-05T11:30")
    phone.fill("#capacity", "30")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/campaigns/*")
    assert "已向 2 个网点推送活动草稿" in phone.locator(".notice").first.inner_text()
    assert "还有 2 个网点未发布" in phone.locator("#unpublished").inner_text()
    assert phone.locator('[data-state="draft"]').count() == 2
    _no_sideways_scroll(phone)
    screenshot(phone, "campaign-created")
    campaign_url = phone.url

    # One outlet holds its event and gets results; the other has not published.
    db.session.rollback()
    event = db.session.scalar(sa.select(Event).where(Event.outlet_id == a1.id))
    event.venue = "一楼大厅"
    event_services.publish(event)
    db.session.commit()
    happen = Happenings()
    came = make.registration(event, name="张阿姨", phone="19900009001")
    make.registration(event, name="李伯伯", phone="19900009002")
    happen.move_to_past(event)
    happen.check_in(came)
    finish_event(event)
    release_db()

    phone.goto(campaign_url)
    assert "还有 1 个网点未发布：城西二网点（测试）" in phone.locator("#unpublished").inner_text()
    row = phone.locator('#comparison tr[data-outlet="EA1"]').inner_text()
    assert "城西一网点" in row and "2" in row and "50%" in row
    phone.locator("#comparison").scroll_into_view_if_needed()
    _no_sideways_scroll(phone)
    screenshot(phone, "campaign-comparison")
    assert phone.console_errors == []
