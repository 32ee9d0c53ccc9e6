"""The demo seed's events: every state, follow-ups worked and open, conversions; running it again adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app.events.models import Event, Registration
from app.extensions import db
from app.followups.models import FollowUp


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Event, Registration, FollowUp))


def test_demo_events_cover_every_state_and_are_idempotent(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    states = set(db.session.scalars(sa.select(Event.status)))
    assert states == {"draft", "published", "finished"}
    assert all("（演示）" in title for title in db.session.scalars(sa.select(Event.title)))
    statuses = set(db.session.scalars(sa.select(FollowUp.status)))
    assert {"open", "converted", "contacted"} <= statuses
    assert set(db.session.scalars(sa.select(FollowUp.list))) == {"maintain", "prospect", "winback"}
    amount = db.session.scalar(sa.select(sa.func.sum(FollowUp.outcome_amount)).where(FollowUp.status == "converted"))
    assert amount > 0
    assert all(p.startswith("1990000") for p in db.session.scalars(sa.select(Registration.phone)))
    before = _counts()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _counts() == before
