"""Planning fixtures: events of an outlet on a given local day, in any state."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from app.catalogue import occasions
from app.events import services as event_services
from app.extensions import db
from app.security import run_as_system
from app.timefmt import local_today, local_tz


def event_on(outlet, day: date, template_key: str, *, title: str = "策划测试活动（测试）", status: str = "draft",
             hour: int = 14):
    """An event of `outlet` starting at `hour`:00 local time on `day`; status is set as given."""
    starts = datetime.combine(day, time(hour, 0), local_tz())
    event = event_services.create_event(event_services.EventInput(
        template_key=template_key, outlet_code=outlet.code, starts_at=starts, ends_at=starts + timedelta(hours=2),
        capacity=30, waitlist=True, title=title, questions=[]))
    event.status = status
    db.session.commit()
    run_as_system()
    return event


def next_occurrence(key: str, min_days: int = 30):
    """The next occurrence of occasion `key` at least `min_days` from today, so plans have room."""
    today = local_today()
    for year in range(today.year, today.year + 3):
        for item in occasions.occasion_dates(year):
            if item.key == key and (item.date - today).days >= min_days:
                return item
    raise AssertionError(f"no occurrence of {key}")


@pytest.fixture
def staff(make, auth):
    """A logged-in staff member of a fresh outlet: (outlet, user)."""
    outlet = make.outlet()
    user = make.user("staff", outlet=outlet)
    auth.login(user.username)
    return outlet, user
