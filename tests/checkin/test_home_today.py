"""On an event day, 今日 starts with the event and a large 扫码签到 button; on other days it does not."""

from __future__ import annotations


def test_todays_event_comes_first_with_the_scan_button(client, auth, door):
    auth.login("ck.staff")
    html = client.get("/today").get_data(as_text=True)
    card = html.index('id="event-day"')
    assert card < html.index("今日待办")
    scan = f'href="/events/{door.event.id}/checkin">扫码签到</a>'
    assert scan in html and card < html.index(scan) < html.index("今日待办")
    assert "理财沙龙（测试）" in html[card:html.index("今日待办")]


def test_no_event_day_card_on_other_days(client, auth, make):
    outlet = make.outlet("HT1")
    make.user("staff", outlet=outlet, username="ht.staff")
    make.event(outlet, starts_in_days=3)
    auth.login("ht.staff")
    html = client.get("/today").get_data(as_text=True)
    assert 'id="event-day"' not in html and "今日活动" in html
