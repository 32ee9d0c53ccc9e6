"""The event-day card of the 今日 page: today's events first, each with a large 扫码签到 button.

On an event day the door is what staff need first; on other days the panel is not shown.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.events.models import Event
from app.events.services import event_counts
from app.extensions import db
from app.panels import register_panel
from app.security import can, scope_to_outlets
from app.timefmt import local_today, local_tz


def event_day_panel(user) -> dict | None:
    if not can(user, "checkin.scan"):
        return None
    start = datetime.combine(local_today(), time.min, local_tz())
    stmt = scope_to_outlets(sa.select(Event), Event.outlet_id, user).where(
        Event.status == "published", Event.ends_at >= start, Event.starts_at < start + timedelta(days=1))
    events = list(db.session.scalars(stmt.order_by(Event.starts_at)))
    if not events:
        return None
    return {"events": [(e, event_counts(e)) for e in events]}


register_panel(1, "checkin/_home_today.html", event_day_panel)
