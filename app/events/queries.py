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
    not 200. Seats taken are the people of confirmed registrations, as `Registration.seats_taken` says."""
    by_id = {event.id: event for event in events}
    if not by_id:
        return {}
    reg = Registration
    rows = db.session.execute(
        sa.select(reg.event_id, reg.status, sa.func.count(reg.id), sa.func.coalesce(sa.func.sum(reg.party_size), 0),
                  sa.func.count(reg.id).filter(reg.attended),
                  sa.func.coalesce(sa.func.sum(reg.party_size).filter(reg.attended), 0),
                  sa.func.count(reg.id).filter(reg.source == "walk_in"),
                  sa.func.coalesce(sa.func.sum(reg.party_size).filter(reg.source == "walk_in"), 0))
        .where(reg.event_id.in_(list(by_id))).group_by(reg.event_id, reg.status)).all()
    grouped: dict[int, dict[str, tuple]] = {event_id: {} for event_id in by_id}
    for event_id, status, *rest in rows:
        grouped[event_id][status] = tuple(rest)
    return {event_id: _counts(by_id[event_id], grouped[event_id]) for event_id in by_id}


def _counts(event: Event, by_status: dict[str, tuple]) -> dict[str, int]:
    confirmed, taken, checked_in, people_in, walk_ins, walk_in_people = by_status.get("confirmed", (0,) * 6)
    return {
        "confirmed": confirmed,
        "waitlisted": by_status.get("waitlisted", (0,))[0],
        "cancelled": by_status.get("cancelled", (0,))[0],
        "checked_in": checked_in,
        "walk_ins": walk_ins or 0,
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
