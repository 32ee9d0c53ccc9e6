"""Follow-up pages: 今日待办 on the home page, recording on a phone, 开拓名单, daily closing, bulk reassignment."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.models import utcnow
from app.timefmt import local_today


@pytest.fixture
def work(make, happen):
    """Outlet PA: fa staff 林晓 owns 张老客 (attended) and 钱老客 (no-show twice); a newcomer 李新客 attended."""
    outlet = make.outlet("PA")
    staff = make.user("staff", outlet=outlet, username="pa.staff", name="林晓")
    make.user("staff", outlet=outlet, username="pa.other", name="王芳")
    make.user("manager", outlet=outlet, username="pa.manager", name="陈经理")
    regular = make.customer(outlet, name="张老客", phone="19900006001", owner="pa.staff")
    absent = make.customer(outlet, name="钱老客", phone="19900006002", owner="pa.staff")
    events = []
    for n in (1, 2):
        event = make.event(outlet, title=f"第{n}期理财沙龙（测试）", owner=staff)
        event.playbook = {"maintain": {"due_days": 0, "talking_points": ["{name}您好，谢谢参加{event}！"]},
                          "prospect": {"due_days": 2, "talking_points": ["欢迎加入活动群"]},
                          "winback": {"due_days": 0, "talking_points": ["下期给您留位置"]}}
        db.session.commit()
        came = make.registration(event, name=regular.name, phone=regular.phone) if n == 2 else None
        make.registration(event, name=absent.name, phone=absent.phone)
        newcomer = make.registration(event, name="李新客", phone="19900006003") if n == 2 else None
        happen.move_to_past(event, ended_hours_ago=1 + 24 * (2 - n))
        for registration in (came, newcomer):
            if registration:
                happen.check_in(registration)
        finish_event(event)
        db.session.commit()
        events.append(event)
    # The first event's win-back item is two days overdue.
    overdue = db.session.scalars(sa.select(FollowUp).where(FollowUp.event_id == events[0].id)).one()
    overdue.due_date = local_today() - timedelta(days=2)
    db.session.commit()
    return {"events": events, "staff": staff, "regular": regular, "absent": absent, "overdue": overdue}


def test_today_panel_comes_first_with_call_and_copy(client, auth, work):
    auth.login("pa.staff")
    html = client.get("/today").get_data(as_text=True)
    assert html.index("今日待办") < html.index("今日活动")
    panel = html[html.index('id="todo"'):html.index("未来 7 天")]
    assert "张老客" in panel and "钱老客" in panel and "逾期 2 天" in panel
    assert panel.index("逾期 2 天") < panel.index("张老客")  # overdue first
    assert 'href="tel:19900006001"' in panel and "复制微信话术" in panel
    assert "张老客您好，谢谢参加第2期理财沙龙（测试）！" in panel
    assert "多次爽约" in panel  # 钱老客 missed both events
    assert "李新客" not in panel
    upcoming = html[html.index("未来 7 天"):html.index("今日活动")]
    assert "李新客" in upcoming  # a newcomer goes to the event's owner, due in two days


def test_recording_a_conversion_on_the_item_page(client, auth, work):
    item = db.session.scalars(sa.select(FollowUp).where(FollowUp.list == "maintain")).one()
    auth.login("pa.staff")
    page = client.get(f"/followups/{item.id}").get_data(as_text=True)
    assert "记录本次跟进" in page and 'href="tel:19900006001"' in page
    missing = client.post(f"/followups/{item.id}", data={"status": "converted", "contact_method": "phone"})
    assert missing.status_code == 200 and "已转化需要选择产品" in missing.get_data(as_text=True)
    response = client.post(f"/followups/{item.id}", data={
        "status": "converted", "contact_method": "phone", "product": "wealth", "amount": "80000", "note": "买了理财",
        "next_due_date": (local_today() + timedelta(days=30)).isoformat()})
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已记录：已转化" in html and "理财 · ¥80,000.00" in html and "第 2 次跟进" in html
    assert db.session.scalar(sa.select(sa.func.count(FollowUp.id)).where(
        FollowUp.registration_id == item.registration_id)) == 2


def test_the_prospect_list_shows_newcomers_with_their_source_event(client, auth, work):
    auth.login("pa.other")
    html = client.get("/followups/prospects").get_data(as_text=True)
    assert "李新客" in html and "来源活动：第2期理财沙龙（测试）" in html
    assert "张老客" not in html and "钱老客" not in html


def test_the_customer_page_shows_events_followups_and_the_no_show_badge(client, auth, work):
    auth.login("pa.staff")
    html = client.get(f"/customers/{work['absent'].id}").get_data(as_text=True)
    assert "活动与跟进" in html and "多次爽约" in html and "未到场" in html and "第1期理财沙龙（测试）" in html
    regular = client.get(f"/customers/{work['regular'].id}").get_data(as_text=True)
    assert "已到场" in regular and "多次爽约" not in regular


def test_daily_closing_per_staff_member_for_managers(client, auth, work):
    done = db.session.scalars(sa.select(FollowUp).where(FollowUp.list == "prospect")).one()
    done.status, done.done_at = "contacted", utcnow()
    db.session.commit()
    auth.login("pa.staff")
    assert client.get("/followups/team").status_code == 403
    auth.logout()
    auth.login("pa.manager")
    html = client.get("/followups/team").get_data(as_text=True)
    row = html[html.index("林晓"):html.index("</tr>", html.index("林晓"))]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:6]]
    # due today (maintain + 2nd win-back), overdue (1st win-back), done today, on time, late
    assert cells == ["2", "1", "1", "1", "0"]


def test_managers_reassign_from_the_list_page(client, auth, work):
    ids = [str(f.id) for f in db.session.scalars(sa.select(FollowUp).where(FollowUp.list == "winback"))]
    auth.login("pa.manager")
    page = client.get("/followups").get_data(as_text=True)
    assert 'name="ids"' in page and "把勾选的跟进转交给" in page
    response = client.post("/followups/reassign", data={"ids": ids, "assignee": "pa.other", "back": "/followups"})
    assert response.status_code == 303
    assert "已转交 2 条跟进给 王芳" in client.get("/followups").get_data(as_text=True)
    owners = set(db.session.scalars(sa.select(FollowUp.assignee_id).where(FollowUp.list == "winback")))
    assert len(owners) == 1
    auth.logout()
    auth.login("pa.staff")
    assert 'name="ids"' not in client.get("/followups").get_data(as_text=True)
    assert client.post("/followups/reassign", data={"ids": ids, "assignee": "pa.staff"}).status_code == 403
