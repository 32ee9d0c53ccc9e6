"""Reminders: the day before at 10:00 and 2 hours before, each exactly once; event_changed on a move."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.events import services
from app.events.models import Event, MessageMark
from app.events.registration import cancel_registration
from app.events.reminders import send_due_reminders
from app.events.services import EventInput
from app.extensions import db
from app.jobs.runner import run_due
from app.notify.models import Notification
from app.security import run_as_system
from app.sms_text import MAX_SMS_CHARS
from app.timefmt import local_today, local_tz
from app.unit_of_work import transaction

WEEKDAYS = "一二三四五六日"


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(local_today() + timedelta(days=days), time(hour, minute), local_tz())


def _event_at(make, outlet, start: datetime, **kw) -> Event:
    event = make.event(outlet, **kw)
    event.starts_at, event.ends_at = start, start + timedelta(hours=2)
    db.session.commit()
    return event


def _reminders(event_id: int | None = None) -> list[Notification]:
    stmt = sa.select(Notification).where(Notification.kind == "event_reminder").order_by(Notification.id)
    if event_id is not None:
        stmt = stmt.where(Notification.event_id == event_id)
    return list(db.session.scalars(stmt))


def _cli(app, at: datetime) -> str:
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", at.isoformat(), "--job", "event_reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_day_before_at_ten_and_two_hours_before_each_exactly_once(app, make):
    outlet = make.outlet("RM", name="滨江支行（测试）")
    start = _local(3, 14, 30)
    event = _event_at(make, outlet, start, title="亲子财商课（测试）")
    anna = make.registration(event, name="安娜", phone="13900001001")
    make.registration(event, name="包贝", phone="13900001002")
    gone = make.registration(event, name="陈辰", phone="13900001003")
    cancel_registration(gone)
    other = _event_at(make, outlet, start, title="已取消的活动（测试）")
    make.registration(other, name="杜笃", phone="13900001004")
    services.cancel_event(other)
    db.session.commit()
    run_as_system()

    day_before_ten = _local(2, 10, 0)
    _cli(app, day_before_ten - timedelta(minutes=1))
    assert _reminders() == []
    output = _cli(app, day_before_ten)
    assert "event_reminders" in output and "ran" in output
    sent = _reminders()
    assert sorted(m.recipient for m in sent) == ["13900001001", "13900001002"]  # not the cancelled ones
    body = sent[0].body
    assert body.startswith("【网点活动通】")
    assert f"/t/{anna.ticket_token}" in next(m.body for m in sent if m.recipient == "13900001001")
    assert f"{start.month}月{start.day}日 周{WEEKDAYS[start.weekday()]} 14:30" in body
    assert "明天" in body and len(body) <= MAX_SMS_CHARS
    assert {m.payload["mark"] for m in sent} == {"day_before"}

    for at in (day_before_ten + timedelta(minutes=1), day_before_ten + timedelta(hours=5), _local(3, 12, 29)):
        _cli(app, at)
    assert len(_reminders()) == 2  # nothing new across later runs of the same day

    _cli(app, _local(3, 12, 30))  # 2 hours before the start
    two_hours = [m for m in _reminders() if m.payload["mark"] == "2h"]
    assert sorted(m.recipient for m in two_hours) == ["13900001001", "13900001002"]
    assert "今天" in two_hours[0].body
    _cli(app, _local(3, 13, 0))
    _cli(app, _local(3, 14, 31))  # after the start: nothing
    assert len(_reminders()) == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageMark)) == 4


def test_a_registration_cancelled_after_the_first_reminder_gets_no_second(app, make):
    outlet = make.outlet("RN")
    event = _event_at(make, outlet, _local(2, 9, 0))
    registration = make.registration(event, phone="13900002001")
    run_due(_local(1, 10, 0), only=["event_reminders"])
    assert len(_reminders(event.id)) == 1
    cancel_registration(db.session.get(type(registration), registration.id))
    db.session.commit()
    run_due(_local(2, 7, 0), only=["event_reminders"])
    assert len(_reminders(event.id)) == 1


def test_a_late_runner_sends_the_day_before_reminder_until_midnight_only(app, make):
    outlet = make.outlet("RL")
    event = _event_at(make, outlet, _local(2, 15, 0))
    make.registration(event, phone="13900003001")
    run_due(_local(2, 0, 30), only=["event_reminders"])  # after midnight: the day before is over
    assert _reminders(event.id) == []
    run_due(_local(2, 13, 5), only=["event_reminders"])
    assert [m.payload["mark"] for m in _reminders(event.id)] == ["2h"]


def test_racing_runners_remind_each_registration_once(app, make):
    outlet = make.outlet("RR")
    event = _event_at(make, outlet, _local(3, 16, 0), capacity=20)
    for i in range(12):
        make.registration(event, phone=f"139000040{i:02d}")
    event_id = event.id
    db.session.remove()
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def runner(minute: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=30)
                with transaction():
                    send_due_reminders(_local(2, 10, minute))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(m,)) for m in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    phones = [m.recipient for m in _reminders(event_id)]
    assert len(phones) == 12 and len(set(phones)) == 12


def test_moving_a_published_event_tells_confirmed_and_waitlisted_once_per_change(app, make):
    outlet = make.outlet("RC")
    event = make.event(outlet, capacity=1)
    make.registration(event, phone="13900005001")
    make.registration(event, phone="13900005002")  # waitlisted
    gone = make.registration(make.event(outlet), phone="13900005003")
    del gone
    new_start = _local(9, 9, 30)
    services.update_event(event, EventInput(starts_at=new_start, ends_at=new_start + timedelta(hours=2)))
    db.session.commit()
    changed = list(db.session.scalars(sa.select(Notification).where(Notification.kind == "event_changed")
                                      .order_by(Notification.id)))
    assert sorted(m.recipient for m in changed) == ["13900005001", "13900005002"]
    assert f"{new_start.month}月{new_start.day}日 周{WEEKDAYS[new_start.weekday()]} 09:30–11:30" in changed[0].body
    assert changed[0].body.startswith("【网点活动通】") and len(changed[0].body) <= MAX_SMS_CHARS
    services.update_event(event, EventInput(title="新名字（测试）", capacity=1))  # neither time nor venue
    services.update_event(event, EventInput(venue="网点三楼会议室（测试）"))
    db.session.commit()
    changed = list(db.session.scalars(sa.select(Notification).where(Notification.kind == "event_changed")
                                      .order_by(Notification.id)))
    assert len(changed) == 4 and "网点三楼会议室（测试）" in changed[-1].body


def test_a_draft_moved_tells_nobody(app, make):
    event = make.event(make.outlet("RD"), publish=False)
    services.update_event(event, EventInput(venue="别处（测试）"))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(Notification.kind == "event_changed")) == 0
