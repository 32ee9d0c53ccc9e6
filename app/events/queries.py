"""Reads about events shared by pages, the API and other features: the live counts of one event or many,
an event's messages."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.events.models import Event, Registration
from app.extensions import db
from app.notify.models import Notification


def event_counts(event: Event) -> dict[str, int]:
    """The live counts of API.md: registrations by status, check-ins, seats.

    `confirmed`, `checked_in` and `walk_ins` count registrations (API.md); pages count people:
    `seats_taken` (people confirmed), `people_checked_in` and `walk_in_people` (party sizes).
    """
    return event_counts_many([event])[event.id]


def event_counts_many(events: Iterable[Event]) -> dict[int, dict[str, int]]:
    """`event_counts` of each event (by id) in one grouped query: a list of 200 events costs one round trip,
    not 200. Seats taken are the events' own counter (`Event.seats_taken`), what capacity decisions read."""
    by_id = {event.id: event for event in events}
    if not by_id:
        return {}
    reg = Registration
    confirmed = reg.status == "confirmed"
    walk_in = sa.and_(confirmed, reg.source == "walk_in")
    # From the events, so an event without registrations has its row too; every count is filtered,
    # so the outer join's empty row counts nowhere.
    rows = db.session.execute(
        sa.select(Event.id, sa.func.count().filter(confirmed), sa.func.count().filter(reg.status == "waitlisted"),
                  sa.func.count().filter(reg.status == "cancelled"), sa.func.count().filter(reg.attended),
                  sa.func.count().filter(walk_in), Event.seats_taken,
                  sa.func.coalesce(sa.func.sum(reg.party_size).filter(reg.attended), 0),
                  sa.func.coalesce(sa.func.sum(reg.party_size).filter(walk_in), 0))
        .outerjoin(reg, reg.event_id == Event.id)
        .where(Event.id.in_(list(by_id))).group_by(Event.id, Event.seats_taken)).all()
    found = {event_id: tuple(rest) for event_id, *rest in rows}
    return {event_id: _counts(event, found.get(event_id, (0,) * 8)) for event_id, event in by_id.items()}


def _counts(event: Event, row: tuple) -> dict[str, int]:
    confirmed, waitlisted, cancelled, checked_in, walk_ins, taken, people_in, walk_in_people = row
    return {
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "cancelled": cancelled,
        "checked_in": checked_in,
        "walk_ins": walk_ins,
        "seats_taken": int(taken),
        "people_checked_in": int(people_in),
        "walk_in_people": int(walk_in_people),
        "seats_left": max(0, event.capacity - int(taken)),
    }


MESSAGES_SHOWN = 500


def event_messages(event: Event, limit: int = MESSAGES_SHOWN) -> list[Notification]:
    """The SMS of an event (confirmations, reminders, invitations …), newest first, for its staff."""
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.event_id == event.id, Notification.channel == "sms")
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))
