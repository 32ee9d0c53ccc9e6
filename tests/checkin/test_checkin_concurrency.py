"""Four phones scanning the same tickets at the same moment: exactly one check-in per ticket.

Real concurrent requests against gunicorn with 4 worker processes, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
import requests
import sqlalchemy as sa

from app.alliance.models import Voucher
from app.checkin.models import CheckIn
from app.events.models import Registration
from app.extensions import db
from tests.checkin.conftest import add_offer
from tests.server import gunicorn

pytestmark = pytest.mark.concurrency

TICKETS = 40
PHONES = 4


def _phones(make, outlet) -> list[dict]:
    return [make.token_headers(make.user("staff", outlet=outlet, username=f"door.phone{i}")) for i in range(PHONES)]


def test_four_phones_scanning_the_same_tickets_check_each_in_exactly_once(database_url, make):
    outlet = make.outlet("RC1")
    event = make.event(outlet, starts_in_days=0, capacity=TICKETS, title="并发签到（测试）")
    add_offer(event, make.partner())  # a voucher on check-in: issued once per ticket, too
    tokens = [make.registration(event, name=f"并发{i}", phone=f"1380000{i:04d}").ticket_token for i in range(TICKETS)]
    phones = _phones(make, outlet)
    event_id = event.id
    db.session.remove()  # hold no lock while the server works
    together = threading.Barrier(PHONES)

    def phone(index: int) -> list[tuple[int, str]]:
        session = requests.Session()
        session.headers.update(phones[index])

        def scan(token: str) -> None:
            response = session.post(f"{base}/api/v1/checkins", timeout=60,
                                    json={"ticket": f"{base}/t/{token}", "device": f"phone {index}",
                                          "event_id": event_id})
            results.append((response.status_code, response.json().get("result")))

        results: list[tuple[int, str]] = []
        for token in tokens:  # first pass: all four phones send each ticket at the same moment
            together.wait()
            scan(token)
        for token in random.Random(index).sample(tokens, len(tokens)):  # then repeats, in any order
            scan(token)
        return results

    with gunicorn(database_url, workers=4) as base, ThreadPoolExecutor(max_workers=PHONES) as pool:
        results = [r for phone_results in pool.map(phone, range(PHONES)) for r in phone_results]
    codes = Counter(code for code, _result in results)
    assert codes == {201: TICKETS, 200: TICKETS * (2 * PHONES - 1)}, codes
    assert {result for code, result in results if code == 200} == {"already_checked_in"}
    per_registration = db.session.execute(
        sa.select(CheckIn.registration_id, sa.func.count(CheckIn.id)).group_by(CheckIn.registration_id)).all()
    assert len(per_registration) == TICKETS and {n for _id, n in per_registration} == {1}
    assert db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event_id, Registration.checked_in_at.isnot(None))) == TICKETS
    assert db.session.scalar(sa.select(sa.func.count(Voucher.id))) == TICKETS


def test_retries_with_one_nonce_racing_each_other_are_all_answered_as_the_first(database_url, make):
    outlet = make.outlet("RC2")
    event = make.event(outlet, starts_in_days=0, capacity=5)
    token = make.registration(event, name="重试", phone="13800009999").ticket_token
    headers = _phones(make, outlet)[0]
    db.session.remove()
    body = {"ticket": token, "nonce": "3b0e6f0a-racing-retry"}

    def post(_i):
        response = requests.post(f"{base}/api/v1/checkins", json=body, headers=headers, timeout=60)
        return response.status_code, response.json()

    with gunicorn(database_url, workers=4) as base, ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(post, range(8)))
    assert {code for code, _ in results} == {201}
    assert len({body["checkin_id"] for _code, body in results}) == 1
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_undos_racing_re_check_ins_leave_one_consistent_state_per_ticket(database_url, make):
    """Per ticket, at the same moment: three undos of its check-in (by the manager) and three new scans.

    Exactly one undo wins; at most one new check-in follows it; the registration's state is the
    one the history ends with, and never are two check-ins open at once.
    """
    outlet = make.outlet("RC3")
    event = make.event(outlet, starts_in_days=0, capacity=10)
    manager = make.token_headers(make.user("manager", outlet=outlet, username="race.manager"))
    phones = _phones(make, outlet)
    tickets = [make.registration(event, name=f"撤销{i}", phone=f"1380001{i:04d}").ticket_token for i in range(6)]
    event_id = event.id
    db.session.remove()

    def scan(base, token, i):
        return requests.post(f"{base}/api/v1/checkins", json={"ticket": token}, headers=phones[i % PHONES],
                             timeout=60)

    with gunicorn(database_url, workers=4) as base, ThreadPoolExecutor(max_workers=6) as pool:
        first = {token: scan(base, token, 0).json()["checkin_id"] for token in tickets}
        outcomes = []
        for token in tickets:
            together = threading.Barrier(6)

            def race(i, token=token, together=together):
                together.wait()
                if i % 2:
                    r = requests.post(f"{base}/api/v1/checkins/{first[token]}/undo", json={}, headers=manager,
                                      timeout=60)
                    return "undo", r.status_code
                return "scan", scan(base, token, i).status_code
            outcomes.append(list(pool.map(race, range(6))))
    for results in outcomes:
        undos = Counter(code for kind, code in results if kind == "undo")
        scans = Counter(code for kind, code in results if kind == "scan")
        assert undos == {200: 1, 409: 2}, results
        assert scans[201] <= 1 and set(scans) <= {200, 201}, results
    for registration in db.session.scalars(sa.select(Registration).where(Registration.event_id == event_id)):
        rows = db.session.scalars(sa.select(CheckIn).where(CheckIn.registration_id == registration.id)
                                  .order_by(CheckIn.id)).all()
        kinds = [r.kind for r in rows]
        assert kinds[:1] == ["checkin"] and all(a != b for a, b in pairwise(kinds)), kinds  # alternate
        assert (registration.checked_in_at is not None) == (kinds[-1] == "checkin"), kinds
