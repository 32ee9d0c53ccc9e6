"""An outlet manager on a phone: import customers, finish an event, hand out follow-ups, a template,
cancel an event, the dashboard and its Excel file."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.catalogue.models import OutletTemplate
from app.customers.models import Customer
from app.events.models import Event
from app.extensions import db
from app.followups.models import FollowUp
from tests.e2e.conftest import ARTIFACTS, release_db
from tests.e2e.steps import login, look
from tests.followups.conftest import Happenings

pytestmark = pytest.mark.browser


@pytest.fixture
def outlet_day(make):
    outlet = make.outlet("JM01", name="瓯海支行营业部（测试）")
    make.user("manager", outlet=outlet, username="jrn.manager", name="陈经理")
    make.user("staff", outlet=outlet, username="jrn.helper", name="吴佳")
    past = make.event(outlet, title="重阳敬老茶话会（测试）", capacity=20)
    came = make.registration(past, name="赵阿姨", phone="19900008301")
    make.registration(past, name="钱伯伯", phone="19900008302")
    happen = Happenings()
    happen.move_to_past(past)
    happen.check_in(came)
    coming = make.event(outlet, title="冬至包饺子（测试）", capacity=20, starts_in_days=10)
    make.registration(coming, name="孙女士", phone="19900008303")
    ids = past.id, coming.id
    release_db()
    return ids


def import_file(j, path, outlet: str | None = None) -> None:
    j.goto("/customers/import")
    j.page.set_input_files("#file", str(path))
    if outlet:
        j.page.select_option("#outlet_code", outlet)
    j.submit("上传并导入")


def reassign(j, names: list[str], to: str) -> None:
    """Tick the follow-ups of these customers on the list and hand them to a colleague."""
    form = j.page.locator("#reassign-form")
    for name in names:
        form.get_by_label(f"选择 {name}").check()
    j.page.select_option("#assignee", label=to)
    with j.page.expect_navigation():
        form.get_by_role("button", name="转交").click()


def test_manager_imports_finishes_reassigns_and_reads_the_dashboard(journey, outlet_day, tmp_path):
    past_id, coming_id = outlet_day
    j = journey("manager")
    login(j, "jrn.manager")

    # import: a file of the wrong kind, then a CSV with one good row and one bad phone
    wrong = tmp_path / "客户名单.txt"
    wrong.write_text("name,phone\n张三,19900008304\n", encoding="utf-8")
    import_file(j, wrong)
    assert j.field_error("file") == "只支持 .csv 和 .xlsx 文件"
    j.shot("import-wrong-file")
    good = tmp_path / "customers.csv"
    good.write_text("姓名,手机号,客群\n周一鸣,199 0000 8305,银发客群\n吴二,12345,\n", encoding="utf-8")
    import_file(j, good, outlet="JM01")
    report = j.text(".table")
    assert "新建 1 · 更新 0 · 错误 1" in j.text()
    assert "周一鸣" in report and "错误" in report
    assert look(sa.select(Customer.name).where(Customer.phone == "19900008305")) == "周一鸣"
    j.shot("import-report")

    # the past event: saved as an outlet template, then finished into follow-up lists
    j.goto(f"/events/{past_id}")
    j.page.fill("form.inline-form input[name=name]", "重阳茶话会（本网点版）")
    j.tap("存为本网点模板")
    assert "已存为本网点模板" in j.notice()
    assert look(sa.select(OutletTemplate.name)) == "重阳茶话会（本网点版）"
    j.goto("/planning/templates")
    assert "重阳茶话会（本网点版）" in j.text()
    j.shot("template-saved")
    j.goto(f"/events/{past_id}")
    j.tap("结束活动，生成跟进名单", confirm=True)
    assert "活动已结束" in j.notice() and "生成跟进 2 条" in j.notice()
    j.shot("event-finished")

    # hand out follow-ups: none ticked is refused, then one to a colleague
    form = j.page.locator("#reassign-form")
    j.page.select_option("#assignee", label="吴佳（瓯海支行营业部（测试））")
    with j.page.expect_navigation():
        form.get_by_role("button", name="转交").click()
    assert "请先勾选要转交的跟进" in j.notice("error")
    reassign(j, ["钱伯伯"], "吴佳（瓯海支行营业部（测试））")
    assert "已转交 1 条跟进给 吴佳" in j.notice()
    helper_items = look(sa.select(sa.func.count()).select_from(FollowUp)
                        .where(FollowUp.assignee.has(username="jrn.helper")))
    assert helper_items == 1
    j.shot("followups-reassigned")

    # the coming event is called off, with a reason for the guests
    j.goto(f"/events/{coming_id}")
    j.page.fill("input[name=reason]", "场地维修，改期另行通知")
    j.tap("取消活动", confirm=True)
    assert "活动已取消" in j.notice()
    assert look(sa.select(Event.status).where(Event.id == coming_id)) == "cancelled"
    j.shot("event-cancelled")

    # the dashboard and its Excel file
    j.goto("/dashboard")
    assert "重阳敬老茶话会（测试）" in j.text() or j.page.locator(".stats").count()
    j.page.locator('[data-chart] svg, [data-chart] canvas').first.wait_for()
    j.shot("dashboard")
    download = j.download("下载 Excel")
    assert download.suggested_filename.endswith(".xlsx")
    download.save_as(ARTIFACTS / "journey-manager-dashboard.xlsx")
    j.goto("/followups/team")
    assert "吴佳" in j.text()
    j.shot("team")
    assert j.console_errors() == []
    db.session.commit()
