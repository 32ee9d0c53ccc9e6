"""Quiet hours: invitations and reminders due inside QUIET_HOURS wait until the window ends; what a person
just did goes at once. Driven through `flask jobs run-due --at`, against the local platform."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from app.extensions import db
from app.notify.models import Notification
from app.notify.services import DEFERRABLE_KINDS, notify, parse_quiet_hours, quiet_until
from app.timefmt import local_today, local_tz, to_local
from app.unit_of_work import transaction
from tests.sms_gateway import sms_gateway

SECRET = "quiet-secret"


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), local_tz())


@pytest.fixture
def gateway(app, monkeypatch):
    with sms_gateway(SECRET) as gw:
        monkeypatch.setitem(app.config, "SMS_BACKEND", "http")
        monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", gw.url)
        monkeypatch.setitem(app.config, "SMS_GATEWAY_SECRET", SECRET)
        yield gw


def _run_due(app, moment: datetime) -> str:
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", moment.isoformat(),
                                                "--job", "deliver_notifications"])
    assert result.exit_code == 0, result.output
    return result.output


def _statuses() -> dict[str, tuple[str, datetime | None]]:
    db.session.expire_all()
    return {row.kind: (row.status, to_local(row.next_attempt_at)) for row in db.session.query(Notification)}


def test_invitations_and_reminders_wait_for_the_end_of_quiet_hours(app, gateway):
    assert app.config["QUIET_HOURS"] == "21:00-08:00"  # the contract's default
    assert {"invitation", "event_reminder"} == DEFERRABLE_KINDS
    with transaction():
        notify("invitation", "19900000001", "【网点活动通】邀请 拒收请回复R")
        notify("event_reminder", "19900000002", "【网点活动通】明天见")
        notify("registration_confirmed", "19900000003", "【网点活动通】报名成功")
        notify("ticket_resent", "19900000004", "【网点活动通】入场凭证")
    day = local_today() + timedelta(days=1)

    output = _run_due(app, _at(day, 22))
    assert "deliver_notifications" in output and "ran" in output
    morning = _at(day + timedelta(days=1), 8)
    assert _statuses() == {"invitation": ("pending", morning), "event_reminder": ("pending", morning),
                           "registration_confirmed": ("sent", None), "ticket_resent": ("sent", None)}
    assert sorted(m["kind"] for m in gateway.received) == ["registration_confirmed", "ticket_resent"]

    _run_due(app, _at(day + timedelta(days=1), 7, 59))  # still inside the window
    assert _statuses()["invitation"][0] == "pending" and len(gateway.received) == 2

    _run_due(app, _at(day + timedelta(days=1), 8, 1))
    assert {kind: status for kind, (status, _n) in _statuses().items()} == dict.fromkeys(
        ["invitation", "event_reminder", "registration_confirmed", "ticket_resent"], "sent")
    assert len(gateway.received) == 4 and set(gateway.counts().values()) == {1}


def test_outside_quiet_hours_everything_goes_at_once(app, gateway):
    with transaction():
        notify("invitation", "19900000001", "【网点活动通】邀请 拒收请回复R")
    _run_due(app, _at(local_today() + timedelta(days=1), 10))
    assert _statuses()["invitation"][0] == "sent"


def test_the_window_may_cross_midnight_or_not_or_be_off(app, monkeypatch):
    day = local_today()
    assert quiet_until(_at(day, 21)) == _at(day + timedelta(days=1), 8)
    assert quiet_until(_at(day, 3, 30)) == _at(day, 8)
    assert quiet_until(_at(day, 8)) is None and quiet_until(_at(day, 20, 59)) is None
    monkeypatch.setitem(app.config, "QUIET_HOURS", "12:00-14:00")
    assert quiet_until(_at(day, 13)) == _at(day, 14) and quiet_until(_at(day, 14)) is None
    monkeypatch.setitem(app.config, "QUIET_HOURS", "off")
    assert quiet_until(_at(day, 23)) is None
    assert parse_quiet_hours("") is None and parse_quiet_hours("22:00-22:00") is None
    with pytest.raises(ValueError):
        parse_quiet_hours("late")
