"""The planted fixtures of `flask seed-scale`: fixed, findable rows a benchmark times things against.

All in the first outlet (SC001), whose event list the benchmark reads:
- 今日待办: sc001.staff1 holds exactly 200 open follow-ups (one event's, due today or the two days
  before) and nothing else: no customer and no other event is theirs.
- `finish`: an event that ended two hours ago, still published, with 2,000 confirmed registrations,
  all checked in and no follow-ups yet (auto-finish would take it 24 hours after its end).
- registrations XLSX: an upcoming published event with 5,000 confirmed registrations.
The two large ones scale with `fixture_scale` (the tests use 0.05: 100 attendees, 250 people);
the 200 open items do not.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.customers.models import Customer
from app.demo.scale_events import Event, Run, Turnout, follow_up, hold, write_event
from app.demo.scale_rows import MARK, PASSWORD, Outlet
from app.extensions import db

TODO_ITEMS = 200
FINISH_ATTENDEES = 2_000
XLSX_PEOPLE = 5_000
TITLES = {"todo": f"今日待办样例{MARK}", "finish": f"结束计时样例{MARK}", "xlsx": f"报名导出样例{MARK}"}


def _event(run: Run, outlet: Outlet, title: str, starts: datetime, capacity: int, status: str,
           owner_id: int, template: int) -> Event:
    ev = Event(outlet=outlet, template=run.templates[template % len(run.templates)], title=title, starts=starts,
               ends=starts + timedelta(hours=2), capacity=capacity, status=status, owner_id=owner_id,
               published_at=starts - timedelta(days=14))
    if status == "finished":
        ev.finished_at = ev.ends + timedelta(hours=2)
    write_event(run, ev)
    return ev


def plant(run: Run, outlet: Outlet, fixture_scale: float) -> dict[str, int]:
    """Write the three fixture events; returns their ids."""
    now = run.now
    todo_owner = outlet.staff_ids[0]
    todo = _event(run, outlet, TITLES["todo"], now - timedelta(days=2), TODO_ITEMS, "finished", todo_owner, 1)
    # Only newcomers (prospect records without an owner), so every item goes to the event's owner.
    confirmed = hold(run, todo, Turnout(TODO_ITEMS, newcomers=1.0, cancel=0.0, attend=0.7, singles=True),
                     todo.starts - timedelta(days=10), todo.starts - timedelta(hours=1))
    follow_up(run, todo, confirmed, "open")
    attendees = max(1, round(FINISH_ATTENDEES * fixture_scale))
    finish = _event(run, outlet, TITLES["finish"], now - timedelta(hours=4), attendees, "published",
                    outlet.manager_id, 2)
    hold(run, finish, Turnout(attendees, newcomers=0.5, cancel=0.0, attend=1.0, singles=True),
         finish.starts - timedelta(days=12), finish.starts - timedelta(hours=1))
    people = max(1, round(XLSX_PEOPLE * fixture_scale))
    xlsx = _event(run, outlet, TITLES["xlsx"], now + timedelta(days=7), people, "published", outlet.manager_id, 3)
    hold(run, xlsx, Turnout(people, newcomers=0.5, cancel=0.0, singles=True), xlsx.published_at or now,
         now - timedelta(hours=1))
    return {"todo": todo.id, "finish": finish.id, "xlsx": xlsx.id}


def describe(ids: dict[str, int], outlet: Outlet, branch_user: str) -> dict:
    """What the benchmark needs to find, as printed and written to --fixtures."""
    # The outlet's most common customer name (a search finds several), and the first such customer's number.
    names = Counter(person[0] for person in outlet.people.values() if person[2])
    name = names.most_common(1)[0][0]
    phone = next(person[1] for person in outlet.people.values() if person[0] == name)
    same_name = db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        Customer.outlet_id == outlet.id, Customer.name == name))
    same_last4 = db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        Customer.outlet_id == outlet.id, Customer.phone_last4 == phone[-4:]))
    code = outlet.code.lower()
    return {
        "password": PASSWORD,
        "logins": {"manager": f"{code}.manager", "staff": f"{code}.staff1", "branch": branch_user},
        "outlet": {"code": outlet.code, "id": outlet.id},
        "todo_staff": {"username": f"{code}.staff1", "open_followups": TODO_ITEMS, "event_id": ids["todo"]},
        "finish_event": {"id": ids["finish"], "title": TITLES["finish"]},
        "xlsx_event": {"id": ids["xlsx"], "title": TITLES["xlsx"]},
        "customer_search": {"outlet": outlet.code, "name": name, "name_matches": same_name,
                            "last4": phone[-4:], "last4_matches": same_last4, "phone": phone},
    }
