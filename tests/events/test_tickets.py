"""A phone number is not an identity: registering a known phone again, changing the party size through the ticket."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.events.models import Registration
from app.extensions import db
from app.models import utcnow
from app.notify.models import Notification


def _post(client, event, **body):
    payload = {"name": "李雷", "phone": "13800138000", "consent": True, **body}
    return client.post(f"/api/v1/public/events/{event.slug}/registrations", json=payload)


def _resent(registration_id: int) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.registration_id == registration_id, Notification.kind == "ticket_resent")
        .order_by(Notification.id)))


def test_a_stranger_typing_a_registered_phone_gets_no_ticket_and_one_resend_per_ten_minutes(client, make):
    event = make.event(max_party_size=3)
    owner = _post(client, event, name="李雷", phone="13800000101", party_size=2).get_json()
    registration = db.session.scalars(sa.select(Registration)).one()
    answers = [_post(client, event, name="陌生人", phone="138 0000 0101", party_size=1) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all(a.get_json() == {"status": "already_registered"} for a in answers)
    assert len(_resent(registration.id)) == 1  # three tries within 10 minutes: one message
    db.session.refresh(registration)
    assert (registration.name, registration.party_size, registration.status) == ("李雷", 2, "confirmed")
    # Ten minutes later the link may go again.
    first = _resent(registration.id)[0]
    first.created_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert _post(client, event, phone="13800000101").get_json() == {"status": "already_registered"}
    sent = _resent(registration.id)
    assert len(sent) == 2 and owner["ticket_url"] in sent[1].body


def test_the_form_says_the_same_neutral_thing_without_the_persons_data(client, make):
    event = make.event()
    first = client.post(f"/e/{event.slug}", data={"name": "韩梅梅", "phone": "13800000111", "consent": "y"})
    token = first.headers["Location"].split("/t/")[1].split("?")[0]
    again = client.post(f"/e/{event.slug}", data={"name": "陌生人", "phone": "13800000111", "consent": "y"})
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "Location" not in again.headers
    assert "该手机号已报名，我们已把电子票链接重新发送到该手机" in html
    assert token not in html and "韩" not in html and "陌生人" not in html and "0111" not in html
    assert "取消报名" not in html.split("请在该手机")[0]  # no control of the registration on this page
    registration = db.session.scalars(sa.select(Registration)).one()
    assert len(_resent(registration.id)) == 1


def test_the_party_size_changes_through_the_ticket_within_capacity(client, make):
    event = make.event(capacity=5, max_party_size=4)
    mine = _post(client, event, phone="13800000121", party_size=2).get_json()["ticket_token"]
    _post(client, event, phone="13800000122", party_size=2)
    url = f"/api/v1/public/tickets/{mine}/party-size"
    grown = client.post(url, json={"party_size": 3})
    assert grown.status_code == 200 and grown.get_json() == {"status": "confirmed", "party_size": 3}
    too_many = client.post(url, json={"party_size": 4})  # 5 seats, 2 + 3 taken: one more is not there
    assert too_many.status_code == 409 and too_many.get_json()["error"]["code"] == "event_full"
    assert "最多还能增加 0 位" not in too_many.get_json()["error"]["message"]
    bad = client.post(url, json={"party_size": 99})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["party_size"] == "人数应为 1 到 4 位"
    assert client.post(url, json={"party_size": "abc"}).status_code == 422
    registration = db.session.scalars(sa.select(Registration).where(Registration.ticket_token == mine)).one()
    assert registration.party_size == 3
    kinds = list(db.session.scalars(sa.select(Notification.kind).where(
        Notification.registration_id == registration.id).order_by(Notification.id)))
    assert kinds == ["registration_confirmed", "party_size_changed"]


def test_a_smaller_party_frees_seats_for_the_waitlist(client, make):
    event = make.event(capacity=4, max_party_size=4)
    big = _post(client, event, phone="13800000131", party_size=4).get_json()["ticket_token"]
    waiting = _post(client, event, phone="13800000132", party_size=2).get_json()
    assert waiting["status"] == "waitlisted"
    assert client.post(f"/api/v1/public/tickets/{big}/party-size", json={"party_size": 2}).status_code == 200
    status = {r.phone: (r.status, r.party_size) for r in db.session.scalars(sa.select(Registration))}
    assert status == {"13800000131": ("confirmed", 2), "13800000132": ("confirmed", 2)}


def test_the_ticket_page_form_changes_the_party_size_and_says_why_not(client, make):
    event = make.event(capacity=3, max_party_size=3)
    registration = make.registration(event, phone="13800000141", party_size=1)
    make.registration(event, phone="13800000142", party_size=1)
    token = registration.ticket_token
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert f'action="/t/{token}/party-size#party-size"' in page
    done = client.post(f"/t/{token}/party-size", data={"party_size": "2"})
    assert done.status_code == 303 and done.headers["Location"].endswith("#party-size")
    assert "参加人数已改为 2 位" in client.get(done.headers["Location"]).get_data(as_text=True)
    refused = client.post(f"/t/{token}/party-size", data={"party_size": "3"})
    assert refused.status_code == 409 and "名额已满，不能增加人数" in refused.get_data(as_text=True)
    tampered = client.post(f"/t/{token}/party-size", data={"party_size": "99"})
    assert tampered.status_code == 422 and "人数应为 1 到 3 位" in tampered.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.party_size == 2


def test_a_checked_in_or_cancelled_ticket_keeps_its_party_size(client, make):
    event = make.event(max_party_size=3)
    checked = make.registration(event, phone="13800000151")
    checked.checked_in_at = utcnow()
    cancelled = make.registration(event, phone="13800000152")
    cancelled.status = "cancelled"
    db.session.commit()
    one = client.post(f"/api/v1/public/tickets/{checked.ticket_token}/party-size", json={"party_size": 2})
    two = client.post(f"/api/v1/public/tickets/{cancelled.ticket_token}/party-size", json={"party_size": 2})
    assert (one.status_code, one.get_json()["error"]["code"]) == (409, "already_checked_in")
    assert (two.status_code, two.get_json()["error"]["code"]) == (409, "invalid_state")


def test_a_cancelled_registration_is_not_told_it_is_registered_when_the_link_goes_again(client, make):
    event = make.event()
    token = _post(client, event, phone="13800000161").get_json()["ticket_token"]
    client.post(f"/api/v1/public/tickets/{token}/cancel")
    assert _post(client, event, phone="13800000161").get_json() == {"status": "already_registered"}
    registration = db.session.scalars(sa.select(Registration)).one()
    body = _resent(registration.id)[0].body
    assert "此前已取消" in body and token in body and "您已报名" not in body


def test_the_cancel_page_of_a_checked_in_ticket_offers_no_cancel_button(client, make):
    registration = make.registration(make.event())
    registration.checked_in_at = utcnow()
    db.session.commit()
    html = client.get(f"/t/{registration.ticket_token}/cancel").get_data(as_text=True)
    assert "已签到的报名不能取消" in html and "确定取消报名</button>" not in html
    refused = client.post(f"/t/{registration.ticket_token}/cancel")
    assert refused.status_code == 409 and "已签到的报名不能取消" in refused.get_data(as_text=True)
