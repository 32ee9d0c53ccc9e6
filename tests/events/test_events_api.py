"""Events through the API: create from a template, validate, scope, publish, cancel, edit."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.catalogue.builtin import builtin_templates
from app.events.models import Event
from app.extensions import db
from app.notify.models import Notification


def _template_key():
    return sorted(builtin_templates())[0]


def _body(outlet_code: str, **overrides) -> dict:
    body = {"template_key": _template_key(), "outlet_code": outlet_code, "starts_at": "2027-09-19T14:00:00+08:00",
            "ends_at": "2027-09-19T16:00:00+08:00", "capacity": 30, "waitlist": True}
    body.update(overrides)
    return body


def test_create_a_draft_from_a_template(client, make):
    outlet = make.outlet("EV1")
    headers = make.token_headers(make.user("staff", outlet=outlet, username="ev.staff"))
    response = client.post("/api/v1/events", json=_body("EV1", title="中秋亲子手作（测试）"), headers=headers)
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    template = builtin_templates()[_template_key()]
    assert event["status"] == "draft" and event["title"] == "中秋亲子手作（测试）"
    assert event["starts_at"] == "2027-09-19T14:00:00+08:00"
    assert event["owner"] == "ev.staff" and event["outlet_code"] == "EV1"
    assert event["counts"] == {"confirmed": 0, "waitlisted": 0, "cancelled": 0, "checked_in": 0, "walk_ins": 0,
                               "seats_taken": 0, "seats_left": 30, "people_checked_in": 0, "walk_in_people": 0}
    assert event["questions"] == [q for q in template.to_dict()["questions"]]
    assert event["max_party_size"] == template.max_party_size
    stored = db.session.get(Event, event["id"])
    assert stored.playbook == template.to_dict()["playbook"]


def test_validation_names_the_bad_fields(client, make):
    outlet = make.outlet("EV2")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    bad = client.post("/api/v1/events", headers=headers, json=_body(
        "EV2", template_key="no_such_template", title="无模板（测试）", ends_at="2027-09-19T13:00:00+08:00", capacity=0,
        max_party_size=0))
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert set(fields) == {"template_key", "ends_at", "capacity", "max_party_size"}
    assert fields["ends_at"] == "结束时间应晚于开始时间"
    naive = client.post("/api/v1/events", headers=headers, json=_body("EV2", starts_at="2027-09-19T14:00:00"))
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_creating_in_another_outlet_is_403_and_reading_it_is_404(client, make):
    a, b = make.outlet("EVA"), make.outlet("EVB")
    headers_b = make.token_headers(make.user("staff", outlet=b))
    assert client.post("/api/v1/events", json=_body("EVA"), headers=headers_b).status_code == 403
    event_a = make.event(a)
    assert client.get(f"/api/v1/events/{event_a.id}", headers=headers_b).status_code == 404
    assert client.get(f"/api/v1/events/{event_a.id}/registrations", headers=headers_b).status_code == 404
    assert client.post(f"/api/v1/events/{event_a.id}/publish", headers=headers_b).status_code == 404
    assert client.get("/api/v1/events", headers=headers_b).get_json()["items"] == []


def test_list_filters_by_status_and_dates(client, make):
    outlet = make.outlet("EVL")
    headers = make.token_headers(make.user("manager", outlet=outlet))
    make.event(outlet, title="已发布（测试）")
    make.event(outlet, publish=False, title="草稿（测试）", starts_in_days=40)
    drafts = client.get("/api/v1/events?status=draft", headers=headers).get_json()["items"]
    assert [e["title"] for e in drafts] == ["草稿（测试）"]
    from datetime import timedelta

    from app.timefmt import local_today

    soon = (local_today() + timedelta(days=10)).isoformat()
    near = client.get(f"/api/v1/events?to={soon}", headers=headers).get_json()["items"]
    assert [e["title"] for e in near] == ["已发布（测试）"]
    bad = client.get("/api/v1/events?status=sleeping", headers=headers)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]


def test_publish_assigns_a_short_random_slug_and_urls(client, make):
    outlet = make.outlet("EVP")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    event = make.event(outlet, publish=False)
    response = client.post(f"/api/v1/events/{event.id}/publish", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "published" and len(body["slug"]) == 10
    assert body["registration_url"].endswith(f"/e/{body['slug']}")
    assert body["poster_png_url"].endswith(f"/events/{event.id}/poster.png")
    assert body["poster_pdf_url"].endswith(f"/events/{event.id}/poster.pdf")
    again = client.post(f"/api/v1/events/{event.id}/publish", headers=headers).get_json()
    assert again["slug"] == body["slug"]
    assert client.get(f"/api/v1/public/events/{body['slug']}").status_code == 200


def test_cancelling_notifies_everyone_registered_and_is_for_managers(client, make):
    outlet = make.outlet("EVC")
    staff = make.token_headers(make.user("staff", outlet=outlet))
    manager = make.token_headers(make.user("manager", outlet=outlet))
    event = make.event(outlet, capacity=1)
    make.registration(event, phone="13800000101")
    make.registration(event, phone="13800000102")  # waitlisted
    assert client.post(f"/api/v1/events/{event.id}/cancel", headers=staff, json={}).status_code == 403
    response = client.post(f"/api/v1/events/{event.id}/cancel", headers=manager, json={"reason": "台风预警"})
    assert response.status_code == 200 and response.get_json() == {"status": "cancelled"}
    messages = list(db.session.scalars(sa.select(Notification).where(Notification.kind == "event_cancelled")))
    assert sorted(m.recipient for m in messages) == ["13800000101", "13800000102"]
    assert all("台风预警" in m.body for m in messages)


def test_editing_capacity_cannot_drop_below_seats_taken_and_raising_it_promotes(client, make):
    outlet = make.outlet("EVE")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    event = make.event(outlet, capacity=2)
    for i in range(4):
        make.registration(event, phone=f"1380000020{i}")
    low = client.patch(f"/api/v1/events/{event.id}", headers=headers, json={"capacity": 1})
    assert low.status_code == 422 and "capacity" in low.get_json()["error"]["fields"]
    high = client.patch(f"/api/v1/events/{event.id}", headers=headers, json={"capacity": 3})
    assert high.status_code == 200
    assert high.get_json()["counts"]["seats_taken"] == 3 and high.get_json()["counts"]["waitlisted"] == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event_updated"))
    assert "capacity" in entry.details["fields"]


def test_registrations_list_shows_full_data_to_the_outlets_staff(client, make):
    outlet = make.outlet("EVR")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    event = make.event(outlet)
    make.registration(event, name="赵六", phone="13800000301")
    items = client.get(f"/api/v1/events/{event.id}/registrations", headers=headers).get_json()["items"]
    assert items[0]["name"] == "赵六" and items[0]["phone"] == "13800000301"
    assert items[0]["ticket_url"].startswith("http")
    found = client.get(f"/api/v1/events/{event.id}/registrations?q=0301", headers=headers).get_json()["items"]
    assert len(found) == 1


def test_only_drafts_can_be_deleted(client, make):
    outlet = make.outlet("EVD")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    draft_id = make.event(outlet, publish=False).id
    live = make.event(outlet)
    assert client.delete(f"/api/v1/events/{live.id}", headers=headers).status_code == 409
    assert client.delete(f"/api/v1/events/{draft_id}", headers=headers).status_code == 204
    assert db.session.scalar(sa.select(Event.id).where(Event.id == draft_id)) is None
