"""The registration page is rendered once per event version and filled in per visitor (app.events.page_cache):
what it shows must follow every edit, and each visitor must get a CSRF token of their own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.events.models import Event, Registration
from app.extensions import db
from app.models import utcnow

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def page(client, event, query: str = "") -> str:
    response = client.get(f"/e/{event.slug}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_edit_of_the_event_or_its_outlet_changes_the_page_at_once(app, client, make):
    event = make.event(title="理财沙龙（测试）", max_party_size=1)
    app.extensions["registration_pages"] = {}
    assert "理财沙龙（测试）" in page(client, event) and "理财沙龙（测试）" in page(client, event)
    assert len(app.extensions["registration_pages"]) == 1  # the second view came from the cache
    event.title = "亲子烘焙（测试）"
    event.questions = [{"key": "kids", "label": "孩子年龄", "type": "number", "required": True}]
    event.max_party_size = 3
    db.session.commit()
    html = page(client, event)
    assert "亲子烘焙（测试）" in html and "理财沙龙（测试）" not in html
    assert 'name="q_kids"' in html and 'name="party_size"' in html
    # a bulk UPDATE (no ORM object) moves updated_at too
    db.session.execute(sa.update(Event).where(Event.id == event.id).values(venue="三楼多功能厅（测试）"))
    db.session.commit()
    assert "三楼多功能厅（测试）" in page(client, event)
    event.outlet.name = "改名支行（测试）"
    db.session.commit()
    html = page(client, event)
    assert html.count("改名支行（测试）") >= 2  # the heading, the consent text and the footnote


def test_the_seats_left_are_current_on_every_view_and_a_full_event_hides_the_form(client, make):
    event = make.event(capacity=3, waitlist=False, max_party_size=2)
    assert "剩余 3 个" in page(client, event)
    make.registration(event, party_size=2)
    html = page(client, event)
    assert "剩余 1 个" in html and "提交报名" in html
    make.registration(event)
    html = page(client, event)
    assert "名额已满" in html and "剩余" not in html and "<form" not in html
    db.session.execute(sa.update(Registration).where(Registration.event_id == event.id).values(status="cancelled"))
    db.session.commit()  # seats free again (staff cancelled them): the form is back
    assert "剩余 3 个" in page(client, event) and "<form" in page(client, event)


def test_a_full_event_with_a_waitlist_offers_the_waitlist(client, make):
    event = make.event(capacity=1, waitlist=True)
    make.registration(event)
    html = page(client, event)
    assert "已满，可报名候补" in html and "报名候补" in html and "<form" in html


def test_the_deadline_closes_the_cached_page_without_an_edit(client, make, monkeypatch):
    event = make.event(registration_closes_at=utcnow() + timedelta(hours=1))
    assert "<form" in page(client, event)
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr("app.events.registration.utcnow", lambda: later)
    html = page(client, event)
    assert "本活动报名已截止" in html and "<form" not in html


def test_a_cancelled_event_is_gone_from_the_cache_too(client, make):
    event = make.event()
    page(client, event)
    event.status = "cancelled"
    db.session.commit()
    assert client.get(f"/e/{event.slug}").status_code == 404
    assert client.get("/e/nosuchevent").status_code == 404


def test_the_locale_switch_gives_the_english_page_and_back(client, make):
    event = make.event()
    assert "提交报名" in page(client, event)
    client.get("/lang/en?next=/login")
    html = page(client, event)
    assert '<html lang="en">' in html and "提交报名" not in html and "left" in html
    client.get("/lang/zh_Hans_CN?next=/login")
    assert "提交报名" in page(client, event)


def test_the_ref_of_an_invitation_is_kept_per_visitor_and_escaped(client, make):
    event = make.event()
    assert 'name="ref"' not in page(client, event)
    assert '<input type="hidden" name="ref" value="ABC123">' in page(client, event, "?ref=ABC123")
    html = page(client, event, '?ref="><b>x')
    assert "<b>x" not in html and 'value="&#34;&gt;&lt;b&gt;x"' in html
    assert 'name="ref"' not in page(client, event)


def test_signed_in_staff_get_the_full_page_with_their_tab_bar(client, auth, make):
    event = make.event()
    page(client, event)  # cached for the anonymous
    make.user("staff", outlet=event.outlet, username="page.staff")
    auth.login("page.staff")
    assert "has-tabbar" in page(client, event)


@pytest.fixture()
def csrf_app(database_url):
    from app import create_app
    from tests.conftest import TEST_CONFIG, IsolatedClient

    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    application.test_client_class = IsolatedClient  # commits the test's setup first (SQLite's write lock)
    return application


def test_two_visitors_get_different_csrf_tokens_and_each_token_signs_up_its_own_visitor(csrf_app, make):
    event = make.event(capacity=5)
    first, second = csrf_app.test_client(), csrf_app.test_client()
    tokens = [TOKEN.search(page(visitor, event)).group(1) for visitor in (first, second, first)]
    assert tokens[0] != tokens[1]
    response = second.post(f"/e/{event.slug}", data={"csrf_token": tokens[1], "name": "韩梅梅",
                                                     "phone": "13800138000", "consent": "y"})
    assert response.status_code == 303 and "/t/" in response.headers["Location"]


def test_a_post_with_another_visitors_or_a_stale_token_is_refused(csrf_app, make):
    event = make.event()
    first, second = csrf_app.test_client(), csrf_app.test_client()
    theirs = TOKEN.search(page(first, event)).group(1)
    page(second, event)
    form = {"name": "韩梅梅", "phone": "13800138000", "consent": "y"}
    for token in (theirs, theirs[:-2] + "xx", ""):
        response = second.post(f"/e/{event.slug}", data={**form, "csrf_token": token})
        assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    # stale: the page was loaded in a session that is gone (WTF_CSRF_TIME_LIMIT is None: the session bounds it)
    own = TOKEN.search(page(second, event)).group(1)
    with second.session_transaction() as session:
        session.clear()
    response = second.post(f"/e/{event.slug}", data={**form, "csrf_token": own})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id)).where(Registration.event_id == event.id)) == 0
