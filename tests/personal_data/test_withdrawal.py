"""Withdrawing marketing consent: by ticket (page and API) and by SMS reply; outreach stops, own messages go."""

from __future__ import annotations

import sqlalchemy as sa

from app.customers.models import MARKETING_PURPOSE, Consent, Customer
from app.customers.services import marketing_withdrawn
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.models import utcnow
from app.notify.models import Notification
from app.notify.services import record_opt_out

PHONE = "19912340001"


def _marketing(customer: Customer) -> None:
    db.session.add(Consent(customer_id=customer.id, purpose=MARKETING_PURPOSE, text_version="2026-11-v1",
                           channel="registration", given_at=utcnow()))
    db.session.commit()


def _standing(phone: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(Consent.id)).join(Customer).where(
        Customer.phone == phone, Consent.purpose == MARKETING_PURPOSE, Consent.withdrawn_at.is_(None)))


def test_withdrawing_by_ticket_closes_follow_ups_in_every_outlet_and_keeps_own_messages(client, make, happen):
    here, there = make.outlet(), make.outlet()
    past = make.event(here)
    registration = make.registration(past, name="赵敏", phone=PHONE)
    elsewhere = make.customer(there, name="赵敏", phone=PHONE)
    _marketing(registration.customer)
    _marketing(elsewhere)
    happen.move_to_past(past)
    happen.check_in(registration)
    finish_event(past)
    upcoming = make.event(here)
    make.registration(upcoming, name="赵敏", phone=PHONE)
    pending_before = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.recipient == PHONE, Notification.status == "pending"))
    assert _standing(PHONE) == 2 and pending_before >= 1

    response = client.post(f"/api/v1/public/tickets/{registration.ticket_token}/withdraw-consent")
    assert response.status_code == 200 and response.get_json() == {"marketing": False}
    assert _standing(PHONE) == 0
    item = db.session.scalars(sa.select(FollowUp).where(FollowUp.registration_id == registration.id)).one()
    assert item.status == "closed" and item.closed_reason == "consent_withdrawn"
    # Messages about the person's own registrations still go.
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.recipient == PHONE, Notification.status == "pending")) == pending_before
    assert client.post("/api/v1/public/tickets/nosuchtoken0000000000/withdraw-consent").status_code == 404


def test_finishing_after_a_withdrawal_makes_no_outreach(client, make, happen, auth):
    outlet = make.outlet()
    staff = make.user("staff", outlet=outlet, username="wd.staff")
    event = make.event(outlet, owner=staff)
    person = make.registration(event, name="钱多多", phone=PHONE)
    other = make.registration(event, name="孙悟空", phone="19912340002")
    client.post(f"/api/v1/public/tickets/{person.ticket_token}/withdraw-consent")
    assert marketing_withdrawn([person.customer_id, other.customer_id]) == {person.customer_id}
    happen.move_to_past(event)
    happen.check_in(person)
    happen.check_in(other)
    assert finish_event(event) == 2  # the event's lists stay whole
    items = {f.registration_id: f for f in db.session.scalars(sa.select(FollowUp))}
    assert items[person.id].status == "closed" and items[person.id].closed_reason == "consent_withdrawn"
    assert items[other.id].status == "open" and items[other.id].closed_reason is None
    auth.login("wd.staff")
    todo = client.get("/followups?status=open").get_data(as_text=True)
    assert "孙悟空" in todo and "钱多多" not in todo  # nobody is asked to call them
    page = client.get(f"/followups/{items[person.id].id}").get_data(as_text=True)
    assert "本人已撤回营销授权，不再跟进" in page
    shown = client.get(f"/customers/{person.customer_id}").get_data(as_text=True)
    assert "本人已撤回营销授权，不再跟进" in shown and "已撤回" in shown


def test_an_sms_opt_out_withdraws_marketing_consent(make):
    customer = make.customer(make.outlet(), name="周芷若", phone=PHONE)
    _marketing(customer)
    record_opt_out(PHONE, "退订")
    db.session.commit()
    assert _standing(PHONE) == 0
    assert marketing_withdrawn([customer.id]) == {customer.id}


def test_consent_given_again_after_a_withdrawal_stands(make):
    outlet = make.outlet()
    again = make.customer(outlet, name="周芷若", phone=PHONE)
    withdrawn = make.customer(outlet, name="赵敏", phone="19912340003")
    never = make.customer(outlet, name="小昭", phone="19912340004")
    for customer in (again, withdrawn):
        _marketing(customer)
    record_opt_out(PHONE, "退订")
    record_opt_out("19912340003", "退订")
    db.session.commit()
    _marketing(again)  # ticked the box again at a later registration
    assert marketing_withdrawn([again.id, withdrawn.id, never.id]) == {withdrawn.id}


def test_the_ticket_page_links_to_withdrawal_and_the_form_withdraws(client, make):
    event = make.event(make.outlet())
    registration = make.registration(event, name="李莫愁", phone=PHONE)
    _marketing(registration.customer)
    token = registration.ticket_token
    ticket = client.get(f"/t/{token}").get_data(as_text=True)
    assert f"/t/{token}/privacy" in ticket
    page = client.get(f"/t/{token}/privacy").get_data(as_text=True)
    assert "确认撤回营销授权" in page and "仍会发送" in page
    posted = client.post(f"/t/{token}/withdraw-consent")
    assert posted.status_code == 303 and posted.location.endswith(f"/t/{token}/privacy")
    done = client.get(posted.location)
    assert "已撤回营销授权" in done.get_data(as_text=True)
    assert "您目前没有营销授权" in done.get_data(as_text=True)
    assert _standing(PHONE) == 0
    assert client.get("/t/nosuchtoken0000000000/privacy").status_code == 404
    assert client.post("/t/nosuchtoken0000000000/withdraw-consent").status_code == 404


def test_a_withdrawal_stops_the_next_invitation(client, make):
    """Withdrawn by ticket, or by replying R to an SMS: the outlet's next invitation skips that person."""
    outlet = make.outlet()
    staff = make.user("staff", outlet=outlet, username="wd.inviter")
    past = make.event(outlet)
    by_ticket = make.registration(past, name="周芷若", phone=PHONE)
    by_reply = make.customer(outlet, name="殷离", phone="19912340003", segments=["family"])
    staying = make.customer(outlet, name="小昭", phone="19912340004", segments=["family"])
    for customer in (by_ticket.customer, by_reply, staying):
        _marketing(customer)
    upcoming = make.event(outlet)
    headers = make.token_headers(staff)
    ids = [by_ticket.customer_id, by_reply.id, staying.id]

    assert client.post(f"/api/v1/public/tickets/{by_ticket.ticket_token}/withdraw-consent").status_code == 200
    record_opt_out("19912340003", "R")  # what the signed reply endpoint records
    db.session.commit()

    response = client.post(f"/api/v1/events/{upcoming.id}/invitations", json={"customer_ids": ids}, headers=headers)
    assert response.status_code == 202, response.get_json()
    assert response.get_json() == {"queued": 1, "skipped": {
        "no_consent": 1, "opted_out": 1, "already_registered": 0, "recently_invited": 0}}
    invited = db.session.scalars(sa.select(Notification.recipient).where(
        Notification.kind == "invitation", Notification.event_id == upcoming.id)).all()
    assert invited == ["19912340004"]
