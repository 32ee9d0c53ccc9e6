"""Staff plan and run an event on a phone: create from a template (wrong, then right), publish, copy and
delete a draft, look a guest up and check them in, a walk-in, the ticket link; the manager undoes a
check-in. Thin on purpose: the event form and the door's pages are being reworked, the steps live in
tests/e2e/steps.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.catalogue.builtin import builtin_templates
from app.events.models import Event, Registration
from app.timefmt import local_today
from tests.e2e import steps
from tests.e2e.conftest import release_db

pytestmark = pytest.mark.browser


@pytest.fixture
def door(make):
    outlet = make.outlet("JD01", name="瓯海支行营业部（测试）")
    make.user("staff", outlet=outlet, username="jrn.door")
    make.user("manager", outlet=outlet, username="jrn.door.manager")
    today = make.event(outlet, title="开门红客户答谢会（测试）", capacity=10, starts_in_days=0, hours=3)
    guest = make.registration(today, name="郑先生", phone="19900008501")
    second = make.registration(today, name="王女士", phone="19900008502")
    ids = today.id, guest.id, f"/t/{second.ticket_token}"
    release_db()
    return ids


def test_staff_create_publish_and_run_the_door(journey, door):
    event_id, guest_id, ticket_path = door
    key = sorted(builtin_templates())[0]
    day = (local_today() + timedelta(days=14)).isoformat()
    j = journey("door")
    steps.login(j, "jrn.door")

    steps.create_event(j, key, "理财沙龙（测试）", f"{day}T15:00", f"{day}T14:00", 30)
    assert j.errors(), "an end before the start is refused"
    j.shot("event-refused")
    steps.create_event(j, key, "理财沙龙（测试）", f"{day}T14:00", f"{day}T16:00", 30)
    assert "活动草稿已保存" in j.notice()
    new_id = int(j.path().split("/")[2])
    j.shot("event-draft")
    j.tap("发布，开放报名")
    assert "已发布" in j.notice()
    assert steps.look(sa.select(Event.status).where(Event.id == new_id)) == "published"
    j.tap("复制为新活动")
    assert "已复制为新草稿" in j.notice()
    copy_id = int(j.path().split("/")[2])
    steps.edit_event(j, copy_id, capacity="0")
    assert j.field_error("capacity")
    j.shot("event-edit-refused")
    steps.edit_event(j, copy_id, title="理财沙龙（第二场，测试）")
    assert "已保存" in j.notice()
    assert steps.look(sa.select(Event.title).where(Event.id == copy_id)) == "理财沙龙（第二场，测试）"
    j.goto(f"/events/{copy_id}")
    j.tap("删除草稿", confirm=True)
    assert "草稿已删除" in j.notice()
    assert steps.look(sa.select(Event.id).where(Event.id == copy_id)) is None

    steps.checkin_lookup(j, event_id, "8501")
    assert "郑先生" in steps.lookup_row(j, "郑先生").inner_text()
    j.shot("lookup")
    steps.checkin_from_lookup(j, "郑先生")
    assert steps.look(sa.select(Registration.checked_in_at).where(Registration.id == guest_id)) is not None
    j.shot("lookup-checked-in")

    steps.walk_in(j, event_id, "", "19900008503")
    assert j.field_error("name")
    steps.walk_in(j, event_id, "卫先生", "19900008503")
    assert steps.look(sa.select(Registration.checked_in_at).where(Registration.phone == "19900008503")) is not None
    j.shot("walk-in")

    j.goto(ticket_path)  # a phone camera opened the guest's ticket QR
    j.tap("签到")
    assert "签到成功" in j.text(".ticket-action")
    j.shot("ticket-checked-in")

    steps.logout(j)
    steps.login(j, "jrn.door.manager")
    steps.checkin_lookup(j, event_id, "郑先生")
    steps.undo_from_lookup(j, "郑先生")
    assert steps.look(sa.select(Registration.checked_in_at).where(Registration.id == guest_id)) is None
    j.shot("undone")
    assert j.console_errors() == []
