"""`flask seed-scale` at a tiny size: what a benchmark relies on (API.md: "marked synthetic").

Tiny: --years 1 --events-per-month 1 (12 events an outlet) and --fixture-scale 0.05, which plants the
`finish` event with 100 checked-in attendees (2,000 at full size) and the XLSX event with 250 people
(5,000); the 200 open follow-ups of the 今日待办 fixture are 200 at every size.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.checkin.models import CheckIn
from app.customers.models import Consent, Customer
from app.demo.org import SYNTHETIC_BLOCK
from app.demo.scale_rows import NOTE, PASSWORD
from app.events.models import Event, Registration
from app.extensions import db
from app.followups.models import FollowUp, FollowUpContact
from app.org.models import Outlet

TINY = ["--years", "1", "--events-per-month", "1", "--fixture-scale", "0.05"]


def _seed(app, outlets: int, *extra: str):
    result = app.test_cli_runner().invoke(args=["seed-scale", "--outlets", str(outlets), *TINY, *extra])
    assert result.exit_code == 0, result.output
    return result


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_tiny_branch_is_coherent_synthetic_and_planted(app, tmp_path):
    path = tmp_path / "fixtures.json"
    result = _seed(app, 1, "--fixtures", str(path))
    fixtures = json.loads(path.read_text(encoding="utf-8"))
    assert fixtures["logins"] == {"manager": "sc001.manager", "staff": "sc001.staff1", "branch": "sc.branch"}
    assert fixtures["xlsx_event"]["title"] in result.output and fixtures["password"] == PASSWORD

    # 12 months × 1 event, plus the three fixture events.
    assert _count(Event) == 15
    # No event oversold: the seats (party sizes) of confirmed registrations fit its capacity; the counter
    # capacity decisions read agrees, though the bulk load went past the triggers that keep it.
    seats = Registration.seats_by_event()
    for event_id, capacity, taken, counter in db.session.execute(
            sa.select(Event.id, Event.capacity, sa.func.coalesce(seats.c.seats, 0), Event.seats_taken)
            .outerjoin(seats, seats.c.event_id == Event.id)):
        assert taken <= capacity, event_id
        assert counter == taken, event_id
    statuses = dict(db.session.execute(sa.select(Registration.status, sa.func.count())
                                       .group_by(Registration.status)).all())
    assert set(statuses) == {"confirmed", "cancelled", "waitlisted"}
    # A finished event's confirmed registrations each have their follow-up; nobody else has one.
    finished_confirmed = _count(Registration, Registration.status == "confirmed", Registration.event_id.in_(
        sa.select(Event.id).where(Event.status == "finished")))
    assert _count(FollowUp) == finished_confirmed
    assert _count(CheckIn) == _count(Registration, Registration.checked_in_at.is_not(None))
    assert _count(FollowUpContact) == _count(FollowUp, FollowUp.status != "open")
    public = _count(Registration, Registration.source == "public")
    assert _count(Consent, Consent.purpose != "marketing") == public

    _assert_fixtures(fixtures)
    _assert_synthetic()


def _assert_fixtures(fixtures: dict) -> None:
    staff = db.session.scalar(sa.select(User).where(User.username == fixtures["todo_staff"]["username"]))
    assert staff is not None
    assert _count(FollowUp, FollowUp.assignee_id == staff.id, FollowUp.status == "open") == 200
    finish = db.session.get_one(Event, fixtures["finish_event"]["id"])
    assert finish.status == "published" and finish.finished_at is None
    assert _count(FollowUp, FollowUp.event_id == finish.id) == 0
    came = _count(Registration, Registration.event_id == finish.id, Registration.attended)
    assert came == _count(Registration, Registration.event_id == finish.id) == 100  # 2,000 × 0.05
    assert _count(Registration, Registration.event_id == fixtures["xlsx_event"]["id"],
                  Registration.status == "confirmed") == 250  # 5,000 × 0.05
    search = fixtures["customer_search"]
    outlet = db.session.scalar(sa.select(Outlet.id).where(Outlet.code == search["outlet"]))
    assert _count(Customer, Customer.outlet_id == outlet, Customer.name == search["name"]) == search["name_matches"]
    assert search["name_matches"] >= 1
    assert _count(Customer, Customer.outlet_id == outlet, Customer.phone_last4 == search["last4"]) >= 1


def _assert_synthetic() -> None:
    assert all("合成数据" in name for name in db.session.scalars(sa.select(Outlet.name)))
    assert all("合成数据" in title for title in db.session.scalars(sa.select(Event.title)))
    assert all("合成" in name for name in db.session.scalars(sa.select(User.display_name)))
    assert _count(Customer, Customer.note != NOTE) == 0
    phones = list(db.session.scalars(sa.select(Customer.phone)))
    assert all(p.startswith("1990") and not p.startswith(SYNTHETIC_BLOCK) for p in phones)


def test_counts_scale_with_outlets_and_a_second_run_is_refused(app):
    _seed(app, 1)
    one = {m: _count(m) for m in (Customer, Registration, FollowUp)}
    assert "already ran" in app.test_cli_runner().invoke(args=["seed-scale", "--outlets", "1", *TINY]).output
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    _seed(app, 3)
    assert _count(Event) == 3 * 12 + 3
    assert _count(User, User.role == "manager") == 3 and _count(User, User.role == "branch") == 1
    for model, n in one.items():
        # The fixtures (in the first outlet only) are a fixed part: compare what the outlets add.
        assert 2.4 * n < _count(model) < 3.2 * n, model


def test_refuses_a_database_holding_other_data(app, make):
    make.outlet("X01")
    result = app.test_cli_runner().invoke(args=["seed-scale", "--outlets", "1", *TINY])
    assert result.exit_code != 0 and "--into-nonempty" in result.output
    _seed(app, 1, "--into-nonempty")


PAGES = {
    "sc001.manager": ("/today", "/events", "/followups", "/dashboard", "/customers?q=0001"),
    "sc001.staff1": ("/today", "/events", "/followups", "/customers?q=0001"),
    "sc.branch": ("/today", "/events", "/dashboard"),
}


@pytest.mark.parametrize("username", sorted(PAGES))
def test_pages_answer_for_the_fixture_logins(app, client, auth, username):
    _seed(app, 1)
    answer = auth.login(username, PASSWORD)
    assert answer.status_code == 303 and "/login" not in answer.headers["Location"]
    for url in PAGES[username]:
        assert client.get(url).status_code == 200, url
