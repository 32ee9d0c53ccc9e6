"""A staff member of outlet B never sees or touches outlet A's data (API and pages).

Each feature adds its kinds of outlet-owned data here.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.customers.models import Customer
from app.extensions import db


@pytest.fixture
def two_outlets(make):
    a, b = make.outlet("SA"), make.outlet("SB")
    customer_a = make.customer(a, name="甲网点客户", phone="19900005001")
    staff_b = make.user("staff", outlet=b, username="b.staff")
    manager_b = make.user("manager", outlet=b, username="b.manager")
    return {"a": a, "b": b, "customer_a": customer_a, "staff_b": staff_b, "manager_b": manager_b}


def test_api_customer_search_is_empty_for_another_outlets_customers(client, make, two_outlets):
    headers = make.token_headers(two_outlets["staff_b"])
    assert client.get("/api/v1/customers?q=甲网点", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/customers?phone=19900005001", headers=headers).get_json()["items"] == []
    assert client.get("/api/v1/customers?q=5001", headers=headers).get_json()["items"] == []


def test_api_refuses_creating_or_updating_a_customer_in_another_outlet(client, make, two_outlets):
    headers = make.token_headers(two_outlets["staff_b"])
    response = client.post("/api/v1/customers", headers=headers,
                           json={"name": "改名", "phone": "19900005001", "outlet_code": "SA"})
    assert response.status_code == 403
    db.session.refresh(two_outlets["customer_a"])
    assert two_outlets["customer_a"].name == "甲网点客户"


@pytest.mark.parametrize("path", ["/customers/{id}", "/customers/{id}/edit"])
def test_pages_for_another_outlets_customer_are_404(client, auth, two_outlets, path):
    auth.login("b.staff")
    response = client.get(path.format(id=two_outlets["customer_a"].id))
    assert response.status_code == 404


def test_edit_post_to_another_outlets_customer_is_404_and_changes_nothing(client, auth, two_outlets):
    auth.login("b.manager")
    customer = two_outlets["customer_a"]
    response = client.post(f"/customers/{customer.id}/edit",
                           data={"name": "被改", "phone": "19900005001", "tier": "gold", "owner": ""})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(Customer.name).where(Customer.id == customer.id)) == "甲网点客户"


def test_customer_list_page_and_counts_exclude_another_outlet(client, auth, two_outlets, make):
    make.customer(two_outlets["b"], name="乙网点客户")
    auth.login("b.staff")
    html = client.get("/customers").get_data(as_text=True)
    assert "乙网点客户" in html and "甲网点客户" not in html
    assert "共 1 位" in html


def test_create_form_offers_only_the_users_outlet(client, auth, two_outlets):
    auth.login("b.staff")
    html = client.get("/customers/new").get_data(as_text=True)
    assert 'value="SB"' in html and 'value="SA"' not in html
    response = client.post("/customers/new", data={"name": "越权", "phone": "19900005002", "outlet_code": "SA",
                                                   "tier": "standard", "owner": ""})
    assert response.status_code == 200  # refused as an invalid choice, nothing written
    assert db.session.scalar(sa.select(sa.func.count(Customer.id)).where(Customer.name == "越权")) == 0


def test_manager_import_into_another_outlet_reports_rows_as_forbidden(client, auth, two_outlets):
    import io

    auth.login("b.manager")
    csv = "name,phone,outlet\n越权导入,19900005003,SA\n".encode()
    response = client.post("/customers/import", data={"file": (io.BytesIO(csv), "x.csv"), "outlet_code": "SB"},
                           content_type="multipart/form-data")
    assert "错误 1" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Customer.id)).where(Customer.name == "越权导入")) == 0


def test_managers_see_their_outlets_audit_entries_and_admins_all(client, auth, make, two_outlets):
    auth.login("b.manager")
    own = client.get("/admin/audit?action=login").get_data(as_text=True)  # managers: their outlet's (issue 15)
    assert "b.manager" in own
    other = client.get("/admin/audit?object_type=customers").get_data(as_text=True)
    assert f"customers #{two_outlets['customer_a'].id}" not in other  # outlet A's customer: not B's to read
    auth.logout()
    auth.login("b.staff")
    assert client.get("/admin/audit").status_code == 403
    auth.logout()
    make.user("admin", username="root")
    auth.logout()
    auth.login("root")
    html = client.get("/admin/audit?action=login").get_data(as_text=True)
    assert "b.manager" in html and "root" in html
