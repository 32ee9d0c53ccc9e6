"""Reminders: each confirmed registrant of a published event is reminded the day before at 10:00 local
time and 2 hours before the start, each exactly once (the `event_reminders` job, app/jobs/tasks.py).

Exactly once: a reminder's `MessageMark` (registration, "event_reminder", mark and start time) is
inserted with ON CONFLICT DO NOTHING in the same transaction as its message, and only the rows
that insert wrote get a message, so runs repeated, late or racing on several hosts never remind
twice (PostgreSQL's unique index makes a concurrent insert wait for the winner and then do
nothing; SQLite writes one transaction at a time). Cancelled registrations and cancelled events
are not reminded; nor is a registration confirmed after its reminder was due (its confirmation
just told the time), and a day-before reminder not sent by midnight is not sent at all (the
2-hours one follows).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from app.events import messages
from app.events.messages import DAY_BEFORE, TWO_HOURS
from app.events.models import Event, MessageMark, Registration
from app.extensions import db
from app.timefmt import iso, local_tz, to_local

REMINDER_KIND = "event_reminder"
DAY_BEFORE_AT = time(10, 0)  # local time, the day before the event
BEFORE_START = timedelta(hours=2)
# The earliest a reminder may fall due before the start: the day before at 10:00 for an event at 23:59.
HORIZON = timedelta(hours=38)


def reminder_windows(starts_at: datetime) -> dict[str, tuple[datetime, datetime]]:
    """When each reminder of an event starting at `starts_at` is due: {mark: (from, until)}, as aware datetimes.

    The day-before one from 10:00 the day before until midnight (or 2 hours before the start, if
    earlier), the 2-hours one from 2 hours before until the start.
    """
    start = to_local(starts_at)
    midnight = datetime.combine(start.date(), time.min, local_tz())
    day_before = datetime.combine(start.date() - timedelta(days=1), DAY_BEFORE_AT, local_tz())
    two_hours = start - BEFORE_START
    return {DAY_BEFORE: (day_before, min(midnight, two_hours)), TWO_HOURS: (two_hours, start)}


def _mark_key(mark: str, event: Event) -> str:
    return f"{mark}:{iso(event.starts_at)}"


def _claim(event: Event, mark: str, due: datetime) -> list[int]:
    """Insert the marks of this reminder for the event's confirmed registrations; the ids newly marked."""
    key = _mark_key(mark, event)
    rows = sa.select(Registration.id, sa.literal(REMINDER_KIND, sa.String), sa.literal(key, sa.String),
                     sa.literal(datetime.now(local_tz()), MessageMark.__table__.c.created_at.type)).where(
        Registration.event_id == event.id, Registration.status == "confirmed",
        Registration.confirmed_at.is_not(None), Registration.confirmed_at <= due)
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (insert(MessageMark).from_select(["registration_id", "kind", "key", "created_at"], rows)
            .on_conflict_do_nothing(index_elements=["registration_id", "kind", "key"])
            .returning(MessageMark.registration_id))
    return list(db.session.scalars(stmt))


def send_due_reminders(now: datetime) -> dict[str, int]:
    """Queue every reminder due at `now` that was not sent yet; how many of each were queued."""
    counts = {DAY_BEFORE: 0, TWO_HOURS: 0}
    events = db.session.scalars(sa.select(Event).options(joinedload(Event.outlet)).where(
        Event.status == "published", Event.starts_at > now, Event.starts_at <= now + HORIZON)
        .order_by(Event.starts_at, Event.id)).all()
    for event in events:
        for mark, (due, until) in reminder_windows(event.starts_at).items():
            if not due <= now < until:
                continue
            ids = _claim(event, mark, due)
            if not ids:
                continue
            key = _mark_key(mark, event)
            for start in range(0, len(ids), 500):
                chunk = db.session.scalars(sa.select(Registration).where(Registration.id.in_(ids[start:start + 500]))
                                           .order_by(Registration.id))
                for registration in chunk:  # its event is this one, from the identity map
                    messages.event_reminder(registration, mark, key)
                    counts[mark] += 1
            db.session.flush()
    return counts
