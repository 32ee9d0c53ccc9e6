"""Registration rules: seats in people, the waitlist, duplicates, cancellations, closing."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.customers.models import Consent, Customer
from app.events.consent import CONSENT_VERSION
from app.events.models import Registration
from app.extensions import db
from app.models import utcnow
from app.notify.models import Notification


def _post(client, event, **body):
    payload = {"name": "李雷", "phone": "13800138000", "consent": True, **body}
    return client.post(f"/api/v1/public/events/{event.slug}/registrations", json=payload)


def test_party_sizes_count_as_seats_and_the_overflow_is_waitlisted_in_order(client, make):
    event = make.event(capacity=5, max_party_size=3)
    first = _post(client, event, phone="13800000001", party_size=3)
    second = _post(client, event, phone="13800000002", party_size=2)
    third = _post(client, event, phone="13800000003", party_size=1)
    fourth = _post(client, event, phone="13800000004", party_size=2)
    assert [r.status_code for r in (first, second, third, fourth)] == [201, 201, 201, 201]
    assert [r.get_json()["status"] for r in (first, second, third, fourth)] == [
        "confirmed", "confirmed", "waitlisted", "waitlisted"]
    counts = client.get(f"/api/v1/public/events/{event.slug}").get_json()
    assert counts["seats_left"] == 0


def test_without_a_waitlist_a_full_event_answers_409_event_full(client, make):
    event = make.event(capacity=1, waitlist=False)
    assert _post(client, event, phone="13800000011").status_code == 201
    full = _post(client, event, phone="13800000012")
    assert full.status_code == 409
    assert full.get_json()["error"]["code"] == "event_full"
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_the_same_phone_again_learns_nothing_and_the_ticket_goes_to_that_phone(client, make):
    event = make.event()
    first = _post(client, event, name="李雷", phone="+86 138-0000-0021")
    again = _post(client, event, phone="13800000021", name="另一个名字")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json() == {"status": "already_registered"}  # no token, link, name or status
    token = first.get_json()["ticket_token"]
    assert token not in again.get_data(as_text=True) and "李" not in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    resent = db.session.scalars(sa.select(Notification).where(Notification.kind == "ticket_resent")).one()
    assert resent.recipient == "13800000021" and token in resent.body
    assert db.session.scalars(sa.select(Registration)).one().name == "李雷"  # nothing was changed


def test_a_known_phone_links_to_the_customer_and_a_new_one_becomes_a_prospect(client, make):
    outlet = make.outlet()
    known = make.customer(outlet, name="老客户", phone="13800000031", is_customer=True)
    event = make.event(outlet)
    _post(client, event, phone="13800000031", name="老客户本人")
    _post(client, event, phone="13800000032", name="新朋友")
    regs = {r.phone: r for r in db.session.scalars(sa.select(Registration))}
    assert regs["13800000031"].customer_id == known.id and regs["13800000031"].was_customer
    prospect = regs["13800000032"].customer
    assert prospect.is_customer is False and prospect.name == "新朋友" and prospect.outlet_id == outlet.id
    db.session.refresh(known)
    assert known.name == "老客户"  # the registrant's typing does not rename a customer


def test_consent_is_required_and_its_version_is_stored(client, make):
    event = make.event()
    refused = _post(client, event, phone="13800000041", consent=False)
    assert refused.status_code == 422
    assert "consent" in refused.get_json()["error"]["fields"]
    assert _post(client, event, phone="13800000041").status_code == 201
    registration = db.session.scalars(sa.select(Registration)).one()
    assert registration.consent_version == CONSENT_VERSION
    consent = db.session.scalars(sa.select(Consent)).one()
    assert consent.text_version == CONSENT_VERSION and consent.channel == "registration"


def test_a_new_registrant_gets_a_prospect_record_consent_audit_trail_and_message_together(client, make):
    outlet = make.outlet()
    known = make.customer(outlet, name="老客户", phone="13800000045", is_customer=True)
    event = make.event(outlet, capacity=1)
    before = db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))
    first = _post(client, event, phone="13800000044", name="新朋友")
    second = _post(client, event, phone="13800000045")
    assert (first.get_json()["status"], second.get_json()["status"]) == ("confirmed", "waitlisted")
    prospect = db.session.scalars(sa.select(Customer).where(Customer.phone == "13800000044")).one()
    consents = {c.customer_id: c for c in db.session.scalars(sa.select(Consent))}
    assert set(consents) == {prospect.id, known.id}
    assert consents[prospect.id].text_version == CONSENT_VERSION and consents[prospect.id].given_at is not None
    entries = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > before)))
    assert sorted((a.action, a.object_id, a.outlet_id, a.ip) for a in entries) == [
        ("consent_recorded", str(known.id), outlet.id, "127.0.0.1"),
        ("consent_recorded", str(prospect.id), outlet.id, "127.0.0.1"),
        ("customer_created", str(prospect.id), outlet.id, "127.0.0.1")]
    created, consented = ({a.action: a for a in entries if a.object_id == str(prospect.id)}[action]
                          for action in ("customer_created", "consent_recorded"))
    assert created.at <= consented.at  # the audit page lists by time: the record first, then the consent
    messages = {m.recipient: m for m in db.session.scalars(sa.select(Notification))}
    ticket = first.get_json()["ticket_url"]
    assert messages["13800000044"].kind == "registration_confirmed" and ticket in messages["13800000044"].body
    assert messages["13800000045"].kind == "registration_waitlisted"
    registrations = {r.phone: r.id for r in db.session.scalars(sa.select(Registration))}
    assert {m.recipient: m.registration_id for m in messages.values()} == registrations
    assert all(m.status == "pending" and m.event_id == event.id for m in messages.values())


def test_a_prospect_created_meanwhile_by_another_registration_is_used(make, monkeypatch):
    from app.customers import services

    outlet = make.outlet()
    meanwhile = make.customer(outlet, name="同号", phone="13800000046", is_customer=False)
    before = db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))
    # The first look finds nothing (the other registration has not committed yet); the insert then conflicts.
    looks = iter([lambda *_args: None])
    real_find = services._registrant
    monkeypatch.setattr(services, "_registrant", lambda *args: next(looks, real_find)(*args))
    customer, was_customer = services.find_or_create_prospect(outlet.id, "同号", "13800000046")
    assert (customer.id, was_customer) == (meanwhile.id, False)
    assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 1
    assert list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.id > before))) == []


def test_bad_input_names_each_field_and_writes_nothing(client, make):
    questions = [{"key": "kids", "label": "孩子年龄", "type": "number", "required": True, "min": 1, "max": 12},
                 {"key": "parking", "label": "是否停车", "type": "choice", "options": ["是", "否"]}]
    event = make.event(max_party_size=3, questions=questions)
    response = _post(client, event, name="", phone="12345", party_size=4, answers={"kids": 30, "parking": "也许"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"name", "phone", "party_size", "kids", "parking"}
    assert fields["kids"] == "孩子年龄应在 1 到 12 之间"
    assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 0
    ok = _post(client, event, party_size=3, answers={"kids": "6", "parking": "是"})
    assert ok.status_code == 201
    assert db.session.scalars(sa.select(Registration)).one().answers == {"kids": 6, "parking": "是"}


def test_registration_closes_at_the_deadline(client, make):
    event = make.event(registration_closes_at=utcnow() + timedelta(days=1))
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = _post(client, event)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "registration_closed"


def test_drafts_and_cancelled_events_are_404_publicly(client, make):
    from app.events.services import cancel_event, new_slug

    draft = make.event(publish=False)
    draft.slug = new_slug()  # even a draft that somehow has a slug stays hidden
    db.session.commit()
    assert client.get(f"/api/v1/public/events/{draft.slug}").status_code == 404
    assert client.get(f"/e/{draft.slug}").status_code == 404
    event = make.event()
    cancel_event(event)
    db.session.commit()
    assert _post(client, event).status_code == 404
    assert client.get(f"/e/{event.slug}").status_code == 404


def test_cancelling_promotes_the_earliest_waitlisted_that_fit(client, make):
    event = make.event(capacity=3, max_party_size=3)
    holder = _post(client, event, phone="13800000051", party_size=2).get_json()
    _post(client, event, phone="13800000052", party_size=1)
    big = _post(client, event, phone="13800000053", party_size=3).get_json()   # waits, too big for 2 seats
    small = _post(client, event, phone="13800000054", party_size=2).get_json()  # waits, fits 2 seats
    assert (big["status"], small["status"]) == ("waitlisted", "waitlisted")
    cancelled = client.post(f"/api/v1/public/tickets/{holder['ticket_token']}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json() == {"status": "cancelled"}
    status = {r.phone: r.status for r in db.session.scalars(sa.select(Registration))}
    assert status == {"13800000051": "cancelled", "13800000052": "confirmed", "13800000053": "waitlisted",
                      "13800000054": "confirmed"}
    kinds = list(db.session.scalars(sa.select(Notification.kind).where(
        Notification.recipient == "13800000054").order_by(Notification.id)))
    assert kinds == ["registration_waitlisted", "waitlist_promoted"]
    again = client.post(f"/api/v1/public/tickets/{holder['ticket_token']}/cancel")
    assert again.status_code == 200  # cancelling twice is harmless
    del big


def test_a_checked_in_registration_cannot_be_cancelled(client, make):
    event = make.event()
    registration = make.registration(event)
    registration.checked_in_at = utcnow()
    db.session.commit()
    response = client.post(f"/api/v1/public/tickets/{registration.ticket_token}/cancel")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_checked_in"


def test_referral_codes_of_staff_and_customers_are_recorded(client, make):
    outlet = make.outlet()
    staff = make.user("staff", outlet=outlet)
    friend = make.customer(outlet, name="老朋友", phone="13800000061")
    event = make.event(outlet)
    _post(client, event, phone="13800000062", ref=staff.referral_code)
    _post(client, event, phone="13800000063", ref=friend.referral_code.lower())
    _post(client, event, phone="13800000064", ref="NOSUCHCODE")
    regs = {r.phone: r for r in db.session.scalars(sa.select(Registration))}
    assert regs["13800000062"].referrer_user_id == staff.id
    assert regs["13800000063"].referrer_customer_id == friend.id
    assert regs["13800000064"].referrer_user_id is None and regs["13800000064"].ref_code == "NOSUCHCODE"


def test_ticket_api_masks_the_name_and_a_tampered_token_is_404(client, make):
    event = make.event()
    token = _post(client, event, name="张三丰", phone="13800000071").get_json()["ticket_token"]
    ticket = client.get(f"/api/v1/public/tickets/{token}").get_json()
    assert ticket["name"] == "张**" and ticket["status"] == "confirmed" and ticket["checked_in_at"] is None
    assert ticket["event"]["title"] == event.title
    assert "13800000071" not in str(ticket)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/api/v1/public/tickets/{tampered}").status_code == 404
    assert client.get(f"/t/{tampered}").status_code == 404
    assert client.get("/t/short").status_code == 404


def test_tokens_are_long_random_and_unrelated_to_ids(make):
    event = make.event(capacity=50)
    tokens = [make.registration(event).ticket_token for _ in range(20)]
    assert len(set(tokens)) == 20
    assert all(len(t) == 22 for t in tokens)  # 16 random bytes, URL-safe: 128 bits
    # Consecutive registrations share nothing that a sequence would produce.
    assert all(a[:4] != b[:4] for a, b in itertools.pairwise(tokens))


@pytest.mark.parametrize("raw", ["138 0000 0081", "+86-138-0000-0081", "8613800000081"])
def test_phone_spellings_meet_in_one_registration(client, make, raw):
    event = make.event()
    _post(client, event, phone="13800000081")
    assert _post(client, event, phone=raw).status_code == 200


def test_a_new_prospect_never_gets_a_code_a_staff_member_or_customer_already_has(client, make, monkeypatch):
    # A ?ref= code must name one person: the generator is made to offer taken codes first.
    staff = make.user("staff", username="code.holder")
    event = make.event(outlet=staff.outlet)
    known = make.customer(staff.outlet, name="老客户", phone="13800000071")
    offered = iter([staff.referral_code, known.referral_code, "FRESH234"])
    monkeypatch.setattr("app.customers.services.readable_code", lambda _length: next(offered))
    response = _post(client, event, phone="13800000072", name="新朋友")
    assert response.status_code == 201
    prospect = db.session.scalars(sa.select(Customer).where(Customer.phone == "13800000072")).one()
    assert prospect.referral_code == "FRESH234" and prospect.is_customer is False
    assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 2
