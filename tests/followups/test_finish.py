"""Finishing an event: who lands on which list, due dates and scripts, assignment, idempotency, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.customers.models import Customer
from app.errors import DomainError
from app.events.models import Event
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.scripts import for_assignee
from app.followups.services import _insert_ignoring_duplicates, finish_event
from app.timefmt import local_today, to_local

PLAYBOOK = {
    "maintain": {"due_days": 2, "talking_points": ["{customer}您好，感谢参加「{event}」！"]},
    "prospect": {"due_days": 3, "talking_points": ["{customer}您好，我是{outlet}的{staff}。", "可以帮您预约开户。"]},
    # {name}: what event playbooks copied before the placeholders had their names still works.
    "winback": {"due_days": 1, "talking_points": ["{name}您好，{date}的{event}没见到您，下期给您留位置。"]},
}


@pytest.fixture
def scene(make, happen):
    """Every combination: existing customer / newcomer × attended / no-show / waitlisted / cancelled / walk-in."""
    outlet = make.outlet("FU1")
    owner_staff = make.user("staff", outlet=outlet, username="fu1.owner", name="林晓")
    creator = make.user("staff", outlet=outlet, username="fu1.creator", name="王芳")
    known = {key: make.customer(outlet, name=f"老客{key}", phone=f"1990000{n:04d}", owner="fu1.owner")
             for n, key in enumerate(["attend", "noshow", "wait", "cancel", "walkin"], start=101)}
    event = make.event(outlet, capacity=6, title="理财沙龙（测试）", owner=creator)
    event.playbook = PLAYBOOK
    db.session.commit()
    regs = {}
    for key in ("attend", "noshow", "cancel"):
        regs[f"cust_{key}"] = make.registration(event, name=known[key].name, phone=known[key].phone)
    for n, key in enumerate(("attend", "noshow", "cancel"), start=201):
        regs[f"new_{key}"] = make.registration(event, name=f"新客{key}", phone=f"1990001{n:04d}")
    regs["cust_wait"] = make.registration(event, name=known["wait"].name, phone=known["wait"].phone)
    regs["new_wait"] = make.registration(event, name="新客wait", phone="19900019999")
    assert regs["cust_wait"].status == regs["new_wait"].status == "waitlisted"
    happen.cancel(regs["cust_cancel"])
    happen.cancel(regs["new_cancel"])
    happen.move_to_past(event)
    happen.check_in(regs["cust_attend"])
    happen.check_in(regs["new_attend"])
    regs["cust_walkin"] = happen.walk_in(event, known["walkin"].name, known["walkin"].phone)
    regs["new_walkin"] = happen.walk_in(event, "路过的新客", "19900018888")
    return {"event": event, "regs": regs, "owner": owner_staff, "creator": creator, "outlet": outlet}


def _lists(event_id: int) -> dict[int, str]:
    return dict(db.session.execute(sa.select(FollowUp.registration_id, FollowUp.list)
                                   .where(FollowUp.event_id == event_id)).all())


def test_every_combination_lands_on_the_right_list_or_none(scene):
    created = finish_event(scene["event"])
    db.session.commit()
    regs = scene["regs"]
    expected = {
        "cust_attend": "maintain", "cust_walkin": "maintain",
        "new_attend": "prospect", "new_walkin": "prospect",
        "cust_noshow": "winback", "new_noshow": "winback",
        "cust_wait": None, "new_wait": None, "cust_cancel": None, "new_cancel": None,
    }
    lists = _lists(scene["event"].id)
    assert {key: lists.get(regs[key].id) for key in expected} == expected
    assert created == 6
    event = db.session.get(Event, scene["event"].id)
    assert event.status == "finished" and event.finished_at is not None
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "event_finished")).one()
    assert entry.details == {"followups_created": 6}


def test_a_newcomer_who_attended_stays_a_prospect(scene):
    finish_event(scene["event"])
    db.session.commit()
    newcomer = db.session.get(Customer, scene["regs"]["new_attend"].customer_id)
    assert newcomer.is_customer is False


def test_due_dates_and_talking_points_come_from_the_playbook(scene):
    finish_event(scene["event"])
    db.session.commit()
    regs = scene["regs"]
    by_reg = {f.registration_id: f for f in db.session.scalars(sa.select(FollowUp))}
    today = local_today()
    # Stored as written; filled for whoever sends it (the assignee here, as the API does).
    maintain = by_reg[regs["cust_attend"].id]
    assert maintain.due_date == today + timedelta(days=2)
    assert maintain.talking_points == PLAYBOOK["maintain"]["talking_points"]
    assert for_assignee(maintain).text == "老客attend您好，感谢参加「理财沙龙（测试）」！"
    prospect = by_reg[regs["new_walkin"].id]
    assert prospect.due_date == today + timedelta(days=3)
    outlet = scene["outlet"].name
    assert for_assignee(prospect).text == f"路过的新客您好，我是{outlet}的王芳。\n可以帮您预约开户。"
    winback = by_reg[regs["new_noshow"].id]
    assert winback.due_date == today + timedelta(days=1)
    day = to_local(scene["event"].starts_at).date()
    weekday = "一二三四五六日"[day.weekday()]
    assert for_assignee(winback).text == (f"新客noshow您好，{day.month}月{day.day}日（周{weekday}）的理财沙龙（测试）"
                                          "没见到您，下期给您留位置。")
    assert {f.status for f in by_reg.values()} == {"open"} and {f.sequence for f in by_reg.values()} == {1}


def test_assigned_to_the_customers_owner_else_the_event_creator(scene):
    regs, owner, creator = scene["regs"], scene["owner"], scene["creator"]
    finish_event(scene["event"])
    db.session.commit()
    assignee = dict(db.session.execute(sa.select(FollowUp.registration_id, FollowUp.assignee_id)).all())
    assert assignee[regs["cust_attend"].id] == owner.id
    assert assignee[regs["cust_noshow"].id] == owner.id
    assert assignee[regs["new_attend"].id] == creator.id
    assert assignee[regs["new_noshow"].id] == creator.id


def test_an_inactive_owner_does_not_get_the_work(scene):
    scene["owner"].active = False
    db.session.commit()
    finish_event(scene["event"])
    db.session.commit()
    assert set(db.session.scalars(sa.select(FollowUp.assignee_id))) == {scene["creator"].id}


def test_finishing_again_creates_nothing_new(scene):
    assert finish_event(scene["event"]) == 6
    db.session.commit()
    first = {(f.registration_id, f.list): f.id for f in db.session.scalars(sa.select(FollowUp))}
    assert finish_event(db.session.get(Event, scene["event"].id)) == 0
    db.session.commit()
    assert {(f.registration_id, f.list): f.id for f in db.session.scalars(sa.select(FollowUp))} == first


def test_the_unique_constraint_itself_skips_duplicates(scene):
    finish_event(scene["event"])
    db.session.commit()
    rows = [{c: getattr(f, c) for c in ("event_id", "registration_id", "customer_id", "outlet_id", "list",
                                         "sequence", "assignee_id", "due_date", "status", "talking_points",
                                         "created_at", "updated_at")}
            for f in db.session.scalars(sa.select(FollowUp))]
    assert _insert_ignoring_duplicates(rows) == 0  # no IntegrityError: ON CONFLICT DO NOTHING
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(FollowUp.id))) == 6


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_drafts_and_cancelled_events_are_refused(make, happen, status):
    event = make.event(publish=status != "draft")
    happen.move_to_past(event)
    if status == "cancelled":
        event.status = "cancelled"
        db.session.commit()
    with pytest.raises(DomainError) as caught:
        finish_event(event)
    assert caught.value.status == 409 and caught.value.code == "invalid_state"
    db.session.rollback()
    assert db.session.get(Event, event.id).status == status


def test_an_event_that_has_not_started_cannot_be_finished(make):
    event = make.event()
    with pytest.raises(DomainError) as caught:
        finish_event(event)
    assert "尚未开始" in caught.value.message


def test_the_api_finishes_and_answers_409_for_a_draft(client, make, happen):
    outlet = make.outlet("FU2")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    event = make.event(outlet)
    make.registration(event, phone="19900020001")
    happen.move_to_past(event)
    response = client.post(f"/api/v1/events/{event.id}/finish", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "finished", "followups_created": 1}
    again = client.post(f"/api/v1/events/{event.id}/finish", headers=headers)
    assert again.get_json() == {"status": "finished", "followups_created": 0}
    draft = make.event(outlet, publish=False)
    refused = client.post(f"/api/v1/events/{draft.id}/finish", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_state"


def test_another_outlets_event_is_404(client, make, happen):
    mine, theirs = make.outlet("FU3"), make.outlet("FU4")
    headers = make.token_headers(make.user("staff", outlet=mine))
    event = happen.move_to_past(make.event(theirs))
    assert client.post(f"/api/v1/events/{event.id}/finish", headers=headers).status_code == 404
    assert db.session.get(Event, event.id).status == "published"


def test_the_event_page_button_finishes_and_lists_the_followups(client, auth, make, happen):
    outlet = make.outlet("FU5")
    make.user("staff", outlet=outlet, username="fu5.staff")
    event = make.event(outlet, title="端午香囊（测试）")
    make.registration(event, name="赵六", phone="19900020002")
    happen.move_to_past(event)
    auth.login("fu5.staff")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "结束活动，生成跟进名单" in page
    response = client.post(f"/events/{event.id}/finish")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "生成跟进 1 条" in html and "赵六" in html and "挽回" in html
    assert "结束活动，生成跟进名单" not in client.get(f"/events/{event.id}").get_data(as_text=True)
