"""The notifier: one interface for every message, an outbox, pluggable senders.

`notify(...)` only writes an outbox row inside the caller's transaction, so a
registration never waits for an SMS gateway and a rolled-back request sends
nothing. `deliver_pending()` hands pending rows to the configured backend
(`NOTIFY_BACKEND`: `log` now; SMS and e-mail adapters implement `Backend`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import utcnow
from app.notify import signals
from app.notify.models import Notification, OptOut
from app.privacy import mask_phone

log = logging.getLogger("app.notify")


def notify(kind: str, recipient: str, body: str, *, channel: str = "sms", subject: str = "", event=None,
           registration=None, user=None, payload: dict | None = None) -> Notification:
    """Queue a message in the outbox, in the caller's transaction (written at the next flush).

    `registration` may be one not written yet: the flush writes it first and gives the message its id.
    """
    message = Notification(kind=kind, channel=channel, recipient=recipient, subject=subject, body=body,
                           payload=payload or {}, event_id=getattr(event, "id", None),
                           registration=registration, user_id=getattr(user, "id", None))
    db.session.add(message)
    return message


class Backend(Protocol):
    def send(self, message: Notification) -> None:
        """Deliver one message or raise; the caller records the outcome."""


class LogBackend:
    """Writes messages to the application log; the default until a gateway is configured."""

    def send(self, message: Notification) -> None:
        # Only the masked recipient is logged: logs are read by more people than customer data is.
        recipient = mask_phone(message.recipient) if message.channel == "sms" else message.recipient
        log.info("notify %s via %s to %s: %s", message.kind, message.channel, recipient, message.body)


BACKENDS: dict[str, type] = {"log": LogBackend}
MAX_ATTEMPTS = 5


def deliver_pending(limit: int = 200) -> dict[str, int]:
    """Send pending messages; each row is claimed with a row lock so two senders never send one twice."""
    backend = BACKENDS[current_app.config.get("NOTIFY_BACKEND", "log")]()
    stmt = (sa.select(Notification).where(Notification.status == "pending").order_by(Notification.id)
            .limit(limit).with_for_update(skip_locked=True))
    sent = failed = 0
    for message in db.session.scalars(stmt):
        message.attempts += 1
        try:
            backend.send(message)
        except Exception as exc:  # any gateway failure is recorded and retried later
            message.error = str(exc)[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
            failed += 1
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            sent += 1
    db.session.flush()  # committed by the caller's unit of work (the job runner)
    return {"sent": sent, "failed": failed}


# --- opt-outs (replies T / TD / R / 退订) ---------------------------------------------------------------

def record_opt_out(phone: str, keyword: str) -> OptOut:
    """Record that this phone wants no more invitations; idempotent (the first reply's keyword is kept).

    Sends `signals.phone_opted_out` (phone=) in the caller's transaction every time, so a feature above
    may withdraw its consents; a receiver only flushes.
    """
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(OptOut).values(phone=phone, keyword=keyword[:16], created_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["phone"]))
    opt_out = db.session.scalars(sa.select(OptOut).where(OptOut.phone == phone)).one()
    signals.phone_opted_out.send(current_app._get_current_object(), phone=phone)  # type: ignore[attr-defined]
    return opt_out


def is_opted_out(phone: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(OptOut.phone == phone))) or False


def opted_out_phones(phones: Iterable[str]) -> set[str]:
    """Which of these phones opted out (one query per 1,000 numbers)."""
    wanted = sorted(set(phones))
    found: set[str] = set()
    for start in range(0, len(wanted), 1000):
        found.update(db.session.scalars(sa.select(OptOut.phone).where(OptOut.phone.in_(wanted[start:start + 1000]))))
    return found
