"""What a registrant may do about a registration: register from the public page, change the party size.

A phone number is not an identity: anyone can type someone else's number, so a
registration whose phone is already registered for the event learns nothing
about that registration. The ticket link (the proof of holding the ticket) is
sent again to that phone, where only its owner reads it. Everything else a
registrant changes goes through the ticket, whose token is that proof.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.database import lock_for_update
from app.errors import ValidationFailed
from app.events import messages
from app.events.errors import AlreadyCheckedIn, EventFull, InvalidTransition, RegistrationClosed
from app.events.models import Event, Registration
from app.events.registration import (
    RegistrationInput,
    clean_party_size,
    promote_waitlist,
    register,
    registration_is_open,
    seats_taken,
)
from app.extensions import db
from app.models import utcnow
from app.notify.models import Notification

RESEND_INTERVAL = timedelta(minutes=10)


def register_or_resend(event: Event, data: RegistrationInput) -> Registration | None:
    """Register from the public page or API: the new registration, or None when the phone was registered.

    For a phone registered already nothing is changed and nothing is told to the
    person asking; the ticket link goes again to that phone (`resend_ticket`).
    """
    registration, created = register(event, data)
    if created:
        return registration
    resend_ticket(registration)
    return None


def resend_ticket(registration: Registration) -> bool:
    """Send the ticket link to the registration's phone again, at most once per RESEND_INTERVAL.

    The registration's row is locked first, so requests racing each other send one
    message between them. Returns whether a message was queued.
    """
    # The event first, as registration does: the message's row references the event (a key-share
    # lock on it), so a resend holding the registration while a registration holds the event and
    # waits for that registration would deadlock on PostgreSQL.
    lock_for_update(db.session, Event, registration.event_id)
    registration = lock_for_update(db.session, Registration, registration.id)
    since = utcnow() - RESEND_INTERVAL
    recent = db.session.scalar(sa.select(Notification.id).where(
        Notification.registration_id == registration.id, Notification.kind == "ticket_resent",
        Notification.created_at > since).limit(1))
    if recent is not None:
        return False
    messages.ticket_resent(registration)
    db.session.flush()
    return True


def _party_size(event: Event, raw) -> int:
    size, error = clean_party_size(event, raw)
    if error:
        raise ValidationFailed(fields={"party_size": error})
    return size


def change_party_size(registration: Registration, raw_size) -> Registration:
    """Change how many people a registration brings; capacity is decided under the event's lock.

    A confirmed registration keeps its seats and may grow only into free seats
    (EventFull otherwise: it is never moved to the waitlist behind its back); seats
    it frees go to the waitlist. A larger party needs registration to be open; a
    smaller one is fine until the event ends. The same size again changes nothing.
    """
    event = lock_for_update(db.session, Event, registration.event_id)
    db.session.refresh(registration)
    size = _party_size(event, raw_size)
    if registration.status == "cancelled":
        raise InvalidTransition(_("该报名已取消，不能修改人数"))
    if registration.checked_in_at is not None:
        raise AlreadyCheckedIn(_("已签到的报名不能修改人数"))
    if event.status != "published" or event.ends_at <= utcnow():
        raise InvalidTransition(_("活动已结束或已取消，不能修改人数"))
    old = registration.party_size
    if size == old:
        return registration
    if size > old and not registration_is_open(event):
        raise RegistrationClosed(_("报名已截止，不能增加人数"))
    if registration.status == "confirmed" and size > old:
        free = event.capacity - seats_taken(event.id)
        if size - old > free:
            raise EventFull(_("名额不足：最多还能增加 %(n)d 位", n=free) if free > 0
                            else _("名额已满，不能增加人数"))
    registration.party_size = size
    db.session.flush()
    messages.party_size_changed(registration, old)
    if size < old:
        promote_waitlist(event)  # freed seats, or a smaller waiting party that now fits
    return registration
