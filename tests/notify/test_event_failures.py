"""Messages the platform would not take are visible to staff on the event's page."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import utcnow
from app.notify.services import MAX_ATTEMPTS, deliver_pending, event_message_counts, notify
from app.unit_of_work import transaction
from tests.sms_gateway import sms_gateway


def test_failed_messages_are_counted_on_the_event_page(app, client, auth, make, monkeypatch):
    outlet = make.outlet("MF")
    make.user("staff", outlet=outlet, username="mf.staff")
    event = make.event(outlet, title="失败短信（测试）")
    other = make.event(outlet, title="别的活动（测试）")
    event_id = event.id
    with transaction():
        notify("registration_confirmed", "19900009001", "【网点活动通】一", event=event)
        notify("registration_confirmed", "19900009002", "【网点活动通】二", event=event)
        notify("registration_confirmed", "19900009003", "【网点活动通】三", event=other)
    with sms_gateway("s") as gateway:
        monkeypatch.setitem(app.config, "SMS_BACKEND", "http")
        monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", gateway.url)
        monkeypatch.setitem(app.config, "SMS_GATEWAY_SECRET", "s")
        gateway.status = 500
        moment = utcnow()
        for _attempt in range(MAX_ATTEMPTS):
            deliver_pending(moment)
            moment += timedelta(hours=2)
    db.session.expire_all()
    counts = event_message_counts(event_id)
    assert counts == {"pending": 0, "sent": 0, "delivered": 0, "failed": 2, "cancelled": 0}
    auth.login("mf.staff")
    html = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert 'data-testid="failed-messages"' in html and "2 条短信发送失败" in html
    other_html = client.get(f"/events/{other.id}").get_data(as_text=True)
    assert "1 条短信发送失败" in other_html


def test_no_failure_line_when_every_message_went(app, client, auth, make):
    outlet = make.outlet("MG")
    make.user("staff", outlet=outlet, username="mg.staff")
    event = make.event(outlet, title="顺利（测试）")
    with transaction():
        notify("registration_confirmed", "19900009004", "【网点活动通】四", event=event)
    deliver_pending()
    auth.login("mg.staff")
    assert 'data-testid="failed-messages"' not in client.get(f"/events/{event.id}").get_data(as_text=True)
