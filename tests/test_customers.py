"""Customers: the phone normal form, create-or-update, search, pages, consents."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.customers.models import Customer
from app.customers.phones import InvalidPhone, normalize_mobile
from app.customers.services import record_consent
from app.extensions import db


@pytest.mark.parametrize("raw", ["13800138000", "+86 138 0013 8000", "+86-138-0013-8000", "0086 13800138000",
                                 "86 13800138000", "138-0013-8000", " 138 0013 8000 ", "(+86) 13800138000"])
def test_mainland_mobiles_in_any_usual_spelling_become_eleven_digits(raw):
    assert normalize_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["", "12345", "1380013800", "138001380001", "16012345678", "02087654321",
                                 "+1 415 555 0100", "abc13800138000", "10000000000"])
def test_anything_else_is_not_a_mobile(raw):
    with pytest.raises(InvalidPhone):
        normalize_mobile(raw)


def test_api_creates_then_updates_by_phone_never_duplicating(client, make):
    outlet = make.outlet("C01")
    owner = make.user("staff", outlet=outlet, username="owner.one")
    headers = make.token_headers(owner)
    first = client.post("/api/v1/customers", headers=headers, json={
        "name": "李娜", "phone": "+86 199 0000 1111", "outlet_code": "C01", "segments": ["family", "young"],
        "tier": "gold", "owner": "owner.one"})
    assert first.status_code == 201
    body = first.get_json()
    assert body["phone"] == "19900001111" and body["segments"] == ["family", "young"] and body["owner"] == "owner.one"
    second = client.post("/api/v1/customers", headers=headers, json={
        "name": "李娜", "phone": "199-0000-1111", "outlet_code": "C01", "tier": "platinum"})
    assert second.status_code == 200
    assert second.get_json()["tier"] == "platinum"
    assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 1
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "customers")
                                      .order_by(AuditEntry.id)))
    assert actions == ["customer_created", "customer_updated"]


def test_api_rejects_a_bad_phone_and_an_unknown_owner_naming_the_fields(client, make):
    outlet = make.outlet("C02")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    make.user("staff", username="elsewhere")  # staff of another outlet
    response = client.post("/api/v1/customers", headers=headers, json={
        "name": "王五", "phone": "12345", "outlet_code": "C02", "owner": "elsewhere"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "手机号" in fields["phone"] and "负责人" in fields["owner"]
    assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 0


def test_search_by_phone_name_and_last_four_digits(client, make):
    outlet = make.outlet()
    headers = make.token_headers(make.user("staff", outlet=outlet))
    make.customer(outlet, name="赵敏", phone="19900002468")
    make.customer(outlet, name="赵云", phone="19900001357")
    make.customer(outlet, name="钱多多", phone="19900009999")

    def names(query):
        return sorted(c["name"] for c in client.get(f"/api/v1/customers?{query}", headers=headers).get_json()["items"])

    assert names("phone=199-0000-2468") == ["赵敏"]
    assert names("q=赵") == ["赵云", "赵敏"]
    assert names("q=1357") == ["赵云"]
    assert names("q=19900009999") == ["钱多多"]
    assert names("phone=not-a-phone") == []


def test_segment_filter_on_the_customer_page(client, auth, make):
    outlet = make.outlet()
    make.user("staff", outlet=outlet, username="pager")
    make.customer(outlet, name="老王", segments=["elderly"])
    make.customer(outlet, name="小李", segments=["young"])
    auth.login("pager")
    page = client.get("/customers?segment=elderly").get_data(as_text=True)
    assert "老王" in page and "小李" not in page
    by_digits = client.get("/customers?q=" + make.customer(outlet, name="孙悟空", phone="19900004321").phone[-4:])
    assert "孙悟空" in by_digits.get_data(as_text=True)


def test_create_form_shows_errors_next_to_fields_and_keeps_input(client, auth, make):
    outlet = make.outlet("F01")
    make.user("staff", outlet=outlet, username="former")
    auth.login("former")
    response = client.post("/customers/new", data={"name": "周杰", "phone": "12345", "outlet_code": "F01",
                                                   "tier": "standard", "owner": "", "segments": ["family"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请填写有效的中国大陆手机号" in html
    assert 'value="周杰"' in html and 'value="12345"' in html
    assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 0
    ok = client.post("/customers/new", data={"name": "周杰", "phone": "19900007777", "outlet_code": "F01",
                                             "tier": "standard", "owner": "", "segments": ["family"],
                                             "is_customer": "y"})
    assert ok.status_code == 303
    customer = db.session.scalars(sa.select(Customer)).one()
    assert customer.segments == ["family"] and customer.is_customer


def test_edit_form_refuses_a_phone_that_belongs_to_another_customer(client, auth, make):
    outlet = make.outlet("E01")
    make.user("staff", outlet=outlet, username="editor")
    first = make.customer(outlet, name="甲", phone="19900000011")
    make.customer(outlet, name="乙", phone="19900000022")
    auth.login("editor")
    response = client.post(f"/customers/{first.id}/edit", data={
        "name": "甲", "phone": "19900000022", "outlet_code": "E01", "tier": "standard", "owner": ""})
    assert "本网点已有客户使用该手机号" in response.get_data(as_text=True)
    db.session.refresh(first)
    assert first.phone == "19900000011"


def test_edit_form_saves_what_the_page_sends_which_has_no_outlet_field(client, auth, make):
    outlet = make.outlet("E02")
    make.user("staff", outlet=outlet, username="editor2")
    customer = make.customer(outlet, name="丙", phone="19900000033")
    auth.login("editor2")
    page = client.get(f"/customers/{customer.id}/edit").get_data(as_text=True)
    assert 'name="outlet_code"' not in page
    response = client.post(f"/customers/{customer.id}/edit", data={
        "name": "丙（改）", "phone": "19900000033", "tier": "standard", "owner": "", "is_customer": "y"})
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).get_data(as_text=True).count("已保存") == 1
    db.session.refresh(customer)
    assert customer.name == "丙（改）" and customer.outlet_id == outlet.id


def test_customer_page_lists_consents_with_version(client, auth, make):
    outlet = make.outlet()
    make.user("staff", outlet=outlet, username="viewer")
    customer = make.customer(outlet, name="钱七")
    record_consent(customer, purpose="活动报名与后续服务联系", text_version="2026-11", channel="registration")
    db.session.commit()
    auth.login("viewer")
    html = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "活动报名与后续服务联系" in html and "2026-11" in html


def test_prospects_are_customers_with_is_customer_false(client, make):
    outlet = make.outlet()
    headers = make.token_headers(make.user("staff", outlet=outlet))
    make.customer(outlet, name="潜客甲", is_customer=False)
    make.customer(outlet, name="客户乙")
    items = client.get("/api/v1/customers?is_customer=false", headers=headers).get_json()["items"]
    assert [c["name"] for c in items] == ["潜客甲"]
