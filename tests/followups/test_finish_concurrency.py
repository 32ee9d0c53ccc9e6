"""Racing finishes against a real multi-process server create every follow-up exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from app.events.models import Event
from app.extensions import db
from app.followups.models import FollowUp
from tests.server import gunicorn

pytestmark = pytest.mark.concurrency


def test_simultaneous_finishes_create_each_followup_once(database_url, make, happen):
    outlet = make.outlet("FUC")
    headers = make.token_headers(make.user("manager", outlet=outlet))
    event = make.event(outlet, capacity=60)
    registrations = [make.registration(event, name=f"并发{i}", phone=f"1990003{i:04d}") for i in range(40)]
    happen.move_to_past(event)
    for registration in registrations[::2]:
        happen.check_in(registration)
    event_id = event.id
    db.session.remove()  # hold no lock while the server works
    with gunicorn(database_url, workers=4) as base:
        def finish(_):
            response = requests.post(f"{base}/api/v1/events/{event_id}/finish", headers=headers, timeout=60)
            return response.status_code, response.json()

        with ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(finish, range(12)))
    assert {code for code, _body in results} == {200}, results
    assert sum(body["followups_created"] for _code, body in results) == 40
    assert sorted(body["followups_created"] for _code, body in results)[:-1] == [0] * 11
    rows = db.session.execute(sa.select(FollowUp.list, sa.func.count(FollowUp.id)).where(
        FollowUp.event_id == event_id).group_by(FollowUp.list)).all()
    assert dict(rows) == {"prospect": 20, "winback": 20}
    assert db.session.get(Event, event_id).status == "finished"
