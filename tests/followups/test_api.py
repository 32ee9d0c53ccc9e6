"""GET/PATCH /api/v1/followups and bulk reassignment: shape, filters, validation, scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.followups.models import FollowUp, FollowUpContact
from app.followups.services import finish_event
from app.timefmt import local_today


@pytest.fixture
def finished(make, happen):
    """A finished event of outlet FA: one maintain (owned by fa.staff), one prospect and one winback (fa.creator)."""
    outlet = make.outlet("FA")
    staff = make.user("staff", outlet=outlet, username="fa.staff", name="林晓")
    creator = make.user("staff", outlet=outlet, username="fa.creator", name="王芳")
    manager = make.user("manager", outlet=outlet, username="fa.manager", name="陈经理")
    customer = make.customer(outlet, name="张老客", phone="19900004001", owner="fa.staff")
    event = make.event(outlet, title="重阳健康讲座（测试）", owner=creator)
    regular = make.registration(event, name=customer.name, phone=customer.phone)
    newcomer = make.registration(event, name="李新客", phone="19900004002")
    make.registration(event, name="王爽约", phone="19900004003")
    happen.move_to_past(event)
    happen.check_in(regular)
    happen.check_in(newcomer)
    finish_event(event)
    db.session.commit()
    items = {f.list: f for f in db.session.scalars(sa.select(FollowUp))}
    return {"event": event, "items": items, "staff": staff, "creator": creator, "manager": manager,
            "outlet": outlet}


def test_the_list_has_the_shape_of_api_md(client, make, finished):
    headers = make.token_headers(finished["staff"])
    response = client.get("/api/v1/followups", headers=headers)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert len(items) == 3
    maintain = next(i for i in items if i["list"] == "maintain")
    assert set(maintain) >= {"id", "list", "customer", "event_id", "assignee", "due_date", "status", "outcome"}
    assert maintain["customer"] == {"name": "张老客", "phone": "19900004001", "is_customer": True}
    assert maintain["event_id"] == finished["event"].id and maintain["assignee"] == "fa.staff"
    assert maintain["status"] == "open" and maintain["outcome"] is None
    assert maintain["due_date"] == finished["items"]["maintain"].due_date.isoformat()
    prospect = next(i for i in items if i["list"] == "prospect")
    assert prospect["customer"]["is_customer"] is False and prospect["assignee"] == "fa.creator"


def test_filters_narrow_the_list(client, make, finished):
    headers = make.token_headers(finished["staff"])

    def ids(query: str) -> set[str]:
        response = client.get(f"/api/v1/followups?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return {i["list"] for i in response.get_json()["items"]}

    assert ids("assignee=me") == {"maintain"}
    assert ids("assignee=fa.creator") == {"prospect", "winback"}
    assert ids("list=winback") == {"winback"}
    assert ids(f"event_id={finished['event'].id}&status=open") == {"maintain", "prospect", "winback"}
    assert ids("status=converted") == set()
    far = max(f.due_date for f in finished["items"].values())
    assert ids(f"due_before={(far - timedelta(days=100)).isoformat()}") == set()
    assert ids(f"due_before={far.isoformat()}") == {"maintain", "prospect", "winback"}
    bad = client.get("/api/v1/followups?list=vip", headers=headers)
    assert bad.status_code == 422 and "list" in bad.get_json()["error"]["fields"]


def test_another_outlets_staff_see_nothing_and_get_404(client, make, finished):
    other = make.user("staff", outlet=make.outlet("FB"))
    headers = make.token_headers(other)
    assert client.get("/api/v1/followups", headers=headers).get_json()["items"] == []
    item = finished["items"]["maintain"]
    response = client.patch(f"/api/v1/followups/{item.id}", headers=headers, json={"status": "contacted"})
    assert response.status_code == 404
    assert db.session.get(FollowUp, item.id).status == "open"


def test_an_unknown_status_is_422_naming_status(client, make, finished):
    headers = make.token_headers(finished["staff"])
    item = finished["items"]["maintain"]
    response = client.patch(f"/api/v1/followups/{item.id}", headers=headers, json={"status": "won"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"status"}
    response = client.patch(f"/api/v1/followups/{item.id}", headers=headers, json={"note": "只写备注"})
    assert response.status_code == 422 and "status" in response.get_json()["error"]["fields"]


def test_converted_needs_a_product_from_the_list(client, make, finished):
    headers = make.token_headers(finished["staff"])
    item = finished["items"]["maintain"]
    url = f"/api/v1/followups/{item.id}"
    missing = client.patch(url, headers=headers, json={"status": "converted", "outcome": {"amount": 50000}})
    assert missing.status_code == 422 and "outcome.product" in missing.get_json()["error"]["fields"]
    unknown = client.patch(url, headers=headers, json={"status": "converted", "outcome": {"product": "比特币"}})
    assert unknown.status_code == 422 and "outcome.product" in unknown.get_json()["error"]["fields"]
    negative = client.patch(url, headers=headers, json={"status": "converted",
                                                       "outcome": {"product": "wealth", "amount": -1}})
    assert negative.status_code == 422 and "outcome.amount" in negative.get_json()["error"]["fields"]
    assert db.session.get(FollowUp, item.id).status == "open"
    assert db.session.scalar(sa.select(sa.func.count(FollowUpContact.id))) == 0


def test_recording_a_conversion_by_chinese_name(client, make, finished):
    headers = make.token_headers(finished["staff"])
    item = finished["items"]["maintain"]
    response = client.patch(f"/api/v1/followups/{item.id}", headers=headers, json={
        "status": "converted", "note": "购买了半年期理财", "contact_method": "wechat",
        "outcome": {"product": "理财", "amount": 50000}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "converted"
    assert body["outcome"] == {"product": "wealth", "product_name": "理财", "amount": 50000.0}
    stored = db.session.get(FollowUp, item.id)
    assert stored.outcome_product == "wealth" and stored.done_at is not None and stored.note == "购买了半年期理财"
    contact = db.session.scalars(sa.select(FollowUpContact)).one()
    assert (contact.method, contact.status, contact.user_id) == ("wechat", "converted", finished["staff"].id)
    assert contact.details == {"product": "wealth", "amount": "50000.00"}


def test_a_next_date_creates_the_next_item(client, make, finished):
    headers = make.token_headers(finished["manager"])
    item = finished["items"]["prospect"]
    next_day = local_today() + timedelta(days=10)
    response = client.patch(f"/api/v1/followups/{item.id}", headers=headers, json={
        "status": "contacted", "contact_method": "phone", "next_due_date": next_day.isoformat()})
    assert response.status_code == 200, response.get_json()
    rows = list(db.session.scalars(sa.select(FollowUp).where(FollowUp.registration_id == item.registration_id)
                                   .order_by(FollowUp.sequence)))
    assert [(f.sequence, f.list, f.status) for f in rows] == [(1, "prospect", "contacted"), (2, "prospect", "open")]
    assert rows[1].due_date == next_day and rows[1].assignee_id == finished["creator"].id
    past = client.patch(f"/api/v1/followups/{rows[1].id}", headers=headers, json={
        "status": "contacted", "next_due_date": (local_today() - timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and "next_due_date" in past.get_json()["error"]["fields"]


def test_managers_reassign_in_bulk_within_their_outlet(client, make, finished):
    items = finished["items"]
    ids = [items["prospect"].id, items["winback"].id]
    staff_headers = make.token_headers(finished["staff"])
    assert client.post("/api/v1/followups/reassign", headers=staff_headers,
                       json={"ids": ids, "assignee": "fa.staff"}).status_code == 403
    headers = make.token_headers(finished["manager"])
    response = client.post("/api/v1/followups/reassign", headers=headers, json={"ids": ids, "assignee": "fa.staff"})
    assert response.status_code == 200 and response.get_json() == {"reassigned": 2}
    assert set(db.session.scalars(sa.select(FollowUp.assignee_id))) == {finished["staff"].id}
    outsider = make.user("staff", outlet=make.outlet("FC"), username="fc.staff")
    foreign = client.post("/api/v1/followups/reassign", headers=headers,
                          json={"ids": ids, "assignee": outsider.username})
    assert foreign.status_code == 422 and "assignee" in foreign.get_json()["error"]["fields"]
    other_manager = make.token_headers(make.user("manager", outlet=outsider.outlet))
    hidden = client.post("/api/v1/followups/reassign", headers=other_manager,
                         json={"ids": ids, "assignee": "fc.staff"})
    assert hidden.status_code == 404


def test_stats_of_another_outlet_are_404(client, make, finished):
    headers = make.token_headers(make.user("manager", outlet=make.outlet("FD")))
    assert client.get(f"/api/v1/events/{finished['event'].id}/stats", headers=headers).status_code == 404
