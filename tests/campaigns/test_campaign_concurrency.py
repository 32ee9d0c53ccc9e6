"""Racing real requests against gunicorn (4 worker processes): a double submit makes one campaign."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from app.campaigns.models import Campaign
from app.events.models import Event
from app.extensions import db
from tests.server import gunicorn

pytestmark = pytest.mark.concurrency


def test_six_simultaneous_submits_of_one_form_make_one_campaign(database_url, branch_scene):
    headers = {**branch_scene["headers"], "Idempotency-Key": "double-tap-1"}
    body = branch_scene["body"]
    db.session.remove()  # hold no lock while the server works
    barrier = threading.Barrier(6)

    def submit():
        barrier.wait()
        response = requests.post(f"{base}/api/v1/campaigns", json=body, headers=headers, timeout=60)
        return response.status_code, response.json()

    with gunicorn(database_url, workers=4, threads=2) as base, ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _n: submit(), range(6)))
    assert sorted(status for status, _body in results) == [200] * 5 + [201], results
    assert len({body["id"] for _status, body in results}) == 1
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 3
