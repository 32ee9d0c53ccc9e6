"""events.seats_taken, the counter the database keeps (triggers on registrations), always equals the seats
its registrations hold, whichever path changed them; capacity decisions and pages read it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.checkin.services import walk_in
from app.events.models import Event, Registration
from app.events.registration import cancel_registration, recount_seats_taken, seats_taken
from app.events.tickets import change_party_size
from app.extensions import db
from app.personal_data.erasure import erase_customer


def _counter(event_id: int) -> int:
    return db.session.scalar(sa.select(Event.seats_taken).where(Event.id == event_id))


def _summed(event_id: int) -> int:
    taken = Registration.seats_by_event()
    return db.session.scalar(sa.select(taken.c.seats).where(taken.c.event_id == event_id)) or 0


def _assert_kept(event_id: int, expected: int) -> None:
    assert (_counter(event_id), _summed(event_id), seats_taken(event_id)) == (expected, expected, expected)


def test_every_path_that_moves_a_seat_moves_the_counter(make):
    event = make.event(capacity=6, max_party_size=3)
    _assert_kept(event.id, 0)
    first = make.registration(event, phone="19900007001", party_size=3)
    _assert_kept(event.id, 3)
    second = make.registration(event, phone="19900007002", party_size=2)
    _assert_kept(event.id, 5)
    waiting = make.registration(event, phone="19900007003", party_size=2)
    assert waiting.status == "waitlisted"
    _assert_kept(event.id, 5)  # a waitlisted party holds no seat

    change_party_size(second, 1)  # 4 taken: the waiting party of 2 fits and is promoted
    db.session.commit()
    assert db.session.get_one(Registration, waiting.id).status == "confirmed"
    _assert_kept(event.id, 6)

    cancel_registration(first)
    db.session.commit()
    _assert_kept(event.id, 3)
    cancel_registration(first)  # cancelling twice frees nothing twice
    db.session.commit()
    _assert_kept(event.id, 3)

    change_party_size(db.session.get_one(Registration, waiting.id), 3)
    db.session.commit()
    _assert_kept(event.id, 4)


def test_a_walk_in_past_capacity_counts_and_a_full_event_refuses_the_next_at_the_page(make, client):
    event = make.event(capacity=2, waitlist=False, max_party_size=2, starts_in_days=0)
    make.registration(event, phone="19900007011", party_size=2)
    walk_in(event, name="门口来宾", phone="19900007012", party_size=2, over_capacity=True, confirm_outside_day=True)
    db.session.commit()
    _assert_kept(event.id, 4)
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "已满" in page  # 4 of 2 seats: the page reads the same counter
    refused = client.post(f"/api/v1/public/events/{event.slug}/registrations",
                          json={"name": "晚到", "phone": "19900007013", "consent": True})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "event_full"
    _assert_kept(event.id, 4)


def test_erasure_and_check_in_leave_seats_as_they_were(make, client):
    event = make.event(capacity=5, max_party_size=2)
    kept = make.registration(event, phone="19900007021", party_size=2)
    erased = make.registration(event, phone="19900007022", party_size=2)
    erase_customer(erased.customer, "客户申请删除（测试）")
    db.session.commit()
    _assert_kept(event.id, 4)  # erased people keep their seats: the registration stays, nameless
    from app.checkin.services import check_in
    check_in(kept, method="search", confirm_outside_day=True)
    db.session.commit()
    _assert_kept(event.id, 4)


def test_statements_that_bypass_the_orm_are_counted_too(make):
    one, other = make.event(capacity=10, max_party_size=3), make.event(capacity=10, max_party_size=3)
    a = make.registration(one, phone="19900007031", party_size=2)
    make.registration(one, phone="19900007032", party_size=3)
    make.registration(other, phone="19900007033", party_size=1)
    registrations = Registration.__table__
    db.session.execute(registrations.update().where(registrations.c.id == a.id).values(party_size=1))
    _assert_kept(one.id, 4)
    db.session.execute(registrations.update().where(registrations.c.id == a.id).values(event_id=other.id))
    _assert_kept(one.id, 3)
    _assert_kept(other.id, 2)
    db.session.execute(registrations.update().where(registrations.c.event_id == other.id)
                       .values(status="cancelled"))
    _assert_kept(other.id, 0)
    db.session.execute(registrations.delete().where(registrations.c.event_id == one.id))
    _assert_kept(one.id, 0)
    db.session.commit()


def test_the_orm_never_writes_the_counter_and_a_recount_restores_it(make):
    event = make.event(capacity=10, max_party_size=3)
    make.registration(event, phone="19900007041", party_size=3)
    with pytest.raises(AttributeError):
        event.seats_taken = 0
    event.title = "改名后的活动（测试）"  # an ordinary edit leaves the counter to the database
    db.session.commit()
    _assert_kept(event.id, 3)
    db.session.execute(Event.__table__.update().values(seats_taken=0))  # as a bulk load without triggers leaves it
    recount_seats_taken()
    _assert_kept(event.id, 3)
