"""A branch (支行) login sees and manages its branch's outlets and nothing of any other outlet.

The role × endpoint walk: every staff route that names an outlet-owned object (an event, customer,
registration, check-in, follow-up, campaign, ticket) answers a branch login of another branch exactly
what it answers the manager of another outlet (404 or 403), and the branch's own login what it answers
the outlet's own manager.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.campaigns import services as campaigns
from app.checkin.models import CheckIn
from app.customers.models import Customer
from app.events.models import Event
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.models import utcnow
from app.security import PERMISSIONS, visible_outlet_ids
from tests.followups.conftest import Happenings


@pytest.fixture
def world(make):
    a1, a2, b1 = make.outlet("XA1"), make.outlet("XA2"), make.outlet("YB1")
    bx, by = make.branch("BX", [a1, a2], name="城西支行"), make.branch("BY", [b1], name="城东支行")
    happen = Happenings()
    customer = make.customer(a1, name="甲支行客户", phone="19900007001")
    event = make.event(a1, title="甲网点活动（测试）")
    registration = make.registration(event, name="王甲", phone="19900007002")
    happen.check_in(registration)
    checkin = db.session.scalar(sa.select(CheckIn).where(CheckIn.registration_id == registration.id))
    past = make.event(a1, title="甲网点已办活动（测试）")
    came = make.registration(past, name="李甲", phone="19900007003")
    happen.move_to_past(past)
    happen.check_in(came)
    finish_event(past)
    db.session.commit()
    followup = db.session.scalar(sa.select(FollowUp).where(FollowUp.event_id == past.id))
    starts = utcnow().replace(microsecond=0)
    from datetime import timedelta

    campaign, _created = campaigns.create_campaign(campaigns.CampaignInput(
        template_key=event.template_key, title="中秋活动（测试）", outlet_codes=["XA1", "XA2"],
        starts_at=starts + timedelta(days=20), ends_at=starts + timedelta(days=20, hours=2), capacity=30,
        waitlist=True))
    db.session.commit()
    users = {
        "branch_x": make.user("branch", branch=bx, username="bx.user"),
        "branch_y": make.user("branch", branch=by, username="by.user"),
        "manager_a": make.user("manager", outlet=a1, username="a1.manager"),
        "manager_b": make.user("manager", outlet=b1, username="b1.manager"),
    }
    ids = {"event_id": event.id, "customer_id": customer.id, "registration_id": registration.id,
           "checkin_id": checkin.id, "followup_id": followup.id, "campaign_id": campaign.id,
           "token": registration.ticket_token}
    return {"outlets": (a1, a2, b1), "branches": (bx, by), "users": users, "ids": ids, "event": event,
            "customer": customer, "followup": followup, "campaign": campaign, "past": past}


def _routes(app, ids):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, "permission", None)
        if not permission or not rule.arguments or not rule.arguments <= set(ids):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", str(ids[arg])).replace(f"<{arg}>", str(ids[arg]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield url, method, permission


def test_branch_users_see_their_branchs_outlets_only(world):
    a1, a2, b1 = world["outlets"]
    assert visible_outlet_ids(world["users"]["branch_x"]) == {a1.id, a2.id}
    assert visible_outlet_ids(world["users"]["branch_y"]) == {b1.id}


@pytest.mark.route_walk
def test_another_branch_gets_what_another_outlets_manager_gets_on_every_route(app, client, make, world):
    headers = {name: make.token_headers(user) for name, user in world["users"].items()}
    checked = 0
    for url, method, permission in _routes(app, world["ids"]):
        as_branch = client.open(url, method=method, headers=headers["branch_y"], json={})
        if "manager" in PERMISSIONS[permission]:
            as_manager = client.open(url, method=method, headers=headers["manager_b"], json={})
            # 422: an empty body is refused before the object is even looked up (it changes nothing).
            assert as_manager.status_code in (403, 404, 422), (url, method, "manager of another outlet",
                                                               as_manager.status_code)
            assert as_branch.status_code == as_manager.status_code, (url, method, as_branch.status_code,
                                                                     as_manager.status_code)
        else:  # campaigns: outlet logins may not open them at all; another branch's is not found
            assert as_branch.status_code in (404, 422), (url, method, as_branch.status_code)
        checked += 1
    assert checked >= 40
    # Nothing of branch X changed under all those requests.
    assert db.session.get(Event, world["event"].id).status == "published"
    assert db.session.get(Customer, world["customer"].id).name == "甲支行客户"
    assert db.session.get(FollowUp, world["followup"].id).status == "open"
    assert db.session.get(Event, world["past"].id).status == "finished"


@pytest.mark.route_walk
def test_own_branch_gets_what_the_outlets_own_manager_gets_on_every_page_it_reads(app, client, make, world):
    headers = {name: make.token_headers(user) for name, user in world["users"].items()}
    checked = 0
    for url, method, permission in _routes(app, world["ids"]):
        if method != "GET":
            continue
        as_branch = client.open(url, headers=headers["branch_x"])
        assert as_branch.status_code not in (401, 403, 404, 500), (url, as_branch.status_code)
        if "manager" in PERMISSIONS[permission]:
            as_manager = client.open(url, headers=headers["manager_a"])
            assert as_branch.status_code == as_manager.status_code, (url, as_branch.status_code,
                                                                     as_manager.status_code)
        checked += 1
    assert checked >= 15


def test_lists_hold_the_branchs_outlets_and_nothing_else(client, make, world):
    headers = {name: make.token_headers(user) for name, user in world["users"].items()}
    own, other = headers["branch_x"], headers["branch_y"]
    event_ids = {e["id"] for e in client.get("/api/v1/events", headers=own).get_json()["items"]}
    assert {world["event"].id, world["past"].id} <= event_ids
    assert client.get("/api/v1/events", headers=other).get_json()["items"] == []
    assert [c["name"] for c in client.get("/api/v1/customers?q=甲支行", headers=own).get_json()["items"]] == \
        ["甲支行客户"]
    assert client.get("/api/v1/customers?q=甲支行", headers=other).get_json()["items"] == []
    assert client.get("/api/v1/followups", headers=own).get_json()["items"]
    assert client.get("/api/v1/followups", headers=other).get_json()["items"] == []
    assert [c["id"] for c in client.get("/api/v1/campaigns", headers=own).get_json()["items"]] == \
        [world["campaign"].id]
    assert client.get("/api/v1/campaigns", headers=other).get_json()["items"] == []
    outlets = {o["code"] for o in client.get("/api/v1/outlets", headers=own).get_json()["items"]}
    assert outlets == {"XA1", "XA2"}
    branches = client.get("/api/v1/branches", headers=own).get_json()["items"]
    assert branches == [{"code": "BX", "name": "城西支行", "outlet_codes": ["XA1", "XA2"]}]
    for page in ("/events", "/customers", "/followups?who=all", "/dashboard", "/planning", "/campaigns"):
        html = client.get(page, headers=other).get_data(as_text=True)
        for secret in ("甲网点活动", "甲支行客户", "王甲", "李甲", "中秋活动"):
            assert secret not in html, (page, secret)
    assert "甲网点活动" in client.get("/events", headers=own).get_data(as_text=True)
    assert "甲支行客户" in client.get("/customers", headers=own).get_data(as_text=True)


def test_acting_into_another_branchs_outlet_is_403_and_into_its_own_allowed(client, make, world):
    headers = {name: make.token_headers(user) for name, user in world["users"].items()}
    event = world["event"]
    body = {"template_key": event.template_key, "outlet_code": "XA2", "starts_at": "2030-05-08T14:00:00+08:00",
            "ends_at": "2030-05-08T16:00:00+08:00", "capacity": 20, "waitlist": True}
    assert client.post("/api/v1/events", headers=headers["branch_y"], json=body).status_code == 403
    assert client.post("/api/v1/events", headers=headers["manager_b"], json=body).status_code == 403
    created = client.post("/api/v1/events", headers=headers["branch_x"], json=body)
    assert created.status_code == 201 and created.get_json()["outlet_code"] == "XA2"
    customer = {"name": "越权", "phone": "19900007009", "outlet_code": "XA1"}
    assert client.post("/api/v1/customers", headers=headers["branch_y"], json=customer).status_code == 403
    assert client.post("/api/v1/customers", headers=headers["branch_x"], json=customer).status_code == 201
    campaign = {"template_key": event.template_key, "title": "越权活动", "outlet_codes": ["XA1"],
                "starts_at": "2030-05-08T14:00:00+08:00", "ends_at": "2030-05-08T16:00:00+08:00", "capacity": 20,
                "waitlist": True}
    assert client.post("/api/v1/campaigns", headers=headers["branch_y"], json=campaign).status_code == 403
    assert client.post("/api/v1/campaigns", headers=headers["manager_a"], json=campaign).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.title == "越权活动")) == 0


def test_me_shows_the_branch_code(client, make, world):
    me = client.get("/api/v1/me", headers=make.token_headers(world["users"]["branch_x"])).get_json()
    assert me["role"] == "branch" and me["branch_code"] == "BX" and me["outlet_code"] is None
