"""The SMS sender against a real local platform (tests/sms_gateway.py): the contract's body and
signature, retries with the same id and backoff, `failed` after 5 attempts, timeouts, and racing
senders that never send one message twice."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import utcnow
from app.notify import services
from app.notify.models import Notification
from app.notify.senders import HttpBackend, Outgoing, sign
from app.notify.services import MAX_ATTEMPTS, deliver_pending, notify
from app.security import run_as_system
from app.unit_of_work import transaction
from tests.sms_gateway import sms_gateway

SECRET = "test-gateway-secret"


@pytest.fixture
def gateway(app, monkeypatch):
    with sms_gateway(SECRET) as gw:
        monkeypatch.setitem(app.config, "SMS_BACKEND", "http")
        monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", gw.url)
        monkeypatch.setitem(app.config, "SMS_GATEWAY_SECRET", SECRET)
        monkeypatch.setitem(app.config, "QUIET_HOURS", "off")
        yield gw


def _queue(n: int, kind: str = "registration_confirmed", start: int = 0) -> list[int]:
    with transaction():
        rows = [notify(kind, f"1990000{start + i:04d}", f"【网点活动通】第 {i} 条测试短信") for i in range(n)]
        db.session.flush()
        ids = [row.id for row in rows]  # read before the commit: afterwards a read opens a transaction (SQLite: locks)
    return ids


def _row(message_id: int) -> Notification:
    db.session.expire_all()
    return db.session.get_one(Notification, message_id)


def test_a_message_goes_to_the_platform_as_the_contract_says(gateway):
    [message_id] = _queue(1)
    assert deliver_pending() == {"sent": 1, "retrying": 0, "failed": 0, "held_for_quiet_hours": 0}
    row = _row(message_id)
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None and row.next_attempt_at is None
    [received] = gateway.received
    assert received == {"id": row.external_id, "to": "19900000000", "kind": "registration_confirmed",
                        "text": "【网点活动通】第 0 条测试短信"}
    assert gateway.bad_signatures == 0
    assert deliver_pending()["sent"] == 0  # nothing twice


def test_the_body_is_signed_with_hmac_sha256_of_the_raw_bytes():
    message = Outgoing(id=1, external_id="abc", kind="ticket_resent", channel="sms", recipient="13800138000",
                       subject="", body="【签名】您好")
    body = HttpBackend.body(message)
    assert json.loads(body) == {"id": "abc", "to": "13800138000", "kind": "ticket_resent", "text": "【签名】您好"}
    assert "【签名】".encode() in body  # UTF-8 as such, the bytes the signature covers
    assert sign(body, "k") == hmac.new(b"k", body, hashlib.sha256).hexdigest()


def test_a_refused_message_is_retried_with_the_same_id_after_a_backoff(gateway):
    gateway.fail_first(2)
    [message_id] = _queue(1)
    now = utcnow()
    assert deliver_pending(now)["retrying"] == 1
    row = _row(message_id)
    assert row.status == "pending" and row.attempts == 1 and "500" in (row.error or "")
    assert row.next_attempt_at is not None and row.next_attempt_at > now + timedelta(seconds=50)
    assert deliver_pending(now + timedelta(seconds=30))["retrying"] == 0  # not due yet: nothing is sent
    assert sum(gateway.attempts.values()) == 1
    assert deliver_pending(now + timedelta(minutes=2))["retrying"] == 1  # 2nd attempt, refused again
    assert _row(message_id).next_attempt_at > now + timedelta(minutes=6)  # 5 minutes after the 2nd
    assert deliver_pending(now + timedelta(minutes=8))["sent"] == 1
    row = _row(message_id)
    assert row.status == "sent" and row.attempts == 3 and row.error is None
    assert gateway.attempts == {row.external_id: 3} and gateway.ids() == [row.external_id]


def test_failed_after_five_attempts(gateway):
    gateway.status = 503
    [message_id] = _queue(1)
    moment = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = deliver_pending(moment)
        assert outcome["failed" if attempt == MAX_ATTEMPTS else "retrying"] == 1, (attempt, outcome)
        moment += timedelta(hours=2)
    row = _row(message_id)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and row.next_attempt_at is None
    assert "503" in (row.error or "")
    assert deliver_pending(moment + timedelta(days=1)) == {"sent": 0, "retrying": 0, "failed": 0,
                                                            "held_for_quiet_hours": 0}
    assert set(gateway.attempts.values()) == {MAX_ATTEMPTS} and gateway.received == []


def test_no_answer_within_the_timeout_is_a_retry(gateway, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_GATEWAY_TIMEOUT", 1)
    gateway.delay = 1.5
    [message_id] = _queue(1)
    assert deliver_pending()["retrying"] == 1
    row = _row(message_id)
    assert row.status == "pending" and "unreachable" in (row.error or "")
    gateway.delay = 0
    assert deliver_pending(utcnow() + timedelta(minutes=2))["sent"] == 1


def test_an_unreachable_platform_is_a_retry(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "http")
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", "http://127.0.0.1:9/nothing-listens-here")
    monkeypatch.setitem(app.config, "SMS_GATEWAY_SECRET", SECRET)
    [message_id] = _queue(1)
    assert deliver_pending()["retrying"] == 1
    assert _row(message_id).status == "pending"


def test_racing_senders_send_each_message_exactly_once(gateway, app):
    """Four senders, each in its own app context (own session and connection), drain 400 messages."""
    ids = _queue(400)
    gateway.delay = 0.002  # a platform that takes a moment, so the senders overlap
    results, errors = [], []
    start = threading.Barrier(4)

    def sender():
        try:
            with app.app_context():
                run_as_system()
                start.wait()
                results.append(deliver_pending())
                db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    counts = gateway.counts()
    assert len(counts) == 400 and set(counts.values()) == {1}, "a message arrived twice or never"
    assert sum(r["sent"] for r in results) == 400
    assert sum(1 for r in results if r["sent"]) >= 2, "the senders did not overlap"
    sent = db.session.execute(sa.select(Notification.external_id).where(
        Notification.id.in_(ids), Notification.status == "sent", Notification.attempts == 1)).scalars().all()
    assert sorted(sent) == sorted(counts)
    assert gateway.bad_signatures == 0


def test_a_sender_that_died_mid_batch_leaves_its_rows_to_the_next_after_the_lease(gateway):
    [message_id] = _queue(1)
    now = utcnow()
    lease = now + timedelta(minutes=10)
    batch, _addresses = services._claim(now, lease, 10)  # claimed, then the process "died"
    assert [m.id for m in batch] == [message_id]
    assert deliver_pending(now + timedelta(minutes=1))["sent"] == 0  # still under that claim
    assert deliver_pending(now + timedelta(minutes=11))["sent"] == 1  # lease over: sent, with the same id
    row = _row(message_id)
    assert row.attempts == 2 and gateway.ids() == [row.external_id]


def test_a_receipt_before_the_sender_records_sent_is_kept(gateway):
    [message_id] = _queue(1)
    now = utcnow()
    lease = now + timedelta(minutes=10)
    [claimed], _ = services._claim(now, lease, 10)
    with transaction():
        services.record_receipt(claimed.external_id, "delivered")
    services._finish(lease, [claimed], [], now)
    row = _row(message_id)
    assert row.status == "delivered" and row.delivered_at is not None and row.sent_at is not None


def test_the_log_backend_stays_the_default(app, caplog):
    assert app.config["SMS_BACKEND"] == "log"
    [message_id] = _queue(1)
    with caplog.at_level("INFO", logger="app.notify"):
        assert deliver_pending()["sent"] == 1
    assert "199****0000" in caplog.text and "19900000000" not in caplog.text
    assert _row(message_id).status == "sent"



def test_a_backend_error_of_its_own_is_a_retry_and_the_batch_goes_on(gateway, monkeypatch):
    ids = _queue(3)
    original = HttpBackend.send

    def flaky(self, message):
        if message.recipient.endswith("0001"):
            raise KeyError("bug")
        return original(self, message)

    monkeypatch.setattr(HttpBackend, "send", flaky)
    assert deliver_pending() == {"sent": 2, "retrying": 1, "failed": 0, "held_for_quiet_hours": 0}
    row = _row(ids[1])
    assert row.status == "pending" and "KeyError" in (row.error or "")
