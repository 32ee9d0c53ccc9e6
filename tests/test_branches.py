"""Branches (支行): an admin groups outlets (API and page); `flask users create --role branch --branch CODE`."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.org.models import Branch, Outlet


def test_admin_creates_a_branch_over_outlets_by_api(client, make):
    make.outlet("G01"), make.outlet("G02"), make.outlet("G03")
    headers = make.token_headers(make.user("admin", username="root"))
    response = client.post("/api/v1/branches", headers=headers,
                           json={"code": "ZH-W", "name": "城西支行", "outlet_codes": ["G01", "G02"]})
    assert response.status_code == 201
    assert response.get_json() == {"code": "ZH-W", "name": "城西支行", "outlet_codes": ["G01", "G02"]}
    # An outlet moves when a new branch takes it.
    moved = client.post("/api/v1/branches", headers=headers,
                        json={"code": "ZH-E", "name": "城东支行", "outlet_codes": ["G02", "G03"]})
    assert moved.status_code == 201
    listed = client.get("/api/v1/branches", headers=headers).get_json()["items"]
    assert listed == [{"code": "ZH-E", "name": "城东支行", "outlet_codes": ["G02", "G03"]},
                      {"code": "ZH-W", "name": "城西支行", "outlet_codes": ["G01"]}]


def test_bad_branch_input_is_422_or_409_and_writes_nothing(client, make):
    make.outlet("G01")
    headers = make.token_headers(make.user("admin", username="root"))
    response = client.post("/api/v1/branches", headers=headers,
                           json={"code": "x!", "name": "某支行", "outlet_codes": ["NOPE"]})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"code", "outlet_codes"}
    assert client.post("/api/v1/branches", headers=headers,
                       json={"code": "ZH-W", "name": "城西支行", "outlet_codes": []}).status_code == 422
    assert client.post("/api/v1/branches", headers=headers,
                       json={"code": "ZH-W", "name": "城西支行", "outlet_codes": ["G01"]}).status_code == 201
    again = client.post("/api/v1/branches", headers=headers,
                        json={"code": "ZH-W", "name": "又一个", "outlet_codes": ["G01"]})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "branch_exists"
    assert db.session.scalar(sa.select(sa.func.count(Branch.id))) == 1


def test_only_admins_create_branches_and_a_manager_cannot_list_them(client, make):
    outlet = make.outlet("G01")
    for role in ("manager", "staff", "branch"):
        headers = make.token_headers(make.user(role, outlet=outlet if role != "branch" else None))
        response = client.post("/api/v1/branches", headers=headers,
                               json={"code": "ZH-X", "name": "越权支行", "outlet_codes": ["G01"]})
        assert response.status_code == 403, role
    manager = make.user("manager", outlet=outlet)
    assert client.get("/api/v1/branches", headers=make.token_headers(manager)).status_code == 403


def test_the_admin_page_groups_outlets_into_a_branch(client, auth, make):
    make.outlet("G01", "一号网点"), make.outlet("G02", "二号网点")
    make.user("admin", username="root")
    auth.login("root")
    page = client.get("/admin/branches").get_data(as_text=True)
    assert "一号网点（G01）" in page and "未归属支行的网点" in page
    bad = client.post("/admin/branches", data={"code": "x", "name": "", "outlet_codes": []})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "请填写支行名称" in html
    assert db.session.scalar(sa.select(sa.func.count(Branch.id))) == 0
    good = client.post("/admin/branches", data={"code": "ZH-W", "name": "城西支行", "outlet_codes": ["G01", "G02"]})
    assert good.status_code == 303
    html = client.get("/admin/branches").get_data(as_text=True)
    assert "已创建支行 城西支行，下辖 2 个网点" in html and "一号网点、二号网点" in html
    taken = client.post("/admin/branches", data={"code": "ZH-W", "name": "重名", "outlet_codes": ["G01"]})
    assert taken.status_code == 422 and "已存在" in taken.get_data(as_text=True)
    auth.logout()
    make.user("manager", outlet=db.session.scalar(sa.select(Outlet).where(Outlet.code == "G01")), username="m1")
    auth.login("m1")
    assert client.get("/admin/branches").status_code == 403


def test_users_create_a_branch_login(app, client, make):
    outlet = make.outlet("G01")
    make.branch("ZH-W", [outlet])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "w.branch", "--role", "branch", "--branch", "ZH-W",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "w.branch"))
    assert user.branch.code == "ZH-W" and user.outlet_id is None
    missing = runner.invoke(args=["users", "create", "x.branch", "--role", "branch", "--password", "long-enough-1"])
    assert missing.exit_code == 2 and "--branch" in missing.output
    unknown = runner.invoke(args=["users", "create", "y.branch", "--role", "branch", "--branch", "NOPE",
                                  "--password", "long-enough-1"])
    assert unknown.exit_code == 2 and "NOPE" in unknown.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "w.branch\tbranch\tZH-W" in listing


def test_an_admin_turns_a_login_into_a_branch_login_on_its_page(client, auth, make):
    outlet = make.outlet("G01")
    make.branch("ZH-W", [outlet], name="城西支行")
    make.user("admin", username="root")
    staff = make.user("staff", outlet=outlet, username="s1")
    auth.login("root")
    refused = client.post(f"/admin/users/{staff.id}", data={"role": "branch", "outlet_code": "", "partner_code": "",
                                                             "branch_code": "", "active": "y"})
    assert refused.status_code == 422 and "支行账号必须指定支行" in refused.get_data(as_text=True)
    done = client.post(f"/admin/users/{staff.id}", data={"role": "branch", "outlet_code": "", "partner_code": "",
                                                          "branch_code": "ZH-W", "active": "y", "display_name": "s1"})
    assert done.status_code == 303
    user = db.session.get(User, staff.id)
    db.session.refresh(user)
    assert user.role == "branch" and user.branch.code == "ZH-W" and user.outlet_id is None
