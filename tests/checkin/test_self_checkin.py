"""Venue self check-in: a daily code, the check-in window, the customer's mobile number, rate limits."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.checkin.models import CheckIn
from app.checkin.selfcheckin import checkin_window, code_is_valid, daily_code, window_is_open
from app.extensions import db
from app.models import utcnow
from app.timefmt import local_today, to_local


def _running_event(make, outlet, **kw):
    """An event that started ten minutes ago (published while still in the future, then moved)."""
    event = make.event(outlet, **kw)
    now = utcnow().replace(microsecond=0)
    event.starts_at, event.ends_at = now - timedelta(minutes=10), now + timedelta(hours=2)
    db.session.commit()
    return event


def test_the_code_changes_every_day_and_differs_between_events(make, door):
    other = make.event(door.outlet)
    today = local_today()
    assert daily_code(door.event, today) != daily_code(door.event, today + timedelta(days=1))
    assert daily_code(door.event, today) != daily_code(other, today)
    assert code_is_valid(door.event, daily_code(door.event).lower())
    assert not code_is_valid(door.event, daily_code(door.event, today - timedelta(days=1)))


def test_the_window_opens_an_hour_before_the_start_and_closes_at_the_end(door):
    opens, closes = checkin_window(door.event)
    assert opens == door.event.starts_at - timedelta(hours=1) and closes == door.event.ends_at
    assert window_is_open(door.event, opens) and not window_is_open(door.event, opens - timedelta(seconds=1))
    assert not window_is_open(door.event, closes)


def test_a_registered_customer_checks_in_with_their_mobile(client, make, door):
    event = _running_event(make, door.outlet, max_party_size=3)
    registration = make.registration(event, name="韩梅梅", phone="13812345678", party_size=2)
    url = f"/c/{event.slug}/{daily_code(event)}"
    page = client.get(url)
    assert page.status_code == 200 and 'inputmode="tel"' in page.get_data(as_text=True)
    done = client.post(url, data={"phone": "138 1234 5678"})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "签到成功" in html and "韩**" in html and "韩梅梅" not in html
    again = client.post(url, data={"phone": "13812345678"}).get_data(as_text=True)
    assert "您已签到" in again
    rows = db.session.scalars(sa.select(CheckIn)).all()
    assert [(r.method, r.user_id, r.registration_id) for r in rows] == [("self", None, registration.id)]


def test_an_unknown_number_or_a_bad_one_is_explained(client, make, door):
    event = _running_event(make, door.outlet)
    url = f"/c/{event.slug}/{daily_code(event)}"
    unknown = client.post(url, data={"phone": "13900009999"})
    assert unknown.status_code == 404 and "没有找到这个手机号的报名" in unknown.get_data(as_text=True)
    bad = client.post(url, data={"phone": "123"})
    assert bad.status_code == 422 and "11 位手机号" in bad.get_data(as_text=True)


def test_yesterdays_code_and_made_up_codes_do_not_work(client, make, door):
    event = _running_event(make, door.outlet)
    make.registration(event, phone="13812340000")
    old = daily_code(event, local_today() - timedelta(days=1))
    for code in (old, "ABCDEFGH"):
        response = client.post(f"/c/{event.slug}/{code}", data={"phone": "13812340000"})
        assert response.status_code == 410 and "签到码已过期" in response.get_data(as_text=True)
    assert client.get(f"/c/nosuchslug/{daily_code(event)}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_outside_the_window_the_page_says_when_to_come_back(client, make, door):
    week_ahead = make.event(door.outlet)  # the event starts in a week
    registration = make.registration(week_ahead, phone="13900005555")
    url = f"/c/{week_ahead.slug}/{daily_code(week_ahead)}"
    html = client.get(url).get_data(as_text=True)
    assert "请届时再扫码" in html and "确认签到" not in html
    refused = client.post(url, data={"phone": registration.phone})
    assert refused.status_code == 409 and "签到时间为" in refused.get_data(as_text=True)
    assert registration.checked_in_at is None
    client.get("/lang/en")
    english = client.post(url, data={"phone": registration.phone}).get_data(as_text=True)
    assert f"{to_local(week_ahead.starts_at):%b}" in english  # the date in English too, not 9月19日
    assert "签到时间为" not in english and "月" not in english


def test_guessing_numbers_is_rate_limited(client, make, door):
    event = _running_event(make, door.outlet)
    url = f"/c/{event.slug}/{daily_code(event)}"
    codes = [client.post(url, data={"phone": f"139000{i:05d}"}).status_code for i in range(12)]
    assert codes[:10] == [404] * 10 and codes[10:] == [429, 429]
