"""Registration: capacity that never oversells, the waitlist, cancellations, tickets.

Capacity decisions are made with the event row locked (PostgreSQL: SELECT …
FOR UPDATE; SQLite: the BEGIN IMMEDIATE write lock), re-counting seats after
the lock, never count-then-insert. Seats are people: a party of three takes three.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.models import AuditEntry
from app.customers.models import Consent
from app.customers.phones import InvalidPhone, normalize_mobile
from app.customers.services import find_or_create_prospect, record_consent
from app.database import lock_columns, lock_for_update
from app.errors import NotFound, ValidationFailed
from app.events import messages
from app.events.consent import CONSENT_VERSION, consent_purpose
from app.events.errors import AlreadyCheckedIn, EventFull, InvalidTransition, RegistrationClosed
from app.events.models import Event, Registration
from app.events.questions import validate_answers
from app.events.referrals import resolve_ref
from app.events.signals import issue_vouchers, offers_may_issue, voucher_issuer
from app.extensions import db
from app.input_guard import name_problem
from app.models import JSONType, utcnow
from app.notify.models import Notification
from app.tokens import url_token

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
MAX_NAME = 50


@dataclass
class RegistrationInput:
    name: str | None = None
    phone: str | None = None
    consent: bool = False
    party_size: int | str | None = 1
    answers: dict = field(default_factory=dict)
    ref: str | None = None
    # The separate, unticked box "愿意接收本网点的活动邀请": invitations need it (API.md).
    marketing_consent: bool = False


@dataclass
class CleanRegistration:
    name: str
    phone: str
    party_size: int
    answers: dict


def validate(event: Event, data: RegistrationInput, *, require_consent: bool = True) -> CleanRegistration:
    """Check what a registrant typed; every problem is reported against its field, in Chinese."""
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = _("请填写姓名")
    elif len(name) > MAX_NAME:
        errors["name"] = _("姓名不超过 %(n)d 个字", n=MAX_NAME)
    elif problem := name_problem(name):
        errors["name"] = problem
    phone = ""
    try:
        phone = normalize_mobile(data.phone)
    except InvalidPhone:
        errors["phone"] = _("请填写正确的 11 位手机号")
    party, party_error = clean_party_size(event, data.party_size if data.party_size not in (None, "") else 1)
    if party_error:
        errors["party_size"] = party_error
    answers, answer_errors = validate_answers(event.questions or [], data.answers or {})
    errors.update(answer_errors)
    if require_consent and data.consent is not True:
        errors["consent"] = _("请阅读并同意个人信息使用说明")
    if errors:
        raise ValidationFailed(fields=errors)
    return CleanRegistration(name=name, phone=phone, party_size=party, answers=answers)


def clean_party_size(event: Event, raw) -> tuple[int, str | None]:
    """The party size typed (people, the registrant included) and what is wrong with it, if anything."""
    try:
        party = int(str(raw).strip())
    except (TypeError, ValueError):
        party = 0
    if 1 <= party <= event.max_party_size:
        return party, None
    return party, (_("本活动每人限报 1 位") if event.max_party_size == 1
                   else _("人数应为 1 到 %(n)d 位", n=event.max_party_size))


def registration_is_open(event: Event) -> bool:
    """Published, and neither the registration deadline nor the event's end has passed."""
    now = utcnow()
    return event.status == "published" and now < event.ends_at and (
        event.registration_closes_at is None or now < event.registration_closes_at)


def _ensure_open(event: Event, *, at_door: bool) -> None:
    if event.status != "published":
        raise NotFound()  # drafts and cancelled events do not exist publicly
    if not at_door and not registration_is_open(event):  # staff register walk-ins while the event runs
        raise RegistrationClosed()


# What capacity decisions read, refreshed by the lock itself: the seats taken come with it (a column the
# database keeps, Event.seats_taken), not from summing the event's registrations while the lock is held.
_LOCKED_STATE = ("status", "capacity", "waitlist", "ends_at", "registration_closes_at", "seats_taken")


def seats_taken(event_id: int) -> int:
    """People (party sizes) holding confirmed seats, as of this session's own changes (they are flushed
    first, and the database's triggers count them)."""
    return db.session.scalar(sa.select(Event.seats_taken).where(Event.id == event_id)) or 0


def recount_seats_taken() -> None:
    """Set the events' `seats_taken` from their confirmed registrations, for a writer the triggers did not
    see: seed-scale's bulk load, which switches PostgreSQL's triggers off. One grouped pass over the
    registrations (a scan, whatever the planner knows of tables just loaded); an event without a confirmed
    registration keeps its counter (0, as created)."""
    events, taken = Event.__table__, Registration.seats_by_event()
    db.session.execute(events.update().where(events.c.id == taken.c.event_id).values(seats_taken=taken.c.seats))


_under_lock_statements: dict[object, sa.Select] = {}


def _under_lock_statement() -> sa.Select:
    """What registration asks under the event's lock, in one round trip: this phone's registration (another
    request for it may have won the lock first) and whether an offer may issue.

    Built once per voucher issuer (one per process, registered at start-up), with bind parameters, so
    SQLAlchemy reuses its cache key and compiled form instead of building the query each time.
    """
    issuer: object = voucher_issuer()
    statement = _under_lock_statements.get(issuer)
    if statement is None:
        event_id, phone = sa.bindparam("event_id", type_=sa.Integer), sa.bindparam("phone", type_=sa.String)
        statement = _under_lock_statements[issuer] = sa.select(
            sa.select(Registration.id).where(Registration.of_phone(event_id, phone)).scalar_subquery(),
            offers_may_issue(event_id, "registration"))
    return statement


def register(event: Event, data: RegistrationInput, *, source: str = "public",
             allow_over_capacity: bool = False) -> tuple[Registration, bool]:
    """Register a person for an event; returns (registration, created).

    The same phone again gets its existing registration back. Confirmed while
    seats remain, else waitlisted (waitlist on) or EventFull (off). A walk-in
    (`source="walk_in"`) may be let in past capacity only when staff say so.

    What does not depend on the seat count (the customer record, the referrer) is looked
    up before the event's lock, so the part that registrations of one event do one at a
    time stays short: the lock (which reads the seats taken: a counter the database keeps), one
    statement (the phone asked again, whether any offer may issue), the rows written at once
    (`write_registration`), the commit. Should the event turn out full (waitlist off), the
    request rolls back. A repeat submission is rare, so the phone is asked only under the lock.
    """
    clean = validate(event, data, require_consent=source == "public")
    at_door = source == "walk_in"
    _ensure_open(event, at_door=at_door)
    customer, was_customer = find_or_create_prospect(event.outlet_id, clean.name, clean.phone)
    # Nothing pending is written before write_registration below: the rows added on the way (audit
    # entries, the consent) wait for it and go with the registration.
    with db.session.no_autoflush:
        referrer_user, referrer_customer = resolve_ref(data.ref, event.outlet_id, customer.id)
        # The lock, refreshing what capacity decisions read (the outlet and the rest stay as loaded).
        lock_columns(db.session, event, _LOCKED_STATE)
        _ensure_open(event, at_door=at_door)
        existing_id, offers_may = db.session.connection().execute(
            _under_lock_statement(), {"event_id": event.id, "phone": clean.phone}).one()
        if existing_id is not None:
            return db.session.get_one(Registration, existing_id), False
        over_capacity = False
        if event.seats_taken + clean.party_size <= event.capacity:
            status = "confirmed"
        elif allow_over_capacity:
            status, over_capacity = "confirmed", True
        elif event.waitlist and not at_door:
            status = "waitlisted"
        else:
            raise EventFull()
        if source == "public":
            # The separate marketing box, when ticked, adds its own consent row (one INSERT more) and nothing else.
            record_consent(customer, purpose=consent_purpose(), text_version=CONSENT_VERSION, channel="registration",
                           marketing=data.marketing_consent is True)
        now = utcnow()
        registration = Registration(
            event=event, customer_id=customer.id, name=clean.name, phone=clean.phone, phone_last4=clean.phone[-4:],
            party_size=clean.party_size, answers=clean.answers, status=status, source=source,
            was_customer=was_customer, ticket_token=url_token(16), ref_code=(data.ref or "").strip()[:16] or None,
            referrer_user_id=getattr(referrer_user, "id", None),
            referrer_customer_id=getattr(referrer_customer, "id", None),
            consent_version=CONSENT_VERSION if source == "public" else None, over_capacity=over_capacity,
            created_at=now, confirmed_at=now if status == "confirmed" else None,
        )
        db.session.add(registration)
        messages.new_registration(registration)
        registration = write_registration(registration)
        db.session.expire(event, ["seats_taken"])  # the insert's trigger moved it on
    if status == "confirmed" and offers_may:  # no active offer of the event issues on registration: nothing to look up
        issue_vouchers(registration, "registration")
    return registration, True


# The one hand-written statement of the registration path (issue 14 item 5), PostgreSQL only: the new
# registration with what it brings (its audit entries, consents and message) in one round trip instead of
# the unit of work's flush of four INSERTs. Measured in-process (bench/profile_registration.py, PostgreSQL,
# 300 registrations, in turns): the flush was 2.6 of 8.2 ms CPU per registration, and the event's lock is
# held across it (lock to commit 4.9 ms before, against 2.0 ms with the composed statements of
# af21260); the figures with this statement are in docs/performance.md ("One statement for the rows").
# SQLite (one writer at a time) keeps the flush. tests/events/test_registration_write.py checks that
# both write the same rows.
_WRITE_REGISTRATION = sa.text("""
WITH registration AS (
    INSERT INTO registrations (event_id, customer_id, name, phone, phone_last4, party_size, answers, status, source,
                               was_customer, ticket_token, ref_code, referrer_user_id, referrer_customer_id,
                               consent_version, over_capacity, created_at, confirmed_at)
    VALUES (:event_id, :customer_id, :name, :phone, :phone_last4, :party_size, :answers, :status, :source,
            :was_customer, :ticket_token, :ref_code, :referrer_user_id, :referrer_customer_id,
            :consent_version, :over_capacity, :created_at, :confirmed_at)
    RETURNING *
), message AS (
    INSERT INTO notifications (kind, channel, recipient, subject, body, payload, event_id, registration_id, user_id,
                               status, attempts, created_at, external_id)
    SELECT m.kind, m.channel, m.recipient, m.subject, m.body, m.payload, m.event_id, registration.id, m.user_id,
           m.status, m.attempts, m.created_at, m.external_id
    FROM registration, jsonb_to_recordset(:messages) AS m(
        kind text, channel text, recipient text, subject text, body text, payload jsonb, event_id int, user_id int,
        status text, attempts int, created_at timestamptz, external_id text)
), consent AS (
    INSERT INTO consents (customer_id, purpose, text_version, channel, given_at)
    SELECT c.customer_id, c.purpose, c.text_version, c.channel, c.given_at
    FROM jsonb_to_recordset(:consents) AS c(customer_id int, purpose text, text_version text, channel text,
                                           given_at timestamptz)
), audit AS (
    INSERT INTO audit_log (at, actor_id, actor_username, action, object_type, object_id, outlet_id, ip, user_agent,
                           details)
    SELECT a.at, a.actor_id, a.actor_username, a.action, a.object_type, a.object_id, a.outlet_id, a.ip,
           a.user_agent, a.details
    FROM jsonb_to_recordset(:audit) AS a(at timestamptz, actor_id int, actor_username text, action text,
                                        object_type text, object_id text, outlet_id int, ip text, user_agent text,
                                        details jsonb)
)
SELECT * FROM registration
""").bindparams(*(sa.bindparam(name, type_=JSONType()) for name in ("answers", "messages", "consents", "audit")))
_WRITE_REGISTRATION_AS_ORM = sa.select(Registration).from_statement(
    _WRITE_REGISTRATION.columns(*Registration.__table__.c))

# What registration adds to the session besides the registration itself (the statement's other rows).
_WRITTEN_WITH = (AuditEntry, Consent, Notification)


def write_registration(registration: Registration) -> Registration:
    """Write the new registration and the rows added with it; returns the registration as written (persistent).

    On PostgreSQL in the one statement above, when the session holds nothing else new (anything
    unexpected goes the ordinary way); elsewhere one flush. Every value comes from the objects the
    services built (audit.record, record_consent, notify), with their Python-side defaults applied
    here as the flush would: the statement writes no value of its own.
    """
    pending = list(db.session.new)
    if (db.session.connection().dialect.name != "postgresql"
            or not all(isinstance(obj, (Registration, *_WRITTEN_WITH)) for obj in pending)
            or sum(isinstance(obj, Registration) for obj in pending) != 1):
        db.session.flush()
        return registration
    for obj in pending:
        db.session.expunge(obj)
    rows: dict[type, list[dict]] = {kind: [] for kind in _WRITTEN_WITH}
    for obj in pending:
        if not isinstance(obj, Registration):
            rows[type(obj)].append(_row_values(obj, as_json=True))
    params = _row_values(registration) | {
        "event_id": registration.event.id, "messages": rows[Notification], "consents": rows[Consent],
        "audit": rows[AuditEntry]}
    return db.session.scalars(_WRITE_REGISTRATION_AS_ORM, params).one()


def _row_values(obj, *, as_json: bool = False) -> dict:
    """The object's column values as the flush would insert them (an unset one gets its column's Python
    default); `as_json` for the rows the statement reads from JSON (timestamps as ISO 8601)."""
    values = {}
    for key, default in _insert_columns(obj.__table__):
        value = getattr(obj, key)
        if value is None and default is not None:
            value = default.arg(None) if default.is_callable else default.arg
        values[key] = value.isoformat() if as_json and isinstance(value, datetime) else value
    return values


@functools.cache
def _insert_columns(table: sa.Table) -> tuple[tuple[str, Any], ...]:
    """(attribute, Python-side default) of every column an INSERT into `table` writes (all but the key)."""
    return tuple((column.key, column.default) for column in table.c if not column.primary_key)


def confirm_from_waitlist(registration: Registration) -> None:
    registration.status = "confirmed"
    registration.confirmed_at = utcnow()
    db.session.flush()
    issue_vouchers(registration, "registration")
    messages.waitlist_promoted(registration)


def promote_waitlist(event: Event) -> list[Registration]:
    """Confirm the earliest waitlisted registrations that fit the free seats.

    Call with the event row locked; runs in the same transaction as the
    cancellation or capacity change that freed the seats.
    """
    free = event.capacity - seats_taken(event.id)
    promoted: list[Registration] = []
    if free <= 0 or event.status != "published":
        return promoted
    waiting = db.session.scalars(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)).all()
    for registration in waiting:
        if registration.party_size <= free:
            confirm_from_waitlist(registration)
            free -= registration.party_size
            promoted.append(registration)
        if free <= 0:
            break
    return promoted


def cancel_registration(registration: Registration) -> list[Registration]:
    """Cancel a registration; freed seats go to the waitlist, first come first served.

    Returns the registrations promoted from the waitlist. Cancelling twice is harmless.
    """
    event = lock_for_update(db.session, Event, registration.event_id)
    db.session.refresh(registration)
    if registration.status == "cancelled":
        return []
    if registration.checked_in_at is not None:
        raise AlreadyCheckedIn()
    if event.status != "published" or event.ends_at <= utcnow():
        raise InvalidTransition(_("活动已结束或已取消，无需取消报名"))
    was_confirmed = registration.status == "confirmed"
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    db.session.flush()
    messages.registration_cancelled(registration)
    return promote_waitlist(event) if was_confirmed else []


def registration_by_token(token: str | None) -> Registration | None:
    """The registration a ticket token names; a malformed or tampered token finds nothing."""
    if not token or not TOKEN_PATTERN.match(token):
        return None
    return db.session.scalar(sa.select(Registration).where(Registration.ticket_token == token))


def registrations_for(event: Event, q: str | None = None, status: str | None = None) -> list[Registration]:
    """An event's registrations for its staff; search by name or the last four digits."""
    stmt = sa.select(Registration).where(Registration.event_id == event.id)
    q = (q or "").strip()
    if q:
        stmt = stmt.where(Registration.phone_last4 == q) if q.isdigit() and len(q) == 4 else \
            stmt.where(Registration.name.contains(q, autoescape=True))
    if status:
        stmt = stmt.where(Registration.status == status)
    return list(db.session.scalars(stmt.order_by(Registration.created_at, Registration.id)))
