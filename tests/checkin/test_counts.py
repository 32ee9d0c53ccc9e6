"""Counting units: pages count people (party sizes); registrations only where labelled 份报名.

Attendance rates count held events only: an event not yet held is not 0 % attendance.
"""

from __future__ import annotations

from datetime import timedelta

from app.checkin import services
from app.extensions import db
from app.followups.dashboard import dashboard
from app.models import utcnow


def test_the_door_pages_count_people_and_label_registrations(client, auth, door):
    services.check_in(door.registrations[1])  # 曾国藩, a party of 2
    services.walk_in(door.event, name="韩梅梅", phone="13900007777", party_size=3)
    db.session.commit()
    auth.login("ck.staff")
    scanner = client.get(f"/events/{door.event.id}/checkin").get_data(as_text=True)
    # 1 + 2 + 3 people registered, 3 more at the door: 5 of 9 people in; 2 of 4 registrations.
    assert '<b data-count="people_checked_in">5</b>/<b data-count="seats_taken">9</b> 人已签到' in scanner
    assert '<b data-count="checked_in">2</b>/<b data-count="confirmed">4</b> 份报名' in scanner
    assert '现场 <b data-count="walk_in_people">3</b> 人' in scanner
    lookup = client.get(f"/events/{door.event.id}/checkin/lookup").get_data(as_text=True)
    assert "已签到 5 / 9 人" in lookup
    detail = client.get(f"/events/{door.event.id}").get_data(as_text=True)
    assert 'data-count="people_checked_in">5<' in detail and "已签到人数" in detail
    feed = client.get(f"/api/v1/events/{door.event.id}/checkins").get_json()["counts"]
    assert feed["people_checked_in"] == 5 and feed["seats_taken"] == 9 and feed["walk_in_people"] == 3
    home = client.get("/today").get_data(as_text=True)
    assert "已确认 9 人 · 已签到 5 人" in home


def test_only_held_events_count_in_the_attendance_rate(make, door):
    held = door.event  # today's event, started: 1 of 3 registrations came
    held.starts_at = utcnow() - timedelta(minutes=30)
    services.check_in(door.registrations[0])
    ahead = make.event(door.outlet, starts_in_days=0, title="晚场讲座（测试）")
    for i in range(4):
        make.registration(ahead, phone=f"1390000900{i}")
    # Later today, so it falls in this month and year whatever the date: not held yet.
    ahead.starts_at, ahead.ends_at = utcnow() + timedelta(hours=1), utcnow() + timedelta(hours=3)
    db.session.commit()
    total = dashboard(door.outlet.id)["year"].total
    assert total.events == 2 and total.confirmed == 7 and total.held_events == 1
    assert total.attendance_rate == round(1 / 3, 4)  # not 1/7: the coming event has no attendance yet
