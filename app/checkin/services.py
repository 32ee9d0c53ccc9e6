"""Check-in at the door: one check-in per ticket, however many phones scan it at once.

The check-in history (`checkins`) is append-only; the registration's current
state (`checked_in_at`, `checkin_method`) changes in the same transaction by a
conditional UPDATE (`… WHERE checked_in_at IS NULL`), whose row count says which
request won. A client nonce makes a retried request recognisable: it gets the
first answer again instead of "already checked in".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.audit import services as audit
from app.checkin.errors import EventNotOpen, NotCheckedIn, NotConfirmed, NotEventDay, UndoNotAllowed, WrongEvent
from app.checkin.models import CheckIn
from app.database import lock_for_update
from app.errors import Forbidden, NotFound, ValidationFailed
from app.events.models import Event, Registration
from app.events.services import RegistrationInput, register
from app.events.signals import issue_vouchers, offers_may_issue, voucher_issuer
from app.extensions import db
from app.models import utcnow
from app.privacy import mask_name
from app.security import acting_user, can, may_see_outlet
from app.timefmt import local_today, to_local

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
TICKET_PATH = re.compile(r"/t/([A-Za-z0-9_-]{22})/?$")
MAX_DEVICE = 120
# How long staff may take back a check-in they made themselves (a wrong tap, the wrong person);
# managers and admins correct any check-in at any time.
UNDO_WINDOW = timedelta(minutes=10)

# The hot path's statements are built once; each scan only binds its values.
_BY_TOKEN = (sa.select(Registration).options(joinedload(Registration.event))
             .where(Registration.ticket_token == sa.bindparam("token")))
# The claim and the history row are Core statements on the tables, run on the session's connection:
# the ORM's bulk-DML machinery would cost about a millisecond per scan for nothing.
_REGISTRATIONS = Registration.__table__


@functools.cache
def _claim(_issuer) -> sa.Update:
    """The claiming UPDATE. It also answers whether the event carries offers issued on check-in, so a
    check-in at an event without such offers needs no extra round trip for vouchers. Built once per
    voucher issuer (app.events.signals), which alliance registers in its init_app, after this module
    is imported."""
    return (sa.update(_REGISTRATIONS)
            .where(_REGISTRATIONS.c.id == sa.bindparam("registration_id"), _REGISTRATIONS.c.checked_in_at.is_(None),
                   _REGISTRATIONS.c.status == "confirmed")
            .values(checked_in_at=sa.bindparam("now"), checkin_method=sa.bindparam("method"))
            .returning(offers_may_issue(_REGISTRATIONS.c.event_id, "checkin")))


_APPEND = sa.insert(CheckIn.__table__).returning(CheckIn.__table__.c.id)


@dataclass
class Outcome:
    """What a check-in attempt did: `checked_in` (this request, or the retry of it) or `already_checked_in`."""

    result: str
    registration: Registration
    checkin_id: int | None = None  # the history row that checked in (None for "already")
    replayed: bool = False

    @property
    def created(self) -> bool:
        return self.result == "checked_in"


def token_from_scan(scanned: str | None) -> str | None:
    """The ticket token in what a scanner read: the bare token or the whole ticket URL."""
    text = (scanned or "").strip()
    if "/" in text:
        match = TICKET_PATH.search(urlsplit(text).path)
        text = match.group(1) if match else ""
    return text if TOKEN_PATTERN.match(text) else None


def registration_for_scan(scanned: str | None) -> Registration:
    """The registration a scanned ticket names, in the caller's outlets.

    Unknown, malformed or tampered tickets are NotFound; a ticket of another
    outlet's event is Forbidden (API.md: 403), since holding the unguessable
    token already proves it exists.
    """
    token = token_from_scan(scanned)
    registration = None
    if token is not None:
        registration = db.session.scalar(_BY_TOKEN, {"token": token})
    if registration is None:
        raise NotFound(_("无效的票码：找不到对应的报名"), extra={"result": "not_found"})
    if not may_see_outlet(registration.event.outlet_id):
        raise Forbidden(_("这是其他网点活动的票"), extra={"result": "forbidden"})
    return registration


def _device(device: str | None) -> str | None:
    return (device or "").strip()[:MAX_DEVICE] or None


def _ensure_checkable(registration: Registration) -> None:
    event = registration.event
    if event.status != "published":
        raise EventNotOpen(extra={"result": "event_not_open", "event_status": event.status})
    if registration.status != "confirmed":
        message = (_("候补中，尚未确认名额，不能签到") if registration.status == "waitlisted"
                   else _("已取消报名，不能签到"))
        raise NotConfirmed(message, extra={"result": "not_confirmed", "status": registration.status})


def event_days(event: Event) -> tuple[date, date]:
    """The local dates the event runs on: its first and last day (the same for most events)."""
    return to_local(event.starts_at).date(), to_local(event.ends_at).date()


def is_event_day(event: Event, today: date | None = None) -> bool:
    first, last = event_days(event)
    return first <= (today or local_today()) <= last


def _ensure_event_day(event: Event, confirmed: bool) -> None:
    """A check-in on another day is most often a slip (a test scan, the wrong event): staff confirm it first."""
    if confirmed or is_event_day(event):
        return
    first, last = event_days(event)
    today = local_today()
    if today < first:
        message = _("活动在 %(d)s，还有 %(n)d 天。今天签到请确认。", d=first.isoformat(), n=(first - today).days)
    else:
        message = _("活动已于 %(d)s 举行。现在补签到请确认。", d=last.isoformat())
    raise NotEventDay(message, extra={"result": "not_event_day", "event_date": first.isoformat(),
                                      "today": today.isoformat(), "days_until": (first - today).days})


def _replay(prior: CheckIn, registration: Registration) -> Outcome:
    if prior.registration_id != registration.id:
        raise ValidationFailed(fields={"nonce": _("该请求编号已用于另一张票")})
    return Outcome("checked_in" if prior.kind == "checkin" else "already_checked_in", registration, prior.id,
                   replayed=True)


def _by_nonce(nonce: str | None) -> CheckIn | None:
    if not nonce:
        return None
    return db.session.scalar(sa.select(CheckIn).where(CheckIn.nonce == nonce))


def check_in(registration: Registration, *, method: str = "scan", device: str | None = None,
             nonce: str | None = None, event_id: int | None = None, confirm_outside_day: bool = False) -> Outcome:
    """Check a confirmed registration in once; later attempts answer `already_checked_in`.

    Raises NotConfirmed (waitlisted/cancelled), EventNotOpen, WrongEvent (the
    ticket is for another event than `event_id`), NotEventDay (not on the
    event's day, unless staff confirmed it with `confirm_outside_day`). Vouchers that issue on
    check-in are issued in the same transaction. The check-in row is the audit
    record: who, which device or page, when, how.
    """
    if event_id is not None and registration.event_id != event_id:
        raise WrongEvent(_("这是另一场活动「%(t)s」的票", t=registration.event.title),
                         extra={"result": "wrong_event", "event": {"id": registration.event_id,
                                                                   "title": registration.event.title}})
    prior = _by_nonce(nonce)
    if prior is not None:
        return _replay(prior, registration)
    if registration.checked_in_at is not None:  # a repeat scan: no write at all
        return Outcome("already_checked_in", registration)
    _ensure_checkable(registration)
    _ensure_event_day(registration.event, confirm_outside_day)
    now = utcnow()
    connection = db.session.connection()
    issuer = voucher_issuer()  # the cache key of _claim: a Protocol object is hashable, typeshed cannot tell
    claimed = connection.execute(_claim(issuer), {"registration_id": registration.id,  # type: ignore[arg-type]
                                                  "now": now, "method": method}).first()
    if claimed is None:
        # Another phone won (PostgreSQL waited for its commit), or the state changed: read it again.
        db.session.refresh(registration)
        prior = _by_nonce(nonce)
        if prior is not None:
            return _replay(prior, registration)
        if registration.checked_in_at is None:
            _ensure_checkable(registration)
        return Outcome("already_checked_in", registration)
    set_committed_value(registration, "checked_in_at", now)
    set_committed_value(registration, "checkin_method", method)
    # A Core INSERT … RETURNING: the door's hot path, about a millisecond cheaper than an ORM flush.
    checkin_id = connection.execute(_APPEND, {
        "registration_id": registration.id, "event_id": registration.event_id, "kind": "checkin", "method": method,
        "at": now, "user_id": getattr(acting_user(), "id", None), "device": _device(device), "nonce": nonce or None,
    }).scalar_one()
    if claimed[0]:
        issue_vouchers(registration, "checkin")
    return Outcome("checked_in", registration, checkin_id)


def current_checkin(registration: Registration) -> CheckIn | None:
    """The history row that made the current check-in (None when not checked in)."""
    if registration.checked_in_at is None:
        return None
    return db.session.scalar(sa.select(CheckIn).where(CheckIn.registration_id == registration.id,
                                                      CheckIn.kind == "checkin")
                             .order_by(CheckIn.id.desc()).limit(1))


def may_undo(row: CheckIn | None, user=None, now=None) -> bool:
    """Managers and admins take back any check-in; other staff only their own, within UNDO_WINDOW."""
    user = user if user is not None else acting_user()
    if row is None or user is None:
        return False
    if can(user, "checkin.undo"):
        return True
    return row.user_id == getattr(user, "id", None) and (now or utcnow()) - row.at <= UNDO_WINDOW


def undo_check_in(registration: Registration, *, device: str | None = None, reason: str | None = None,
                  checkin_id: int | None = None) -> CheckIn:
    """Take a check-in back; the undo is a history row of its own and audited.

    The registration is locked first, so an undo and a re-check-in (or two undos) are
    serialised: a second undo answers NotCheckedIn. `checkin_id` names the check-in
    meant; once it was undone (and the ticket checked in again) it is NotCheckedIn too,
    so a late retry never takes back someone else's newer check-in. Staff may undo
    only their own check-in within UNDO_WINDOW (UndoNotAllowed).
    """
    registration = lock_for_update(db.session, Registration, registration.id)
    current = current_checkin(registration)
    if current is None or (checkin_id is not None and current.id != checkin_id):
        raise NotCheckedIn()
    if not may_undo(current):
        raise UndoNotAllowed()
    assert registration.checked_in_at is not None  # set with its current check-in
    was = {"checked_in_at": registration.checked_in_at.isoformat(), "method": registration.checkin_method,
           "checkin_id": current.id, "checked_in_by": current.user_id}
    actor = acting_user()
    row = CheckIn(registration_id=registration.id, event_id=registration.event_id, kind="undo",
                  method=registration.checkin_method or "scan", at=utcnow(), user_id=getattr(actor, "id", None),
                  device=_device(device))
    registration.checked_in_at = None
    registration.checkin_method = None
    db.session.add(row)
    db.session.flush()
    audit.record("checkin_undone", obj=registration.event, details={
        "registration": registration.id, "name": mask_name(registration.name), **was, "reason": reason or ""})
    return row


@dataclass
class WalkIn:
    registration: Registration
    outcome: Outcome
    created: bool  # False: this phone had registered already; they were checked in instead


def walk_in(event: Event, *, name: str | None, phone: str | None, party_size: int | str | None = 1,
            answers: dict | None = None, over_capacity: bool = False, device: str | None = None,
            confirm_outside_day: bool = False) -> WalkIn:
    """Register someone at the door and check them in, in one step.

    Past capacity only when staff say so (`over_capacity`), which is recorded on
    the registration and in the audit log. A phone that registered already is
    simply checked in. The event's questions are validated as on the registration page: a required
    one must be answered at the door too.
    """
    if event.status != "published":
        raise EventNotOpen(extra={"result": "event_not_open", "event_status": event.status})
    _ensure_event_day(event, confirm_outside_day)
    registration, created = register(event, RegistrationInput(name=name, phone=phone, party_size=party_size,
                                                              answers=answers or {}),
                                     source="walk_in", allow_over_capacity=over_capacity)
    outcome = check_in(registration, method="walk_in" if created else "search", device=device,
                       confirm_outside_day=True)
    if created and registration.over_capacity:
        audit.record("walk_in_over_capacity", obj=event, details={
            "registration": registration.id, "party_size": registration.party_size, "capacity": event.capacity})
    return WalkIn(registration, outcome, created)


def recent_checkins(event: Event, since_id: int | None = None, limit: int = 20) -> list[CheckIn]:
    """The event's latest history rows (check-ins and undos), newest first; `since_id` for polling."""
    stmt = (sa.select(CheckIn).options(joinedload(CheckIn.registration), joinedload(CheckIn.user))
            .where(CheckIn.event_id == event.id))
    if since_id:
        stmt = stmt.where(CheckIn.id > since_id)
    return list(db.session.scalars(stmt.order_by(CheckIn.id.desc()).limit(limit)))


def people_checked_in(event: Event) -> int:
    """People (party sizes) checked in right now."""
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Registration.party_size), 0)).where(
        Registration.event_id == event.id, Registration.attended)) or 0)


def history(registration: Registration) -> list[CheckIn]:
    return list(db.session.scalars(sa.select(CheckIn).where(CheckIn.registration_id == registration.id)
                                   .order_by(CheckIn.id)))
