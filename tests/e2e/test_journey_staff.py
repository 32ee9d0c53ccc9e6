"""A marketing staff member's day on a phone: customers, a follow-up worked, settings, tokens, sign-out."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken
from app.customers.models import Customer
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from tests.e2e.conftest import release_db
from tests.e2e.steps import login, login_refused, logout, look
from tests.followups.conftest import Happenings

pytestmark = pytest.mark.browser


@pytest.fixture
def day(make):
    outlet = make.outlet("JS01", name="瓯海支行营业部（测试）")
    staff = make.user("staff", outlet=outlet, username="jrn.staff", name="林晓")
    regular = make.customer(outlet, name="张秀英", phone="19900008101", owner="jrn.staff")
    event = make.event(outlet, title="养老规划沙龙（测试）", owner=staff)
    came = make.registration(event, name=regular.name, phone=regular.phone)
    happen = Happenings()
    happen.move_to_past(event)
    happen.check_in(came)
    finish_event(event)
    db.session.commit()
    item_id = db.session.scalars(sa.select(FollowUp.id).where(FollowUp.list == "maintain")).one()
    release_db()
    return item_id


def new_customer(j, name: str, phone: str, note: str = "") -> None:
    j.goto("/customers/new")
    j.page.fill("#name", name)
    j.page.fill("#phone", phone)
    j.page.fill("#note", note)
    j.submit("保存")


def edit_customer(j, customer_id: int, **fields: str) -> None:
    j.goto(f"/customers/{customer_id}/edit")
    for name, value in fields.items():
        j.page.fill(f"#{name}", value)
    j.submit("保存")


def record_followup(j, item_id: int, status: str | None, note: str = "", product: str | None = None,
                    amount: str = "") -> None:
    j.goto(f"/followups/{item_id}")
    if status:
        j.page.locator(".record-form").get_by_text(status, exact=True).click()
    if product:
        j.page.select_option("#product", label=product)
    j.page.fill("#amount", amount)
    j.page.fill("#note", note)
    j.submit("保存记录", within=".record-form")


def test_staff_customers_followup_settings_and_tokens(journey, day):
    item_id = day
    j = journey("staff")
    assert "用户名或密码不正确" in login_refused(j, "jrn.staff", "not-my-password")
    login(j, "jrn.staff")
    assert j.path() == "/today"
    j.shot("today")

    # a new customer: a wrong number first, then a right one
    new_customer(j, "周海燕", "12345")
    assert "手机号" in j.field_error("phone")
    assert j.page.input_value("#name") == "周海燕"  # what was typed stays
    j.shot("customer-bad-phone")
    new_customer(j, "周海燕", "199 0000 8102", note="理财客户，偏好稳健")
    assert "已保存客户 周海燕" in j.notice()
    assert "199****8102" in j.text() or "19900008102" in j.text()
    j.shot("customer-saved")
    customer_id = int(j.path().rsplit("/", 1)[1])

    # edit it: an empty name is refused, a new name is kept
    edit_customer(j, customer_id, name="")
    assert j.field_error("name") == "请填写姓名"
    j.shot("customer-edit-empty-name")
    edit_customer(j, customer_id, name="周海燕（VIP）")
    assert "已保存" in j.notice()
    assert look(sa.select(Customer.name).where(Customer.id == customer_id)) == "周海燕（VIP）"
    j.shot("customer-edited")

    # work a follow-up: no outcome chosen is refused, then a conversion with a note
    record_followup(j, item_id, None, note="电话未接通")
    assert j.text(".record-form .field__error") == "请选择结果"
    j.shot("followup-no-outcome")
    record_followup(j, item_id, "已转化", note="购买了一年期理财", product="理财", amount="80000")
    assert "已记录：已转化" in j.notice() or "已记录：已转化" in j.notice()
    assert "购买了一年期理财" in j.text()
    assert look(sa.select(FollowUp.status).where(FollowUp.id == item_id)) == "converted"
    j.shot("followup-converted")

    # settings: check in on opening a ticket link
    j.goto("/me")
    setting = j.page.locator("#checkin-setting")
    assert "已关闭" in setting.inner_text()
    j.tap("开启")
    assert "已开启" in j.text("#checkin-setting")
    j.shot("setting-on")
    j.tap("关闭")
    assert "已关闭" in j.text("#checkin-setting")

    # an API token: created (shown once), then revoked
    j.page.fill("#label", "CRM 对接（测试）")
    j.tap("生成新令牌")
    secret = j.text("#new-token")
    assert len(secret) > 20
    assert "CRM 对接（测试）" in j.text()
    j.shot("token-created")
    j.tap("吊销")
    assert "令牌已吊销" in j.notice()
    assert "暂无有效令牌" in j.text()
    assert look(sa.select(sa.func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))) == 0
    j.shot("token-revoked")

    logout(j)
    assert j.path() == "/login"
    assert "您已退出登录" in j.notice("info")
    j.shot("signed-out")
    j.goto("/today")
    assert j.path().startswith("/login")  # signed out for real
    assert j.console_errors() == []
