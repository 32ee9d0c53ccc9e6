"""The staff tab bar: every staff page lights the tab it belongs to, and each tab says what it is."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.templating import TABS
from tests.followups.conftest import Happenings

APP_CSS = Path(__file__).resolve().parents[1] / "app/static/css/app.css"
# Blueprints whose pages are not staff pages: the public registration and ticket pages (and the
# ticket's voucher images) and the partner portal (its own bar); API blueprints answer JSON.
NO_STAFF_TAB = {"public", "checkin_public", "alliance_public", "partner_portal", "personal_data_public"}


def _active_tab(html: str) -> list[tuple[str, str]]:
    """(href, label) of the tab marked as the current page."""
    nav = re.search(r'<nav class="weui-tabbar tabbar".*?</nav>', html, re.S)
    assert nav, "no tab bar on the page"
    return re.findall(r'<a href="([^"]+)" class="weui-tabbar__item weui-bar__item_on"\s*aria-current="page">'
                      r'.*?<p class="weui-tabbar__label">([^<]+)</p>', nav.group(0), re.S)


def test_every_staff_blueprint_belongs_to_exactly_one_tab(app):
    staff_blueprints = {
        rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()
        if "." in rule.endpoint and "GET" in rule.methods and not rule.rule.startswith("/api/")
    } - NO_STAFF_TAB
    for blueprint in sorted(staff_blueprints):
        tabs = [key for key, _label, _endpoint, blueprints in TABS if blueprint in blueprints]
        assert len(tabs) == 1, f"blueprint {blueprint!r} lights {tabs or 'no tab'}"


def test_follow_up_pages_light_today_not_customers(client, auth, make):
    outlet = make.outlet()
    manager = make.user("manager", outlet=outlet, username="tab.manager")
    event = make.event(outlet, owner=manager)
    make.registration(event, name="王爽约", phone="19900004103")
    Happenings().move_to_past(event)
    finish_event(event)
    db.session.commit()
    followup_id = db.session.scalars(sa.select(FollowUp.id)).first()
    customer = make.customer(outlet)
    auth.login("tab.manager")

    expected = {
        "/today": "今日", "/followups": "今日", f"/followups/{followup_id}": "今日", "/followups/team": "今日",
        "/followups/prospects": "今日", "/dashboard": "今日",
        "/events": "活动", f"/events/{event.id}": "活动", "/planning": "活动",
        "/customers": "客户", f"/customers/{customer.id}": "客户",
        "/me": "我的", "/partners": "我的",
    }
    for path, label in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert [tab_label for _href, tab_label in _active_tab(response.get_data(as_text=True))] == [label], path


def test_each_tab_has_a_visible_label_and_its_own_pictogram(client, auth, make):
    make.user("staff", username="tab.staff")
    auth.login("tab.staff")
    html = client.get("/today").get_data(as_text=True)
    nav = re.search(r'<nav class="weui-tabbar tabbar" aria-label="主导航">(.*?)</nav>', html, re.S).group(1)
    items = re.findall(r'<span class="tabbar__icon tabbar__icon--(\w+)" aria-hidden="true"></span>\s*'
                       r'<p class="weui-tabbar__label">([^<]+)</p>', nav)
    assert items == [("today", "今日"), ("events", "活动"), ("customers", "客户"), ("me", "我的")]

    css = APP_CSS.read_text(encoding="utf-8")
    pictograms = dict(re.findall(r'\.tabbar__icon--(\w+) \{ --icon: url\("data:image/svg\+xml,([^"]+)"\)', css))
    # The staff tabs and the partner portal's (首页, 扫码, 输码, 统计) each draw a picture of their own.
    for key in ("today", "events", "customers", "me", "home", "scan", "redeem", "stats"):
        assert key in pictograms and "%3Csvg" in pictograms[key], key
    assert len(set(pictograms.values())) == len(pictograms)
