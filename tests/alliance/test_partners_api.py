"""The bank's partner and offer API (API.md): who may do what, validation per field, limits."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.alliance.models import Offer, Partner
from app.extensions import db
from app.timefmt import local_today


def _dates(days: int = 60) -> dict:
    today = local_today()
    return {"valid_from": today.isoformat(), "valid_until": (today + timedelta(days=days)).isoformat()}


def test_admin_creates_partners_with_keys_or_chinese_category_names(client, make):
    headers = make.token_headers(make.user("admin"))
    response = client.post("/api/v1/partners", headers=headers, json={
        "code": "P-CAKE", "name": "甜心蛋糕（测试）", "category": "bakery", "address": "示例路 1 号",
        "contact_name": "李店长", "contact_phone": "0577-8888 1234", "agreement_start": "2026-01-01",
        "agreement_end": "2026-12-31"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["code"] == "P-CAKE" and body["status"] == "active" and body["category_name"] == "烘焙"
    assert body["agreement_end"] == "2026-12-31"
    second = client.post("/api/v1/partners", headers=headers,
                         json={"code": "P-TEA", "name": "茶歇（测试）", "category": "咖啡茶饮"})
    assert second.status_code == 201 and second.get_json()["category"] == "cafe"
    listed = client.get("/api/v1/partners", headers=make.token_headers(make.user("staff"))).get_json()
    assert [p["code"] for p in listed["items"]] == ["P-CAKE", "P-TEA"]
    assert client.get("/api/v1/partners?category=cafe", headers=headers).get_json()["items"][0]["code"] == "P-TEA"


def test_partner_validation_duplicates_and_permissions(client, make):
    admin = make.token_headers(make.user("admin"))
    bad = client.post("/api/v1/partners", headers=admin, json={
        "code": "x", "name": "", "category": "casino", "agreement_start": "2026-06-01",
        "agreement_end": "2026-01-01"})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) >= {"code", "name", "category"}
    dates = client.post("/api/v1/partners", headers=admin, json={
        "code": "P-OK", "name": "好店", "category": "cafe", "agreement_start": "2026-06-01",
        "agreement_end": "2026-01-01"})
    assert dates.status_code == 422 and "agreement_end" in dates.get_json()["error"]["fields"]
    assert client.post("/api/v1/partners", headers=admin, json={
        "code": "performance", "name": "保留字", "category": "cafe"}).status_code == 422
    assert client.post("/api/v1/partners", headers=admin,
                       json={"code": "P-1", "name": "一号", "category": "cafe"}).status_code == 201
    duplicate = client.post("/api/v1/partners", headers=admin,
                            json={"code": "P-1", "name": "又一号", "category": "cafe"})
    assert duplicate.status_code == 409 and duplicate.get_json()["error"]["code"] == "partner_exists"
    manager = make.token_headers(make.user("manager"))
    assert client.post("/api/v1/partners", headers=manager,
                       json={"code": "P-2", "name": "二号", "category": "cafe"}).status_code == 403
    patched = client.patch("/api/v1/partners/P-1", headers=admin, json={"status": "paused"})
    assert patched.status_code == 200 and patched.get_json()["status"] == "paused"
    assert client.patch("/api/v1/partners/P-1", headers=manager, json={"status": "active"}).status_code == 403
    assert client.get("/api/v1/partners/NOPE", headers=admin).status_code == 404


def test_managers_add_offers_and_staff_may_not(client, make):
    partner = make.partner(code="P-BK")
    manager = make.token_headers(make.user("manager"))
    body = {"title": "烘焙课 8 折（测试）", "issue_on": "registration", "total_limit": 50, "per_customer_limit": 1,
            "terms": "周末可用", "value": 40, "cost_share": "shared", "bank_share_percent": 60, **_dates()}
    response = client.post("/api/v1/partners/P-BK/offers", headers=manager, json=body)
    assert response.status_code == 201, response.get_json()
    offer = response.get_json()
    assert offer["id"] and offer["partner_code"] == "P-BK" and offer["total_limit"] == 50
    assert offer["value"] == 40.0 and offer["bank_share_percent"] == 60 and offer["issued"] == 0
    staff = make.token_headers(make.user("staff"))
    assert client.post("/api/v1/partners/P-BK/offers", headers=staff, json=body).status_code == 403
    listed = client.get("/api/v1/partners/P-BK/offers", headers=staff).get_json()["items"]
    assert [o["title"] for o in listed] == ["烘焙课 8 折（测试）"]
    assert db.session.scalar(sa.select(Offer.partner_id)) == partner.id


def test_offer_validation_names_each_field(client, make):
    make.partner(code="P-V")
    admin = make.token_headers(make.user("admin"))
    today = local_today()
    response = client.post("/api/v1/partners/P-V/offers", headers=admin, json={
        "title": "x", "issue_on": "checkin", "valid_from": today.isoformat(),
        "valid_until": (today - timedelta(days=1)).isoformat(), "cost_share": "shared"})
    fields = response.get_json()["error"]["fields"]
    assert response.status_code == 422 and set(fields) == {"valid_until", "bank_share_percent"}
    response = client.post("/api/v1/partners/P-V/offers", headers=admin, json={
        "title": "x", "issue_on": "sometime", "total_limit": 0, **_dates()})
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"issue_on", "total_limit"}
    assert client.post("/api/v1/partners/NOPE/offers", headers=admin,
                       json={"title": "x", "issue_on": "checkin", **_dates()}).status_code == 404


def test_deactivating_an_offer_and_the_limit_floor(client, scene, make):
    admin = make.token_headers(make.user("admin"))
    url = f"/api/v1/partners/{scene.partner.code}/offers/{scene.offer.id}"
    low = client.patch(url, headers=admin, json={"total_limit": 1})  # one voucher already issued: allowed
    assert low.status_code == 200 and low.get_json()["issued"] == 1
    make.registration(scene.event, phone="13900000001")  # the limit is reached: no second voucher
    assert client.get(f"/api/v1/partners/{scene.partner.code}/offers", headers=admin).get_json()[
        "items"][0]["issued"] == 1
    assert client.patch(url, headers=admin, json={"total_limit": None}).status_code == 200
    off = client.patch(url, headers=admin, json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert db.session.get(Offer, scene.offer.id).active is False
    other = make.partner()
    assert client.patch(f"/api/v1/partners/{other.code}/offers/{scene.offer.id}", headers=admin,
                        json={"active": True}).status_code == 404


def test_limit_cannot_drop_below_vouchers_issued(client, scene, make):
    make.registration(scene.event, phone="13900000002")
    admin = make.token_headers(make.user("admin"))
    response = client.patch(f"/api/v1/partners/{scene.partner.code}/offers/{scene.offer.id}", headers=admin,
                            json={"total_limit": 1})
    assert response.status_code == 422 and "2" in response.get_json()["error"]["fields"]["total_limit"]


def test_partners_are_reference_data_for_every_bank_role_but_not_partners(client, make):
    make.partner()
    partner_user = make.user("partner")
    assert client.get("/api/v1/partners", headers=make.token_headers(partner_user)).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Partner.id))) == 2
