"""POST /api/v1/checkins and friends, exactly as API.md says: codes, bodies, scoping, walk-ins, undo, feed."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.checkin.models import CheckIn
from app.events.models import Registration
from app.extensions import db


def _scan(client, headers, ticket, **body):
    return client.post("/api/v1/checkins", json={"ticket": ticket, **body}, headers=headers)


def test_first_scan_201_then_200_already_with_the_first_time(client, door):
    registration = door.registrations[1]
    url = f"https://events.example.cn/t/{registration.ticket_token}"
    first = _scan(client, door.headers, url, device="scanner p1")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["result"] == "checked_in" and body["replayed"] is False
    assert body["registration"]["name"] == "曾国藩" and body["registration"]["masked_name"] == "曾**"
    assert body["registration"]["party_size"] == 2
    assert body["checked_in_at"].endswith("+08:00")
    again = _scan(client, door.headers, registration.ticket_token)
    assert again.status_code == 200
    assert again.get_json()["result"] == "already_checked_in"
    assert again.get_json()["checked_in_at"] == body["checked_in_at"]
    row = db.session.scalar(sa.select(CheckIn))
    assert row.user_id == door.staff.id and row.device == "scanner p1" and row.method == "scan"


def test_a_retry_after_a_dropped_connection_is_answered_like_the_first(client, door):
    token = door.registrations[0].ticket_token
    first = _scan(client, door.headers, token, nonce="0f1e2d3c-retry")
    retry = _scan(client, door.headers, token, nonce="0f1e2d3c-retry")
    assert first.status_code == retry.status_code == 201
    assert retry.get_json()["replayed"] is True
    assert retry.get_json()["checkin_id"] == first.get_json()["checkin_id"]
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_waitlisted_is_409_not_confirmed_with_result_and_error(client, make, door):
    event = make.event(door.outlet, starts_in_days=0, capacity=1)
    make.registration(event, name="甲")
    waiting = make.registration(event, name="乙")
    response = _scan(client, door.headers, waiting.ticket_token)
    assert response.status_code == 409
    body = response.get_json()
    assert body["result"] == "not_confirmed" and body["status"] == "waitlisted"
    assert body["error"]["code"] == "not_confirmed" and body["error"]["message"]


def test_unknown_and_tampered_tickets_are_404_with_result(client, door):
    token = door.registrations[0].ticket_token
    for ticket in ("A" * 22, token[:-2], f"https://x.cn/t/{token[:-1]}Z", "not a ticket"):
        response = _scan(client, door.headers, ticket)
        assert response.status_code == 404, ticket
        assert response.get_json()["result"] == "not_found"
        assert response.get_json()["error"]["code"] == "not_found"


def test_another_outlets_ticket_is_403_and_nothing_is_written(client, make, door):
    stranger = make.token_headers(make.user("staff", outlet=make.outlet("CK8")))
    response = _scan(client, stranger, door.registrations[0].ticket_token)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_partners_and_anonymous_callers_cannot_scan(client, make, door):
    partner = make.token_headers(make.user("partner"))
    assert _scan(client, partner, door.registrations[0].ticket_token).status_code == 403
    assert _scan(client, {}, door.registrations[0].ticket_token).status_code == 401


def test_a_ticket_of_another_event_on_this_events_scanner_is_409_wrong_event(client, make, door):
    other = make.event(door.outlet, starts_in_days=0, title="另一场（测试）")
    response = _scan(client, door.headers, door.registrations[0].ticket_token, event_id=other.id)
    assert response.status_code == 409
    assert response.get_json()["result"] == "wrong_event"
    assert "理财沙龙（测试）" in response.get_json()["error"]["message"]


def test_missing_ticket_is_422_naming_the_field(client, door):
    response = client.post("/api/v1/checkins", json={}, headers=door.headers)
    assert response.status_code == 422
    assert "ticket" in response.get_json()["error"]["fields"]


def test_walk_ins_201_then_409_when_full_then_201_with_the_explicit_choice(client, make, door):
    event = make.event(door.outlet, starts_in_days=0, capacity=1, max_party_size=2)
    url = f"/api/v1/events/{event.id}/walk-ins"
    first = client.post(url, json={"name": "路人甲", "phone": "+86 139-0000-5555"}, headers=door.headers)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["result"] == "checked_in" and body["created"] is True and body["over_capacity"] is False
    assert body["registration"]["source"] == "walk_in" and body["registration"]["checkin_method"] == "walk_in"
    full = client.post(url, json={"name": "路人乙", "phone": "13900006666"}, headers=door.headers)
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "event_full"
    over = client.post(url, json={"name": "路人乙", "phone": "13900006666", "party_size": 2, "over_capacity": True},
                       headers=door.headers)
    assert over.status_code == 201 and over.get_json()["over_capacity"] is True
    stored = db.session.scalar(sa.select(Registration).where(Registration.phone == "13900006666"))
    assert stored.over_capacity and stored.checked_in_at is not None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "walk_in_over_capacity"))
    assert entry.actor_username == "ck.staff"
    again = client.post(url, json={"name": "路人甲", "phone": "13900005555"}, headers=door.headers)
    assert again.status_code == 200 and again.get_json()["result"] == "already_checked_in"


def test_walk_ins_in_another_outlets_event_are_404(client, make, door):
    stranger = make.token_headers(make.user("staff", outlet=make.outlet("CK7")))
    response = client.post(f"/api/v1/events/{door.event.id}/walk-ins", json={"name": "某", "phone": "13900001111"},
                           headers=stranger)
    assert response.status_code == 404


def test_staff_undo_their_own_check_in_managers_any_and_the_undo_is_a_history_row(client, make, door):
    checkin_id = _scan(client, door.headers, door.registrations[0].ticket_token).get_json()["checkin_id"]
    url = f"/api/v1/checkins/{checkin_id}/undo"
    colleague = make.token_headers(make.user("staff", outlet=door.outlet, username="ck.colleague"))
    refused = client.post(url, json={}, headers=colleague)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "undo_not_allowed"
    undone = client.post(url, json={"reason": "误扫"}, headers=door.headers)
    assert undone.status_code == 200 and undone.get_json()["result"] == "undone"
    twice = client.post(url, json={}, headers=door.manager_headers)
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "not_checked_in"
    kinds = db.session.scalars(sa.select(CheckIn.kind).order_by(CheckIn.id)).all()
    assert kinds == ["checkin", "undo"]
    rescan = _scan(client, door.headers, door.registrations[0].ticket_token)
    assert rescan.status_code == 201
    # The first check-in's undo, sent late again, does not take back the new check-in.
    assert client.post(url, json={}, headers=door.manager_headers).status_code == 409
    assert door.registrations[0].checked_in_at is not None
    # Managers correct any check-in.
    assert client.post(f"/api/v1/checkins/{rescan.get_json()['checkin_id']}/undo", json={},
                       headers=door.manager_headers).status_code == 200


def test_the_feed_gives_new_rows_after_since_and_the_live_counts(client, door):
    feed = f"/api/v1/events/{door.event.id}/checkins"
    empty = client.get(feed, headers=door.headers).get_json()
    assert empty["items"] == [] and empty["counts"]["checked_in"] == 0 and empty["counts"]["confirmed"] == 3
    _scan(client, door.headers, door.registrations[0].ticket_token)
    _scan(client, door.headers, door.registrations[2].ticket_token)
    first = client.get(feed, headers=door.headers).get_json()
    assert [i["masked_name"] for i in first["items"]] == ["单**", "王**"]
    assert first["counts"]["checked_in"] == 2 and first["counts"]["people_checked_in"] == 4
    assert first["items"][0]["user"] == "门口小李"
    client.post(f"/api/v1/events/{door.event.id}/walk-ins", json={"name": "路人丙", "phone": "13900002222"},
                headers=door.headers)
    later = client.get(f"{feed}?since={first['last_id']}", headers=door.headers).get_json()
    assert [(i["masked_name"], i["method"]) for i in later["items"]] == [("路**", "walk_in")]
    assert later["counts"]["walk_ins"] == 1 and later["counts"]["confirmed"] == 4
    nothing_new = client.get(f"{feed}?since={later['last_id']}", headers=door.headers).get_json()
    assert nothing_new["items"] == [] and nothing_new["last_id"] == later["last_id"]


def test_the_openapi_document_describes_the_check_in_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/checkins", "/api/v1/events/{event_id}/walk-ins", "/api/v1/checkins/{checkin_id}/undo",
            "/api/v1/events/{event_id}/checkins"} <= set(spec["paths"])
    responses = spec["paths"]["/api/v1/checkins"]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
