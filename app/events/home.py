"""The events panel of the 今日 page: today's events and this week's."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.events.models import Event
from app.events.queries import event_counts_many
from app.extensions import db
from app.panels import register_panel
from app.security import scope_to_outlets
from app.timefmt import local_today, local_tz


def events_panel(user) -> dict:
    today = local_today()
    start = datetime.combine(today, time.min, local_tz())
    tomorrow = start + timedelta(days=1)
    week_end = start + timedelta(days=7)
    stmt = scope_to_outlets(sa.select(Event), Event.outlet_id, user).where(
        Event.status.in_(("published", "draft")), Event.ends_at >= start, Event.starts_at < week_end)
    events = list(db.session.scalars(stmt.order_by(Event.starts_at)))
    counts = event_counts_many(events)
    return {
        "today": [(e, counts[e.id]) for e in events if e.starts_at < tomorrow],
        "week": [(e, counts[e.id]) for e in events if e.starts_at >= tomorrow],
    }


register_panel(10, "events/_home_panel.html", events_panel)
