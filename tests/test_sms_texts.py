"""SMS texts: the signature, two segments at most with the link whole, the real date, no internal notes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.events import messages
from app.events.models import Registration
from app.extensions import db
from app.notify.models import Notification
from app.notify.services import notify
from app.sms_text import MAX_SMS_CHARS, fit, signed, sms_length
from app.timefmt import local_today, local_tz

WEEKDAYS = "一二三四五六日"
LONG_BASE = "https://huodong.example-bank-branch-events.com.cn"


def test_counting_and_signature(app, monkeypatch):
    assert signed("您好") == "【网点活动通】您好" and signed("【网点活动通】您好") == "【网点活动通】您好"
    assert sms_length("您好，abc 123") == len("【网点活动通】您好，abc 123")
    monkeypatch.setitem(app.config, "SMS_SIGNATURE", "滨江银行")
    assert signed("x") == "【滨江银行】x"
    message = notify("test_kind", "13900000000", "正文")
    assert message.body == "【滨江银行】正文"
    staff = notify("test_kind", "someone", "正文", channel="staff")
    assert staff.body == "正文"  # the signature is an SMS's
    body = fit(lambda title: f"「{title}」详情：{LONG_BASE}/t/x", {"title": "很" * 200})
    assert sms_length(body) == MAX_SMS_CHARS and f"{LONG_BASE}/t/x" in body and "…" in body


@pytest.fixture
def long_texts(make, app, monkeypatch):
    """An event with the longest title, venue and outlet name there may be, the longest date (a two-digit
    month and day, "12月28日": next year's, so the suite tests it whatever day it runs) and a long BASE_URL."""
    monkeypatch.setitem(app.config, "BASE_URL", LONG_BASE)
    outlet = make.outlet("SX", name="中国某某银行股份有限公司某某省分行营业部某某区支行"
                                     "某某街道社区金融服务网点（测试）")
    event = make.event(outlet, capacity=1, title="超长标题" * 10)
    start = datetime.combine(date(local_today().year + 1, 12, 28), time(14, 0), local_tz())
    event.starts_at, event.ends_at = start, start + timedelta(hours=2)
    event.venue = "某某路某某号某某大厦" * 10
    event.staff_notes = "内部：本场成本八千元，主推理财产品"
    db.session.commit()
    first = make.registration(event, name="欧阳" + "娜" * 48, phone="13900007001")
    second = make.registration(event, name="司马" + "光" * 48, phone="13900007002")  # waitlisted
    return event, first, second, start


def test_every_message_the_product_composes_fits_two_segments(make, long_texts):
    event, first, second, start = long_texts
    messages.waitlist_promoted(second)
    messages.registration_cancelled(first)
    messages.event_cancelled_message(first, "因场地临时检修" * 20)
    messages.ticket_resent(first)
    first.status = "cancelled"
    messages.ticket_resent(first)
    first.status = "confirmed"
    messages.party_size_changed(first, 2)
    messages.event_reminder(first, messages.DAY_BEFORE, "k")
    messages.event_reminder(first, messages.TWO_HOURS, "k")
    messages.event_changed(first, ["venue"], "k")
    db.session.flush()
    invitation = notify("invitation", "13900007003",
                        messages.invitation_text(event, f"{LONG_BASE}/e/{event.slug}?ref=ABCDEFGH"), event=event)
    db.session.flush()
    sent = list(db.session.scalars(sa.select(Notification).order_by(Notification.id)))
    kinds = {m.kind for m in sent}
    assert kinds >= {"registration_confirmed", "registration_waitlisted", "waitlist_promoted", "ticket_resent",
                     "event_reminder", "event_changed", "event_cancelled", "registration_cancelled",
                     "party_size_changed", "invitation"}
    date = f"{start.month}月{start.day}日 周{WEEKDAYS[start.weekday()]}"
    for message in sent:
        assert message.body.startswith("【网点活动通】"), message.body
        assert len(message.body) <= MAX_SMS_CHARS, (message.kind, len(message.body), message.body)
        assert "内部" not in message.body and "成本" not in message.body
        registration = db.session.get(Registration, message.registration_id) if message.registration_id else None
        if registration is not None and message.kind != "registration_cancelled" and message.kind != "event_cancelled":
            assert f"{LONG_BASE}/t/{registration.ticket_token}" in message.body, message.body
        if message.kind not in ("registration_cancelled", "registration_waitlisted", "party_size_changed"):
            assert date in message.body, message.body
        assert "超长标题" in message.body  # shortened, not dropped
    assert invitation.body.endswith("拒收请回复R")
    assert f"{LONG_BASE}/e/{event.slug}?ref=ABCDEFGH" in invitation.body


def test_short_texts_keep_the_whole_title(make):
    event = make.event(make.outlet("SS", name="滨江支行"), title="亲子财商课")
    registration = make.registration(event, phone="13900007101")
    confirmed = db.session.scalar(sa.select(Notification).where(Notification.registration_id == registration.id))
    assert "「亲子财商课」" in confirmed.body and "…" not in confirmed.body
