"""Redeeming a voucher at the counter: once only, only one's own, never expired or void; masked holders."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.alliance.models import Voucher
from app.audit.models import AuditEntry
from app.events.registration import cancel_registration
from app.extensions import db
from app.timefmt import local_today
from tests.alliance.conftest import make_offer

URL = "/api/v1/partner/redemptions"


def test_redeeming_answers_with_the_offer_and_a_masked_holder(client, scene, make):
    headers = make.token_headers(scene.partner_user)
    spaced = f"{scene.voucher.code[:4].lower()} {scene.voucher.code[4:]}"
    response = client.post(URL, json={"code": spaced, "amount_spent": "128.5"}, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["result"] == "redeemed"
    assert body["voucher"]["offer_title"] == scene.offer.title
    assert body["voucher"]["customer"] == "张**" and body["voucher"]["phone"] == "138****1234"
    assert body["voucher"]["amount_spent"] == 128.5
    assert "13812341234" not in response.get_data(as_text=True) and "张三丰" not in response.get_data(as_text=True)
    db.session.refresh(scene.voucher)
    assert scene.voucher.redeemed_at is not None and scene.voucher.amount_spent == Decimal("128.50")
    assert scene.voucher.redeemed_by_id == scene.partner_user.id
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "voucher_redeemed")).one()
    assert "1381234" not in str(entry.details)


def test_a_second_redemption_is_409_with_the_time_of_the_first(client, scene, make):
    headers = make.token_headers(scene.partner_user)
    first = client.post(URL, json={"code": scene.voucher.code}, headers=headers).get_json()
    again = client.post(URL, json={"code": scene.voucher.code}, headers=headers)
    assert again.status_code == 409
    body = again.get_json()
    assert body["result"] == "already_redeemed" and body["error"]["code"] == "already_redeemed"
    assert body["redeemed_at"] == first["voucher"]["redeemed_at"] and body["redeemed_at"].endswith("+08:00")
    assert "使用过" in body["error"]["message"]


def test_unknown_and_mistyped_codes_are_404(client, scene, make):
    headers = make.token_headers(scene.partner_user)
    code = scene.voucher.code
    typo = code[:3] + ("A" if code[3] != "A" else "C") + code[4:]
    for sent in ("ACDEFGHJ" + "K", typo, "hello", "https://x.test/t/abc"):
        response = client.post(URL, json={"code": sent}, headers=headers)
        assert response.status_code == 404, sent
        assert response.get_json()["result"] == "not_found"
    assert "门票" in client.post(URL, json={"code": "https://x.test/t/abc"}, headers=headers).get_json()[
        "error"]["message"]


def test_another_partners_voucher_is_403_and_stays_unused(client, scene, make):
    other = make.user("partner", partner=make.partner(category="cafe"))
    response = client.post(URL, json={"code": scene.voucher.code}, headers=make.token_headers(other))
    assert response.status_code == 403
    body = response.get_json()
    assert body["result"] == "other_partner" and body["error"]["code"] == "voucher_other_partner"
    assert "张" not in response.get_data(as_text=True)
    db.session.refresh(scene.voucher)
    assert scene.voucher.redeemed_at is None


def test_expired_vouchers_are_410(client, scene, make):
    scene.offer.valid_from = local_today() - timedelta(days=10)
    scene.offer.valid_until = local_today() - timedelta(days=1)
    db.session.commit()
    response = client.post(URL, json={"code": scene.voucher.code}, headers=make.token_headers(scene.partner_user))
    assert response.status_code == 410
    assert response.get_json()["result"] == "expired" and response.get_json()["error"]["code"] == "voucher_expired"


def test_vouchers_of_cancelled_registrations_are_void_410(client, scene, make):
    cancel_registration(scene.registration)
    db.session.commit()
    response = client.post(URL, json={"code": scene.voucher.code}, headers=make.token_headers(scene.partner_user))
    assert response.status_code == 410
    assert response.get_json()["result"] == "void" and response.get_json()["error"]["code"] == "voucher_void"


def test_a_deactivated_offer_still_honours_issued_vouchers(client, scene, make):
    scene.offer.active = False
    db.session.commit()
    response = client.post(URL, json={"code": scene.voucher.code}, headers=make.token_headers(scene.partner_user))
    assert response.status_code == 201


def test_a_bad_amount_is_422_and_redeems_nothing(client, scene, make):
    headers = make.token_headers(scene.partner_user)
    for amount in ("abc", "-1", "99999999"):
        response = client.post(URL, json={"code": scene.voucher.code, "amount_spent": amount}, headers=headers)
        assert response.status_code == 422 and "amount_spent" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(Voucher.redeemed_at).where(Voucher.id == scene.voucher.id)) is None
    assert client.post(URL, json={}, headers=headers).status_code == 422


def test_bank_roles_cannot_redeem(client, scene, make):
    admin = make.user("admin")
    assert client.post(URL, json={"code": scene.voucher.code}, headers=make.token_headers(admin)).status_code == 403
    assert client.post(URL, json={"code": scene.voucher.code}).status_code == 401


def test_nothing_logged_carries_a_full_number(client, scene, make, caplog):
    other = make.partner(category="cafe")
    make_offer(other)
    with caplog.at_level(logging.DEBUG):
        headers = make.token_headers(scene.partner_user)
        client.post(URL, json={"code": scene.voucher.code}, headers=headers)
        client.post(URL, json={"code": scene.voucher.code}, headers=headers)
        client.get("/api/v1/partner/stats", headers=headers)
    assert "13812341234" not in caplog.text and "张三丰" not in caplog.text
