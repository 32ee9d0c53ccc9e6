"""Vouchers: readable unguessable codes, issued in the registration transaction, within every limit."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.alliance.models import Voucher
from app.alliance.services import check_character, issue_vouchers, new_voucher_code, normalize_code, voucher_state
from app.events.registration import cancel_registration
from app.extensions import db
from app.timefmt import local_today
from app.tokens import READABLE_ALPHABET
from tests.alliance.conftest import attach, make_offer, vouchers_of


def test_codes_are_readable_with_a_check_character_that_catches_typos(app_ctx):
    codes = {new_voucher_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 9 and set(code) <= set(READABLE_ALPHABET)
        assert not set(code) & set("0O1IL2Z5S8B")
        assert normalize_code(code) == code
    code = next(iter(codes))
    assert normalize_code(f" {code[:4].lower()}-{code[4:]} ") == code  # spaces, dashes, lower case are fine
    for i in range(9):  # any single changed character is caught by the check character
        wrong = next(c for c in READABLE_ALPHABET if c != code[i])
        assert normalize_code(code[:i] + wrong + code[i + 1:]) is None
    assert normalize_code(code[:-1]) is None
    assert normalize_code("https://example.test/t/abc") is None
    assert check_character(code[:-1]) == code[-1]


def test_a_confirmed_registration_gets_one_voucher_per_offer(make):
    partner = make.partner()
    first, second = make_offer(partner, title="A"), make_offer(partner, title="B")
    at_door = make_offer(partner, title="到场领取", issue_on="checkin")
    event = make.event(capacity=5)
    attach(event, first, second, at_door)
    registration = make.registration(event)
    assert sorted(v.offer.title for v in vouchers_of(registration)) == ["A", "B"]
    # The check-in helper calls the same function with "checkin"; twice issues nothing more.
    assert [v.offer.title for v in issue_vouchers(registration, "checkin")] == ["到场领取"]
    assert issue_vouchers(registration, "checkin") == []
    assert issue_vouchers(registration, "registration") == []
    db.session.commit()
    assert len(vouchers_of(registration)) == 3


def test_waitlisted_people_get_vouchers_only_when_promoted(make):
    partner = make.partner()
    offer = make_offer(partner)
    event = make.event(capacity=1, waitlist=True)
    attach(event, offer)
    first = make.registration(event, phone="13800000001")
    second = make.registration(event, phone="13800000002")
    assert second.status == "waitlisted" and vouchers_of(second) == []
    cancel_registration(first)
    db.session.commit()
    assert second.status == "confirmed" and len(vouchers_of(second)) == 1
    assert voucher_state(vouchers_of(first)[0]) == "void"


def test_total_and_per_customer_limits_hold(make):
    partner = make.partner()
    limited = make_offer(partner, title="限量 2 张", total_limit=2)
    once = make_offer(partner, title="每人 1 张", per_customer_limit=1)
    event, other = make.event(capacity=10), make.event(capacity=10)
    attach(event, limited, once)
    attach(other, once)
    for i in range(4):
        make.registration(event, phone=f"1380000010{i}")
    assert db.session.scalar(sa.select(sa.func.count()).where(Voucher.offer_id == limited.id)) == 2
    # The same person at a second event carrying the same offer gets no second voucher of it.
    again = make.registration(other, phone="13800000100")
    assert vouchers_of(again) == []


def test_expired_inactive_and_paused_offers_issue_nothing(make):
    partner, paused = make.partner(), make.partner()
    today = local_today()
    expired = make_offer(partner, title="过期", valid_from=today - timedelta(days=30),
                         valid_until=today - timedelta(days=1))
    future = make_offer(partner, title="未开始", valid_from=today + timedelta(days=3))
    inactive = make_offer(partner, title="停用", active=False)
    of_paused = make_offer(paused, title="暂停商户")
    paused.status = "paused"
    db.session.commit()
    event = make.event()
    attach(event, expired, future, inactive, of_paused)
    assert vouchers_of(make.registration(event)) == []


def test_voucher_state_follows_the_registration_and_the_offer(scene):
    assert voucher_state(scene.voucher) == "unused"
    scene.offer.valid_until = local_today() - timedelta(days=1)
    scene.offer.valid_from = local_today() - timedelta(days=5)
    db.session.commit()
    assert voucher_state(scene.voucher) == "expired"
    scene.event.status = "cancelled"
    db.session.commit()
    assert voucher_state(scene.voucher) == "void"


def test_the_ticket_lists_vouchers_and_shows_a_used_one_as_used(client, scene, make):
    token = scene.registration.ticket_token
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert scene.voucher.code in html and "麦香坊烘焙（测试）" in html and scene.offer.terms in html
    assert f"/t/{token}/vouchers/{scene.voucher.code}/qr.png" in html
    qr = client.get(f"/t/{token}/vouchers/{scene.voucher.code}/qr.png")
    assert qr.status_code == 200 and qr.mimetype == "image/png"
    headers = make.token_headers(scene.partner_user)
    assert client.post("/api/v1/partner/redemptions", json={"code": scene.voucher.code},
                       headers=headers).status_code == 201
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "voucher--used" in html and "已使用" in html
    ticket = client.get(f"/api/v1/public/tickets/{token}").get_json()
    assert ticket["vouchers"][0]["status"] == "redeemed"
    assert ticket["vouchers"][0]["partner_name"] == "麦香坊烘焙（测试）"


def test_every_swap_of_neighbours_is_caught(app_ctx):
    for _ in range(50):
        code = new_voucher_code()
        for i in range(8):
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            if swapped != code:
                assert normalize_code(swapped) is None, (code, swapped)


def test_a_voucher_qr_is_reachable_only_through_its_own_ticket(client, scene, make):
    other = make.registration(scene.event, name="李四", phone="13812345678")
    assert client.get(f"/t/{other.ticket_token}/vouchers/{scene.voucher.code}/qr.png").status_code == 404
    assert client.get(f"/t/{scene.registration.ticket_token}/vouchers/ABCDEFGHJ/qr.png").status_code == 404
