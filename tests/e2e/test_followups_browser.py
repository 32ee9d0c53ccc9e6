"""A staff member on a phone works 今日待办 and records a conversion; a manager opens the dashboard."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.timefmt import to_local
from tests.e2e.conftest import release_db, screenshot
from tests.followups.conftest import Happenings

pytestmark = pytest.mark.browser


@pytest.fixture
def worked_event(make):
    happen = Happenings()
    outlet = make.outlet("EB01", name="瓯海支行营业部（测试）")
    staff = make.user("staff", outlet=outlet, username="todo.staff", name="林晓")
    make.user("manager", outlet=outlet, username="todo.manager", name="陈经理")
    regular = make.customer(outlet, name="张秀英", phone="19900008001", owner="todo.staff")
    event = make.event(outlet, title="养老规划沙龙（测试）", owner=staff)
    event.playbook = {
        "maintain": {"due_days": 0,
                     "talking_points": ["{name}阿姨您好，谢谢参加{event}!个人养老金账户我帮您预约办理？"]},
        "prospect": {"due_days": 1, "talking_points": ["您好，欢迎加入我们的活动群。"]},
        "winback": {"due_days": 0, "talking_points": ["您好，这次没见到您，下期给您留位置。"]}}
    db.session.commit()
    came = make.registration(event, name=regular.name, phone=regular.phone)
    newcomer = make.registration(event, name="李新客", phone="19900008002")
    make.registration(event, name="王爽约", phone="19900008003")
    happen.move_to_past(event)
    happen.check_in(came)
    happen.check_in(newcomer)
    finish_event(event)
    db.session.commit()
    return event


def test_working_todays_list_on_a_phone(live_server, phone, make, worked_event):
    item_id = db.session.scalars(sa.select(FollowUp.id).where(FollowUp.list == "maintain")).one()
    release_db()
    phone.goto(f"{live_server}/login")
    phone.fill("#username", "todo.staff")
    phone.fill("#password", make.PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/today")
    panel = phone.locator("#todo")
    assert panel.locator(".card__title").inner_text().startswith("今日待办")
    first = panel.locator(".todo").first
    assert "张秀英" in first.inner_text() and "维护" in first.inner_text()
    assert first.locator("a.todo__call").get_attribute("href") == "tel:19900008001"
    assert first.get_by_role("button", name="复制微信话术").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "followups-today")

    first.locator(".todo__main").click()
    phone.wait_for_url(f"{live_server}/followups/{item_id}")
    phone.get_by_text("已转化", exact=True).click()
    phone.select_option("#product", label="理财")
    phone.fill("#amount", "80000")
    phone.fill("#note", "购买了一年期理财")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "followups-record")
    phone.get_by_role("button", name="保存记录").click()
    phone.wait_for_url(f"{live_server}/followups/{item_id}")
    assert "已记录：已转化" in phone.locator(".notice--success").inner_text()
    assert "理财 · ¥80,000.00" in phone.locator(".outcome").inner_text()

    phone.goto(f"{live_server}/today")
    due = phone.locator("#todo").inner_text()
    assert "张秀英" not in due and "王爽约" in due  # done items leave the to-do list
    assert phone.console_errors == []


def test_the_manager_dashboard_draws_its_charts(live_server, phone, make, worked_event):
    month = to_local(worked_event.starts_at).strftime("%Y-%m")
    item = db.session.scalars(sa.select(FollowUp).where(FollowUp.list == "maintain")).one()
    item.status, item.outcome_product, item.outcome_amount = "converted", "wealth", 50000
    db.session.commit()
    release_db()
    phone.goto(f"{live_server}/login")
    phone.fill("#username", "todo.manager")
    phone.fill("#password", make.PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/today")
    phone.goto(f"{live_server}/dashboard?month={month}")
    chart = phone.locator('[data-chart="templates"][data-period="month"]')
    chart.locator("svg").first.wait_for()
    assert "签到" in chart.inner_text() or chart.locator("svg text").count() > 0
    assert "¥5.0万" in phone.locator("#period-month .stats").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "dashboard")
    assert phone.console_errors == []
