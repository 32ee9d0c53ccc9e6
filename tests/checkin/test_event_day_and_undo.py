"""Check-in on another day than the event's asks first; staff take back their own check-in for a few minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g

from app.checkin import services
from app.checkin.errors import NotEventDay, UndoNotAllowed
from app.checkin.models import CheckIn
from app.extensions import db
from app.timefmt import local_today


@pytest.fixture
def later(make, door):
    """An event 18 days ahead with one registration, at the door's outlet."""
    event = make.event(door.outlet, starts_in_days=18, title="重阳健康讲座（测试）", max_party_size=2)
    return make.registration(event, name="钱多多", phone="13900001818", party_size=2)


def test_the_api_refuses_a_check_in_18_days_early_until_staff_confirm(client, door, later):
    body = {"ticket": later.ticket_token, "nonce": "early-check-in-0001"}
    refused = client.post("/api/v1/checkins", json=body, headers=door.headers)
    data = refused.get_json()
    assert refused.status_code == 409 and data["result"] == "not_event_day"
    assert data["error"]["code"] == "not_event_day" and data["days_until"] == 18
    assert data["event_date"] == (local_today() + timedelta(days=18)).isoformat()
    assert "还有 18 天" in data["error"]["message"]
    assert later.checked_in_at is None and db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0
    confirmed = client.post("/api/v1/checkins", json={**body, "confirm_outside_day": True}, headers=door.headers)
    assert confirmed.status_code == 201 and confirmed.get_json()["result"] == "checked_in"
    # A scan on the event's day needs no confirmation (the door's event is today).
    today = client.post("/api/v1/checkins", json={"ticket": door.registrations[0].ticket_token}, headers=door.headers)
    assert today.status_code == 201


def test_a_walk_in_on_another_day_is_refused_until_confirmed(client, door, later):
    url = f"/api/v1/events/{later.event_id}/walk-ins"
    body = {"name": "现场来宾", "phone": "13900002626"}
    refused = client.post(url, json=body, headers=door.headers)
    assert refused.status_code == 409 and refused.get_json()["result"] == "not_event_day"
    assert client.post(url, json={**body, "confirm_outside_day": True}, headers=door.headers).status_code == 201


def test_the_look_up_asks_for_a_confirmation_on_another_day(client, auth, door, later):
    auth.login("ck.staff")
    lookup = client.get(f"/events/{later.event_id}/checkin/lookup?q=钱").get_data(as_text=True)
    assert "今天不是活动日" in lookup
    url = f"/events/{later.event_id}/checkin/registrations/{later.id}"
    asked = client.post(url, data={"q": "钱"})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 409 and "今天不是活动日" in html and "还有 18 天" in html and "仍然签到" in html
    assert 'name="confirm_outside_day" value="1"' in html and "钱多多" in html
    assert later.checked_in_at is None
    done = client.post(url, data={"q": "钱", "confirm_outside_day": "1"})
    assert done.status_code == 303
    db.session.expire_all()
    assert later.checked_in_at is not None and later.checkin_method == "search"


def test_the_ticket_link_on_another_day_never_checks_in_by_itself(client, auth, door, later):
    door.staff.checkin_on_open = True
    db.session.commit()
    auth.login("ck.staff")
    html = client.get(f"/t/{later.ticket_token}").get_data(as_text=True)
    assert "今天不是活动日" in html and "仍然签到" in html
    db.session.expire_all()
    assert later.checked_in_at is None
    client.post(f"/t/{later.ticket_token}/checkin", data={"confirm_outside_day": "1"})
    db.session.expire_all()
    assert later.checkin_method == "link"


def run_as(user) -> None:
    g.acting_user = user


def test_staff_undo_only_their_own_check_in_within_ten_minutes(make, door):
    registration = door.registrations[1]
    colleague = make.user("staff", outlet=door.outlet, username="ck.other")
    run_as(door.staff)
    first = services.check_in(registration)
    run_as(colleague)
    with pytest.raises(UndoNotAllowed):
        services.undo_check_in(registration, checkin_id=first.checkin_id)
    run_as(door.staff)
    row = db.session.get(CheckIn, first.checkin_id)
    row.at -= services.UNDO_WINDOW + timedelta(seconds=1)
    with pytest.raises(UndoNotAllowed):
        services.undo_check_in(registration, checkin_id=first.checkin_id)
    run_as(door.manager)
    undo = services.undo_check_in(registration, checkin_id=first.checkin_id, reason="扫错人")
    assert undo.kind == "undo" and registration.checked_in_at is None
    run_as(door.staff)
    again = services.check_in(registration)
    assert again.result == "checked_in"
    services.undo_check_in(registration, checkin_id=again.checkin_id)  # their own, just now
    assert [r.kind for r in services.history(registration)] == ["checkin", "undo", "checkin", "undo"]


def test_the_service_refuses_a_check_in_on_another_day(door, later):
    with pytest.raises(NotEventDay):
        services.check_in(later)
    assert services.check_in(later, confirm_outside_day=True).result == "checked_in"


def test_the_walk_in_form_on_another_day_asks_to_tick_the_confirmation(client, auth, door, later):
    auth.login("ck.staff")
    url = f"/events/{later.event_id}/walk-in"
    form = client.get(url).get_data(as_text=True)
    assert "今天不是活动日" in form and 'name="confirm_outside_day"' in form
    refused = client.post(url, data={"name": "现场来宾", "phone": "13900002727"})
    assert refused.status_code == 422 and "还有 18 天" in refused.get_data(as_text=True)
    done = client.post(url, data={"name": "现场来宾", "phone": "13900002727", "confirm_outside_day": "y"})
    assert done.status_code == 303
    assert "签到成功" in client.get(done.headers["Location"]).get_data(as_text=True)
