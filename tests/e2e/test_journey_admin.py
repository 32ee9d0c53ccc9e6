"""The branch admin on a phone: partners and offers, partner logins, an export and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.alliance.models import Offer, Partner
from app.auth.models import User
from app.timefmt import local_today
from tests.e2e.conftest import release_db
from tests.e2e.steps import login, look

pytestmark = pytest.mark.browser


@pytest.fixture
def branch(make):
    outlet = make.outlet("JA01", name="瓯海支行营业部（测试）")
    make.user("admin", username="jrn.admin", name="支行管理员")
    event = make.event(outlet, title="中秋亲子做月饼（测试）", capacity=20)
    make.registration(event, name="王小明", phone="19900008201")
    event_id = event.id
    release_db()
    return event_id


def partner_form(j, path: str, **fields: str) -> None:
    j.goto(path)
    for name, value in fields.items():
        if name == "category":
            j.page.select_option("#category", value)
        else:
            j.page.fill(f"#{name}", value)
    j.submit("保存")


def offer_form(j, path: str, **fields: str) -> None:
    j.goto(path)
    for name, value in fields.items():
        if name in ("cost_share", "issue_on"):
            j.page.select_option(f"#{name}", value)
        else:
            j.page.fill(f"#{name}", value)
    j.submit()


def partner_login_form(j, username: str, partner: str, password: str) -> None:
    j.goto("/partners/users")
    j.page.fill("#username", username)
    j.page.fill("#display_name", "前台（测试）")
    j.page.select_option("#partner_code", partner)
    j.page.fill("#password", password)
    j.submit("创建")


def test_admin_partners_offers_logins_exports_and_audit(journey, branch):
    event_id = branch
    j = journey("admin")
    login(j, "jrn.admin")
    assert j.path() == "/today"

    # a new partner: nothing filled is refused field by field, then added
    partner_form(j, "/partners/new", code="", name="")
    assert j.field_error("code") == "请填写商户代码" and j.field_error("name") == "请填写商户名称"
    j.shot("partner-empty")
    partner_form(j, "/partners/new", code="P-MOON", name="月满楼茶点（测试）", category="bakery",
                 contact_phone="19900008202")
    assert "已添加联盟商户" in j.notice()
    assert j.path() == "/partners/P-MOON"
    j.shot("partner-added")
    partner_form(j, "/partners/new", code="P-MOON", name="重复的商户（测试）")
    assert j.errors(), "a second partner with the same code is refused"
    j.shot("partner-duplicate-code")

    # edit it
    partner_form(j, "/partners/P-MOON/edit", name="")
    assert j.field_error("name") == "请填写商户名称"
    partner_form(j, "/partners/P-MOON/edit", name="月满楼茶点（瓯海店）")
    assert "已保存" in j.notice()
    assert "月满楼茶点（瓯海店）" in j.text()
    j.shot("partner-edited")

    # an offer: ending before it starts is refused, then saved, edited, switched off
    today = local_today()
    offer_form(j, "/partners/P-MOON/offers/new", title="凭券送月饼一枚（测试）",
               valid_from=today.isoformat(), valid_until=(today - timedelta(days=1)).isoformat())
    assert j.errors()
    assert j.page.input_value("#title") == "凭券送月饼一枚（测试）"
    j.shot("offer-dates-refused")
    offer_form(j, "/partners/P-MOON/offers/new", title="凭券送月饼一枚（测试）",
               valid_from=today.isoformat(), valid_until=(today + timedelta(days=30)).isoformat(),
               cost_share="shared", bank_share_percent="40")
    assert "优惠已保存" in j.notice()
    assert "凭券送月饼一枚（测试）" in j.text() and "银行 40%" in j.text()
    j.shot("offer-added")
    offer_id = look(sa.select(Offer.id).where(Offer.title == "凭券送月饼一枚（测试）"))
    offer_form(j, f"/partners/P-MOON/offers/{offer_id}/edit", bank_share_percent="140")
    assert j.field_error("bank_share_percent")
    j.shot("offer-share-refused")
    offer_form(j, f"/partners/P-MOON/offers/{offer_id}/edit", bank_share_percent="50")
    assert "优惠已保存" in j.notice() and "银行 50%" in j.text()
    j.tap("停用")
    assert "优惠已停用" in j.notice()
    assert look(sa.select(Offer.active).where(Offer.id == offer_id)) is False
    j.shot("offer-off")
    j.tap("启用")
    assert "优惠已启用" in j.notice()

    # a login for the partner's counter: a short password is refused, then created
    partner_login_form(j, "moon.counter", "P-MOON", "short")
    assert "密码至少" in j.field_error("password")
    j.shot("partner-login-refused")
    partner_login_form(j, "moon.counter", "P-MOON", "moon-counter-2026")
    assert "已创建商户账号 moon.counter" in j.notice()
    assert "moon.counter" in j.text("table")
    assert look(sa.select(User.role).where(User.username == "moon.counter")) == "partner"
    assert look(sa.select(Partner.name).where(Partner.code == "P-MOON")) == "月满楼茶点（瓯海店）"
    j.shot("partner-login-created")

    # an export, then the audit log shows it (filtered by action)
    j.goto(f"/events/{event_id}")
    download = j.download("报名名单 Excel")
    assert download.suggested_filename.endswith(".xlsx")
    j.goto("/admin/audit")
    j.page.select_option("select[name=action]", "export")
    with j.page.expect_navigation():
        j.page.get_by_role("button", name="筛选").click()
    rows = j.text("table")
    assert "导出" in rows and "registrations.xlsx" in rows and "jrn.admin" in rows
    assert "登录" not in rows.replace("导出", "")  # the filter holds
    j.shot("audit-exports")
    j.page.select_option("select[name=action]", "")
    j.page.fill("input[name=user]", "nobody.here")
    with j.page.expect_navigation():
        j.page.get_by_role("button", name="筛选").click()
    assert "没有匹配的记录" in j.text("table")
    assert j.console_errors() == []
