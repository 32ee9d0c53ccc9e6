"""The notifier: one interface for every message, an outbox, pluggable senders.

`notify(...)` only writes an outbox row inside the caller's transaction, so a registration never
waits for an SMS gateway and a rolled-back request sends nothing. `deliver_pending()` (the job
`deliver_notifications` of `flask jobs run-due`) hands due rows to the backends of
app/notify/senders.py, in three steps that are separate transactions, as the job runner's are:

1. claim: in a short transaction, take up to CLAIM_BATCH due rows (`pending`, `next_attempt_at` null
   or past; `FOR UPDATE SKIP LOCKED` on PostgreSQL, SQLite's writers queue behind `BEGIN IMMEDIATE`),
   count the attempt and set `next_attempt_at` to a lease in the future, so no other sender sees them;
2. send each one over HTTP/SMTP, outside any transaction (no lock is held while a gateway is slow);
3. finish: `sent`, or back to due after a backoff, or `failed` after MAX_ATTEMPTS; only rows still
   under this claim's lease are touched. A sender that dies between 1 and 3 leaves its rows to come
   due again when the lease ends: they go again with the same id, for the platform to drop repeats.

Invitations and reminders (DEFERRABLE_KINDS) that come due inside QUIET_HOURS wait until the window
ends; everything else (what a person just did) goes at once.
"""

from __future__ import annotations

import logging
import time as monotonic_clock
from collections.abc import Iterable
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import utcnow
from app.notify import signals
from app.notify.models import STATUSES, Notification, OptOut
from app.notify.senders import Backend, HttpBackend, LogBackend, MailBackend, Outgoing, SendFailed
from app.sms_text import signed
from app.timefmt import local_tz, to_local
from app.unit_of_work import transaction

log = logging.getLogger("app.notify")

# Kinds that may wait for the end of QUIET_HOURS: nobody asked for them at this moment.
DEFERRABLE_KINDS = frozenset({"invitation", "event_reminder"})
MAX_ATTEMPTS = 5
# Wait after the 1st, 2nd, 3rd and 4th failed attempt; the 5th is final.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
CLAIM_BATCH = 50
# How long a claim keeps other senders away: a whole batch timing out, with room to spare.
LEASE_MARGIN = timedelta(minutes=2)


def notify(kind: str, recipient: str, body: str, *, channel: str = "sms", subject: str = "", event=None,
           registration=None, user=None, payload: dict | None = None) -> Notification:
    """Queue a message in the outbox, in the caller's transaction (written at the next flush).

    `registration` may be one not written yet: the flush writes it first and gives the message its id.
    Every SMS starts with the deployment's 【SMS_SIGNATURE】 (app/sms_text.py), put in front here once.
    """
    if channel == "sms":
        body = signed(body)
    message = Notification(kind=kind, channel=channel, recipient=recipient, subject=subject, body=body,
                           payload=payload or {}, event_id=getattr(event, "id", None),
                           registration=registration, user_id=getattr(user, "id", None))
    db.session.add(message)
    return message


# --- quiet hours --------------------------------------------------------------------------------------

def parse_quiet_hours(raw: str | None) -> tuple[time, time] | None:
    """`21:00-08:00` → (21:00, 08:00); empty, `off` or a zero-length window → None (no quiet hours)."""
    text = (raw or "").strip()
    if not text or text.lower() == "off":
        return None
    try:
        start_text, end_text = (part.strip() for part in text.split("-"))
        start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    except ValueError as exc:
        raise ValueError(f"QUIET_HOURS must look like 21:00-08:00, got {raw!r}") from exc
    return None if start == end else (start, end)


def quiet_until(now: datetime) -> datetime | None:
    """When QUIET_HOURS end, if `now` lies inside them (a window may cross midnight); else None."""
    window = parse_quiet_hours(current_app.config.get("QUIET_HOURS"))
    if window is None:
        return None
    start, end = window
    local = to_local(now)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=local_tz())


def _hold_for_quiet_hours(now: datetime) -> int:
    """Inside QUIET_HOURS, move due invitations and reminders to the window's end (rows under a claim
    have a lease in the future and are left alone)."""
    until = quiet_until(now)
    if until is None:
        return 0
    with transaction():
        result = db.session.execute(
            sa.update(Notification)
            .where(Notification.status == "pending", Notification.channel == "sms",
                   Notification.kind.in_(sorted(DEFERRABLE_KINDS)),
                   sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
            .values(next_attempt_at=until).execution_options(synchronize_session=False))
    return result.rowcount  # type: ignore[attr-defined]


# --- sending --------------------------------------------------------------------------------------------

def _backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _claim(now: datetime, lease: datetime, size: int) -> tuple[list[Outgoing], dict[int, str]]:
    """Claim up to `size` due rows in a transaction of its own (see the module's docstring); with the
    e-mail addresses of the staff members among the recipients."""
    due = (sa.select(Notification.id)
           .where(Notification.status == "pending",
                  sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
           .order_by(Notification.id).limit(size).with_for_update(skip_locked=True))
    claim = (sa.update(Notification).where(Notification.id.in_(due.scalar_subquery()))
             .values(attempts=Notification.attempts + 1, next_attempt_at=lease)
             .returning(Notification.id, Notification.external_id, Notification.kind, Notification.channel,
                        Notification.recipient, Notification.subject, Notification.body, Notification.payload,
                        Notification.user_id, Notification.attempts)
             .execution_options(synchronize_session=False))
    with transaction():
        batch = sorted((Outgoing(*row) for row in db.session.execute(claim)), key=lambda m: m.id)
        staff = sorted({m.user_id for m in batch if m.channel == "staff" and m.user_id is not None})
        addresses = signals.staff_addresses(staff) if staff else {}
    return batch, addresses


def _finish(lease: datetime, sent: list[Outgoing], refused: list[tuple[Outgoing, str]], clock: datetime) -> None:
    """Record a batch's outcomes, for the rows this claim still holds (a receipt that came first wins)."""
    held = Notification.next_attempt_at == lease
    with transaction():
        if sent:
            db.session.execute(
                sa.update(Notification).where(Notification.id.in_([m.id for m in sent]), held)
                .values(status=sa.case((Notification.status == "pending", "sent"), else_=Notification.status),
                        sent_at=clock, next_attempt_at=None, error=None)
                .execution_options(synchronize_session=False))
        for message, error in refused:
            final = message.attempts >= MAX_ATTEMPTS
            db.session.execute(
                sa.update(Notification).where(Notification.id == message.id, held)
                .values(status=sa.case((Notification.status == "pending", "failed" if final else "pending"),
                                       else_=Notification.status),
                        error=error[:500], next_attempt_at=None if final else clock + _backoff(message.attempts))
                .execution_options(synchronize_session=False))


class _Backends:
    """The backends of one sending run, made when first needed and closed at the end."""

    def __init__(self) -> None:
        self._made: dict[str, Backend] = {}

    def for_message(self, message: Outgoing) -> Backend:
        config = current_app.config
        if message.channel == "sms":
            name = config["SMS_BACKEND"]
        elif message.channel == "staff" and config.get("MAIL_SERVER"):
            name = "mail"
        else:
            name = "log"
        if name not in self._made:
            if name == "http":
                self._made[name] = HttpBackend()
            elif name == "mail":
                self._made[name] = MailBackend()
            else:
                self._made[name] = LogBackend()
        return self._made[name]

    def close(self) -> None:
        for backend in self._made.values():
            close = getattr(backend, "close", None)
            if close is not None:
                close()


def deliver_pending(now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send every message due at `now` (default: this moment), in claimed batches; see the module's docstring.

    `now` moves on with the real time the run takes, so leases and backoffs stay ahead of the clock
    also when run "as of" another moment (`flask jobs run-due --at`).
    """
    started_at, started = now or utcnow(), monotonic_clock.monotonic()

    def clock() -> datetime:
        return started_at + timedelta(seconds=monotonic_clock.monotonic() - started)

    held = _hold_for_quiet_hours(started_at)
    lease_length = CLAIM_BATCH * timedelta(seconds=current_app.config["SMS_GATEWAY_TIMEOUT"]) + LEASE_MARGIN
    backends = _Backends()
    counts = {"sent": 0, "retrying": 0, "failed": 0, "held_for_quiet_hours": held}
    handled = 0
    try:
        while limit is None or handled < limit:
            current = clock()
            lease = current + lease_length
            size = CLAIM_BATCH if limit is None else min(CLAIM_BATCH, limit - handled)
            batch, addresses = _claim(current, lease, size)
            if not batch:
                break
            handled += len(batch)
            sent: list[Outgoing] = []
            refused: list[tuple[Outgoing, str]] = []
            for message in batch:
                try:
                    backend = backends.for_message(message)
                    if isinstance(backend, MailBackend):
                        backend.send(message, addresses.get(message.user_id or 0))
                    else:
                        backend.send(message)
                except SendFailed as exc:
                    refused.append((message, str(exc)))
                    log.warning("message %s (%s) attempt %d failed: %s", message.external_id, message.kind,
                                message.attempts, exc)
                except Exception as exc:  # a backend's own error: this message is retried, the batch goes on
                    refused.append((message, f"{type(exc).__name__}: {exc}"))
                    log.exception("message %s (%s) attempt %d: unexpected error", message.external_id,
                                  message.kind, message.attempts)
                else:
                    sent.append(message)
            _finish(lease, sent, refused, clock())
            counts["sent"] += len(sent)
            counts["failed"] += sum(1 for m, _e in refused if m.attempts >= MAX_ATTEMPTS)
            counts["retrying"] += sum(1 for m, _e in refused if m.attempts < MAX_ATTEMPTS)
    finally:
        backends.close()
    return counts


# --- what the platform tells us -----------------------------------------------------------------------

def record_receipt(external_id: str, status: str, error: str | None = None, now: datetime | None = None) -> bool:
    """A delivery receipt: `delivered` or `failed` for the message with that id; False when unknown.

    A cancelled message stays cancelled; a receipt may arrive before the sender recorded `sent`.
    """
    if status not in ("delivered", "failed"):
        raise ValueError(status)
    values: dict = {"status": status}
    if status == "delivered":
        values.update(delivered_at=now or utcnow(), error=None)
    else:
        values.update(error=(error or "failed")[:500])
    result = db.session.execute(
        sa.update(Notification).where(Notification.external_id == external_id, Notification.status != "cancelled")
        .values(**values).execution_options(synchronize_session=False))
    if not result.rowcount:  # type: ignore[attr-defined]
        exists = db.session.scalar(sa.select(sa.exists().where(Notification.external_id == external_id)))
        if not exists:
            log.warning("receipt for an unknown message id %r", external_id[:40])
            return False
    return True


OPT_OUT_KEYWORDS = frozenset({"t", "td", "r", "退订"})


def is_opt_out_reply(text: str) -> bool:
    """`T`, `TD`, `R` or `退订`, whatever the case and the spaces around it."""
    return (text or "").strip().casefold() in OPT_OUT_KEYWORDS


def record_reply(phone: str, text: str) -> OptOut | None:
    """A customer's reply: an opt-out keyword records the opt-out; any other text is only logged."""
    if is_opt_out_reply(text):
        return record_opt_out(phone, text.strip().upper() if text.strip().isascii() else text.strip())
    log.info("reply from %s ignored (not an opt-out keyword)", phone[:3] + "****" + phone[-4:])
    return None


def event_message_counts(event_id: int) -> dict[str, int]:
    """How many of an event's messages are in each state (every state present, zeros included)."""
    counts = dict.fromkeys(STATUSES, 0)
    rows = db.session.execute(sa.select(Notification.status, sa.func.count()).where(
        Notification.event_id == event_id).group_by(Notification.status))
    counts.update({status: n for status, n in rows})
    return counts


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
