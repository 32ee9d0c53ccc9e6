"""Capacity is never oversold: real concurrent requests against gunicorn with 4 worker processes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from app.events.models import Event, Registration
from app.extensions import db
from app.notify.models import Notification
from tests.server import gunicorn

pytestmark = pytest.mark.concurrency


def _race(base: str, slug: str, bodies: list[dict], clients: int = 32) -> list[tuple[int, dict]]:
    def post(body):
        response = requests.post(f"{base}/api/v1/public/events/{slug}/registrations", json=body, timeout=60)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(post, bodies))


def _counter(event_id: int) -> int:
    """The seats taken as the database keeps them (Event.seats_taken), after the race."""
    return db.session.scalar(sa.select(Event.seats_taken).where(Event.id == event_id))


def _body(i: int, party: int = 1) -> dict:
    return {"name": f"并发{i}", "phone": f"1380000{i:04d}", "consent": True, "party_size": party}


def test_racing_registrations_never_exceed_capacity_without_waitlist(database_url, make):
    event = make.event(capacity=25, waitlist=False)
    slug = event.slug
    db.session.remove()  # hold no lock while the server works
    with gunicorn(database_url, workers=4) as base:
        results = _race(base, slug, [_body(i) for i in range(120)])
    statuses = sorted(code for code, _body in results)
    assert statuses.count(201) == 25
    assert statuses.count(409) == 95
    assert all(body["error"]["code"] == "event_full" for code, body in results if code == 409)
    confirmed = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == "confirmed"))
    assert confirmed == 25
    assert _counter(event.id) == 25  # what the next registration's decision reads


def test_racing_parties_with_a_waitlist_fill_seats_exactly_once(database_url, make):
    event = make.event(capacity=40, waitlist=True, max_party_size=3)
    slug = event.slug
    db.session.remove()
    bodies = [_body(i, party=1 + i % 3) for i in range(90)]
    with gunicorn(database_url, workers=4) as base:
        results = _race(base, slug, bodies)
    assert {code for code, _ in results} == {201}
    seats = db.session.scalar(sa.select(sa.func.sum(Registration.party_size)).where(
        Registration.event_id == event.id, Registration.status == "confirmed"))
    waiting = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == "waitlisted"))
    assert seats <= 40
    assert seats >= 38
    assert _counter(event.id) == seats  # only a party too big for the last seats may leave one or two empty
    assert waiting == 90 - db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == "confirmed"))


def test_the_same_phone_racing_itself_makes_one_registration_and_sends_the_ticket_once_more(database_url, make):
    event = make.event(capacity=10)
    slug = event.slug
    db.session.remove()
    with gunicorn(database_url, workers=4) as base:
        results = _race(base, slug, [_body(7)] * 16, clients=16)
    codes = sorted(code for code, _ in results)
    assert codes.count(201) == 1 and codes.count(200) == 15
    assert all(body == {"status": "already_registered"} for code, body in results if code == 200)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    kinds = sorted(db.session.scalars(sa.select(Notification.kind)))
    assert kinds == ["registration_confirmed", "ticket_resent"]  # 15 tries within 10 minutes: one resend


def test_racing_party_size_changes_never_exceed_capacity(database_url, make):
    event = make.event(capacity=20, waitlist=True, max_party_size=3)
    tokens = [make.registration(event, phone=f"1380000{i:04d}").ticket_token for i in range(10)]
    event_id = event.id
    db.session.remove()

    def grow(token):
        response = requests.post(f"{base}/api/v1/public/tickets/{token}/party-size", json={"party_size": 3},
                                 timeout=60)
        return response.status_code, response.json()

    with gunicorn(database_url, workers=4) as base, ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(grow, tokens))
    codes = sorted(code for code, _ in results)
    assert codes.count(200) == 5 and codes.count(409) == 5  # 10 seats taken, 10 free: five parties grow by 2
    assert all(body["error"]["code"] == "event_full" for code, body in results if code == 409)
    seats = db.session.scalar(sa.select(sa.func.sum(Registration.party_size)).where(
        Registration.event_id == event_id, Registration.status == "confirmed"))
    assert seats == 20
    assert _counter(event_id) == 20
