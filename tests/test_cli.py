"""`flask users …` and `flask seed-demo` exactly as API.md describes them."""

from __future__ import annotations

import sqlalchemy as sa

from app.alliance.models import Partner
from app.auth.models import ApiToken, User
from app.customers.models import Customer
from app.demo.org import SYNTHETIC_BLOCK
from app.extensions import db
from app.org.models import Outlet


def test_users_create_for_each_role(app, make):
    make.outlet("U01")
    shop = make.partner("P-U1")
    runner = app.test_cli_runner()
    for args in (["admin1", "--role", "admin"],
                 ["mgr1", "--role", "manager", "--outlet", "U01"],
                 ["staff1", "--role", "staff", "--outlet", "U01"],
                 ["shop1", "--role", "partner", "--partner", "P-U1"]):
        result = runner.invoke(args=["users", "create", *args, "--password", "long-enough-1"])
        assert result.exit_code == 0, result.output
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    assert users["mgr1"].outlet.code == "U01" and users["shop1"].partner_id == shop.id
    assert users["staff1"].password_hash != "long-enough-1"


def test_users_create_explains_what_is_missing(app, make):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "lost", "--role", "staff", "--password", "long-enough-1"])
    assert result.exit_code == 2
    assert "--outlet" in result.output
    result = runner.invoke(args=["users", "create", "shop", "--role", "partner", "--partner", "NOPE",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 2 and "NOPE" in result.output
    result = runner.invoke(args=["users", "create", "short", "--role", "admin", "--password", "123"])
    assert result.exit_code == 2 and "password" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_users_token_prints_a_working_token_once(app, client, make):
    make.user("staff", username="cli.token")
    result = app.test_cli_runner().invoke(args=["users", "token", "cli.token"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("be_")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"] == "cli.token"
    assert db.session.scalar(sa.select(ApiToken.token_hash)) != token


def test_seed_demo_is_idempotent_and_synthetic(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output and "oh01.staff1" in first.output and "synthetic" in first.output

    def counts():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Outlet, User, Customer,
                                                                                           Partner))

    before = counts()
    assert before[0] == 3 and before[2] >= 200 and before[3] == 4
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == {"admin", "manager", "staff", "partner", "branch"}
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts() == before
    phones = list(db.session.scalars(sa.select(Customer.phone)))
    assert all(p.startswith(SYNTHETIC_BLOCK) for p in phones)
    segments = {s for c in db.session.scalars(sa.select(Customer)) for s in c.segments}
    assert segments == {"family", "elderly", "payroll", "merchant", "young", "vip"}
    assert all("（演示）" in o.name for o in db.session.scalars(sa.select(Outlet)))
