"""Racing real requests against gunicorn (4 worker processes): one winner per voucher, never past total_limit."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from app.alliance.models import Voucher
from app.events.models import Registration
from app.extensions import db
from tests.alliance.conftest import attach, make_offer
from tests.server import gunicorn

pytestmark = pytest.mark.concurrency


def _at_once(calls: list) -> list:
    """Run every call in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_ten_simultaneous_redemptions_of_one_code_have_exactly_one_winner(database_url, scene, make):
    headers = make.token_headers(scene.partner_user)
    code, voucher_id = scene.voucher.code, scene.voucher.id
    db.session.remove()  # hold no lock while the server works
    with gunicorn(database_url, workers=4, threads=3) as base:
        def redeem():
            response = requests.post(f"{base}/api/v1/partner/redemptions", json={"code": code},
                                     headers=headers, timeout=60)
            return response.status_code, response.json()

        results = _at_once([redeem] * 10)
    codes = sorted(status for status, _ in results)
    assert codes == [201] + [409] * 9, results
    winner = next(body for status, body in results if status == 201)
    losers = [body for status, body in results if status == 409]
    assert all(b["result"] == "already_redeemed" and b["error"]["code"] == "already_redeemed" for b in losers)
    assert {b["redeemed_at"] for b in losers} == {winner["voucher"]["redeemed_at"]}
    assert db.session.get(Voucher, voucher_id).redeemed_at is not None


def test_racing_registrations_never_issue_past_an_offers_total_limit(database_url, make):
    partner = make.partner()
    offer = make_offer(partner, total_limit=7)
    first, second = make.event(capacity=50), make.event(capacity=50)  # two events share one limited offer
    attach(first, offer)
    attach(second, offer)
    slugs, offer_id = [first.slug, second.slug], offer.id
    db.session.remove()
    with gunicorn(database_url, workers=4, threads=2) as base:
        def register(i):
            def call():
                response = requests.post(f"{base}/api/v1/public/events/{slugs[i % 2]}/registrations", timeout=60,
                                         json={"name": f"并发{i}", "phone": f"1380000{i:04d}", "consent": True})
                return response.status_code
            return call

        statuses = _at_once([register(i) for i in range(40)])
    assert statuses == [201] * 40
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 40
    assert db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(Voucher.offer_id == offer_id)) == 7
