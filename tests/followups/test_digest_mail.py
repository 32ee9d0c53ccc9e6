"""Staff e-mail: with MAIL_* set, the daily digest of due follow-ups goes over SMTP to each staff member's
address. A real SMTP server (aiosmtpd) runs in the test and what arrived is read back."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.auth.models import User
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.notify.models import Notification
from app.timefmt import local_today, local_tz
from tests.server import free_port


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, _server, _session, envelope):  # aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "网点活动通 <noreply@bank.example>")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def due_followups(make, happen):
    outlet = make.outlet("ML")
    staff = make.user("staff", outlet=outlet, username="mail.staff", name="林晓")
    staff.email = "linxiao@bank.example"
    plain = make.user("staff", outlet=outlet, username="nomail.staff", name="王芳")
    event = make.event(outlet, title="理财沙龙（测试）", owner=staff)
    make.registration(event, name="张三", phone="19900008001")
    other = make.event(outlet, title="亲子活动（测试）", owner=plain)
    make.registration(other, name="李四", phone="19900008002")
    happen.move_to_past(event)
    happen.move_to_past(other)
    finish_event(event)
    finish_event(other)
    db.session.commit()
    for item in db.session.scalars(sa.select(FollowUp)):
        item.due_date = local_today()
    db.session.commit()
    return staff.id


def _run(app, moment: datetime, job: str) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--at", moment.isoformat(), "--job", job])
    assert result.exit_code == 0, result.output


def test_the_digest_arrives_by_email_in_chinese(app, smtp, due_followups, caplog):
    moment = datetime.combine(local_today(), time(9, 0), local_tz())
    _run(app, moment, "followup_digest")
    with caplog.at_level("INFO", logger="app.notify"):
        _run(app, moment + timedelta(minutes=1), "deliver_notifications")
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["linxiao@bank.example"]
    assert envelope.mail_from == "noreply@bank.example"
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "今日跟进待办"
    assert message["To"] == "linxiao@bank.example"
    body = message.get_content()
    assert "林晓，您今天有 1 条跟进待办" in body and "张三" in body and "理财沙龙（测试）" in body
    # the one without an address is logged, as without MAIL_*
    assert "nomail.staff" in caplog.text
    db.session.expire_all()
    statuses = db.session.scalars(sa.select(Notification.status).where(Notification.channel == "staff")).all()
    assert statuses == ["sent", "sent"]


def test_an_smtp_server_that_is_down_means_a_retry(app, monkeypatch, due_followups):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens
    monkeypatch.setitem(app.config, "MAIL_FROM", "noreply@bank.example")
    moment = datetime.combine(local_today(), time(9, 0), local_tz())
    _run(app, moment, "followup_digest")
    _run(app, moment + timedelta(minutes=1), "deliver_notifications")
    db.session.expire_all()
    mailed = db.session.scalars(sa.select(Notification).join(User, User.id == Notification.user_id)
                                .where(User.email.is_not(None))).one()
    assert mailed.status == "pending" and mailed.attempts == 1 and "smtp" in (mailed.error or "")


def test_without_mail_settings_the_digest_goes_to_the_log(app, due_followups, caplog):
    assert not app.config["MAIL_SERVER"]
    moment = datetime.combine(local_today(), time(9, 0), local_tz())
    _run(app, moment, "followup_digest")
    with caplog.at_level("INFO", logger="app.notify"):
        _run(app, moment + timedelta(minutes=1), "deliver_notifications")
    assert "mail.staff" in caplog.text and "今天有 1 条跟进待办" in caplog.text
