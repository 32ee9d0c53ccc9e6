"""Invitations: who is invited and why the others are skipped; the text; the referral it carries."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.customers.models import MARKETING_PURPOSE, Consent
from app.customers.queries import has_marketing_consent, marketing_consent_ids
from app.events.models import Registration
from app.extensions import db
from app.models import utcnow
from app.notify.models import Notification
from app.notify.services import notify, record_opt_out
from app.sms_text import MAX_SMS_CHARS


def _invitations() -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.kind == "invitation")
                                   .order_by(Notification.id)))


def _setup(make):
    outlet = make.outlet("IV", name="滨江支行（测试）")
    staff = make.user("staff", outlet=outlet, name="林晓")
    event = make.event(outlet, title="亲子财商课（测试）")
    people = {}
    for key, phone in (("yes", "13900001001"), ("never", "13900001002"), ("opted", "13900001003"),
                       ("registered", "13900001004"), ("recent", "13900001005"), ("withdrawn", "13900001006")):
        people[key] = make.customer(outlet, name=f"客户{key}", phone=phone, segments=["family"],
                                    marketing_consent=None if key == "never" else "是")
    db.session.execute(sa.update(Consent).where(Consent.customer_id == people["withdrawn"].id)
                       .values(withdrawn_at=utcnow()))
    record_opt_out("13900001003", "R")
    make.registration(event, name="已报名", phone="13900001004")
    earlier = notify("invitation", "13900001005", "之前的邀请", event=make.event(outlet))
    db.session.flush()
    earlier.created_at = utcnow() - timedelta(days=3)
    elsewhere = make.outlet("IW")
    make.customer(elsewhere, name="别处", phone="13900001001", segments=["family"], marketing_consent="是")
    db.session.commit()
    return outlet, staff, event, people


def test_only_consenting_reachable_new_people_are_invited_and_the_others_counted(client, make):
    _outlet, staff, event, people = _setup(make)
    # Replying R also withdrew that person's consent (personal_data listens to the opt-out).
    assert marketing_consent_ids([c.id for c in people.values()]) == {
        people[k].id for k in ("yes", "registered", "recent")}
    headers = make.token_headers(staff)
    response = client.post(f"/api/v1/events/{event.id}/invitations", json={"segments": ["family"]}, headers=headers)
    assert response.status_code == 202, response.get_json()
    assert response.get_json() == {"queued": 1, "skipped": {
        "no_consent": 2, "opted_out": 1, "already_registered": 1, "recently_invited": 1}}
    sent = [m for m in _invitations() if m.event_id == event.id]
    assert [m.recipient for m in sent] == ["13900001001"]
    text = sent[0].body
    assert text.startswith("【网点活动通】") and text.endswith("拒收请回复R") and len(text) <= MAX_SMS_CHARS
    assert f"?ref={staff.referral_code}" in text and "亲子财商课（测试）" in text

    again = client.post(f"/api/v1/events/{event.id}/invitations",
                        json={"customer_ids": [people["yes"].id]}, headers=headers)
    assert again.get_json() == {"queued": 0, "skipped": {
        "no_consent": 0, "opted_out": 0, "already_registered": 0, "recently_invited": 1}}

    # The invited person signs up through the link: the staff member's referral is counted.
    url = re.search(r"https?://\S+", text).group(0)
    ref = url.split("ref=")[1]
    slug = url.split("/e/")[1].split("?")[0]
    signed_up = client.post(f"/api/v1/public/events/{slug}/registrations", json={
        "name": "客户yes", "phone": "13900001001", "consent": True, "ref": ref})
    assert signed_up.status_code == 201
    registration = db.session.scalar(sa.select(Registration).where(Registration.phone == "13900001001"))
    assert registration.referrer_user_id == staff.id
    stats = client.get(f"/api/v1/events/{event.id}/stats", headers=headers).get_json()
    assert stats["referrals"] == 1


def test_picked_customers_and_bad_requests(client, make):
    outlet, staff, event, people = _setup(make)
    headers = make.token_headers(staff)
    url = f"/api/v1/events/{event.id}/invitations"
    assert client.post(url, json={}, headers=headers).status_code == 422
    bad_segment = client.post(url, json={"segments": ["nobody"]}, headers=headers)
    assert bad_segment.status_code == 422 and "segments" in bad_segment.get_json()["error"]["fields"]
    stranger = make.customer(make.outlet("IX"), phone="13900009999", marketing_consent="是")
    other = client.post(url, json={"customer_ids": [stranger.id]}, headers=headers)
    assert other.status_code == 422 and "customer_ids" in other.get_json()["error"]["fields"]
    picked = client.post(url, json={"customer_ids": [people["yes"].id, people["never"].id]}, headers=headers)
    assert picked.status_code == 202 and picked.get_json()["queued"] == 1
    assert picked.get_json()["skipped"]["no_consent"] == 1
    draft = make.event(outlet, publish=False)
    refused = client.post(f"/api/v1/events/{draft.id}/invitations", json={"segments": ["family"]}, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_state"
    outsider = make.token_headers(make.user("staff", outlet=make.outlet("IY")))
    assert client.post(url, json={"segments": ["family"]}, headers=outsider).status_code == 404


def test_withdrawn_consent_does_not_count(make):
    outlet = make.outlet("IZ")
    customer = make.customer(outlet, phone="13900008001", marketing_consent="1")
    assert db.session.scalar(sa.select(has_marketing_consent(customer.id)))
    consent = db.session.scalar(sa.select(Consent).where(Consent.customer_id == customer.id,
                                                         Consent.purpose == MARKETING_PURPOSE))
    consent.withdrawn_at = utcnow()
    db.session.commit()
    assert not db.session.scalar(sa.select(has_marketing_consent(customer.id)))


def _post(client, url: str, data: dict) -> str:
    response = client.post(url, data=data)
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_event_page_invites_and_lists_the_messages(client, make, auth):
    _outlet, staff, event, _people = _setup(make)
    auth.login(staff.username)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "邀请客户" in page and 'name="segments"' in page and "短信记录" in page
    html = _post(client, f"/events/{event.id}/invitations", {"segments": ["family"]})
    assert "已发出邀请 1 条" in html and "未同意接收邀请 2 位" in html and "已退订 1 位" in html
    assert "活动邀请" in html and "139****1001" in html and "13900001001" not in html.split("短信记录")[1]
    pasted = _post(client, f"/events/{event.id}/invitations", {"customers": "13900001002\n138 0013 8000"})
    assert "本网点没有这些手机号的客户：13800138000" in pasted
    junk = _post(client, f"/events/{event.id}/invitations", {"customers": "abc"})
    assert "无法识别" in junk
    nothing = _post(client, f"/events/{event.id}/invitations", {})
    assert "请选择客群或客户" in nothing


def test_messages_api_masks_numbers_for_the_outlet_only(client, make):
    _outlet, staff, event, _people = _setup(make)
    headers = make.token_headers(staff)
    items = client.get(f"/api/v1/events/{event.id}/messages", headers=headers).get_json()["items"]
    assert items and {i["kind"] for i in items} == {"registration_confirmed"}
    assert items[0]["to"] == "139****1004" and items[0]["status"] == "pending" and items[0]["attempts"] == 0
    assert set(items[0]) == {"id", "kind", "to", "status", "attempts", "sent_at"}
    outsider = make.token_headers(make.user("staff", outlet=make.outlet("IQ")))
    assert client.get(f"/api/v1/events/{event.id}/messages", headers=outsider).status_code == 404


def test_pasted_numbers_are_read_in_every_usual_form(app):
    from app.events.services import parse_picked

    ids, phones = parse_picked("13900001001,139-0000-1002，+86 139 0000 1003\n12 34、56;78")
    assert phones == ["13900001001", "13900001002", "13900001003"] and ids == [12, 34, 56, 78]
