"""Page login: sessions, CSRF-protected forms, rate limits, timeouts, audit."""

from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.sessions import AUTH_AT, SEEN_AT
from app.extensions import db


def _actions():
    return [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def test_login_redirects_to_today_and_sets_a_protected_session_cookie(client, auth, make):
    user = make.user("staff", username="lin.xiao")
    response = auth.login("lin.xiao")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/today")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("/today")
    assert home.status_code == 200
    assert user.outlet.name in home.get_data(as_text=True)


def test_wrong_password_is_refused_in_chinese_and_audited(client, auth, make):
    make.user("staff", username="wang.fang")
    response = auth.login("wang.fang", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/today").status_code == 302  # still signed out
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "login_failed"))
    assert entry.actor_username == "wang.fang"
    assert entry.ip == "127.0.0.1"


def test_unknown_user_fails_like_a_wrong_password(auth):
    response = auth.login("nobody", "whatever-123")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)


def test_successful_login_and_logout_are_audited(client, auth, make):
    make.user("manager", username="chen.jl")
    auth.login("chen.jl")
    assert auth.logout().status_code == 303
    assert _actions()[-2:] == ["login", "logout"]
    assert client.get("/today").status_code == 302


def test_inactive_account_cannot_sign_in(auth, make):
    user = make.user("staff", username="gone.staff")
    user.active = False
    db.session.commit()
    assert auth.login("gone.staff").status_code == 401


def test_five_failures_lock_the_username_with_a_chinese_message(client, auth, make):
    make.user("staff", username="target")
    for _ in range(5):
        assert auth.login("target", "bad-guess-000").status_code == 401
    locked = auth.login("target")  # even the right password is refused while locked
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.get_data(as_text=True)
    # Another username from the same address is still allowed.
    make.user("staff", username="colleague")
    assert auth.login("colleague").status_code == 303


def test_many_failures_from_one_address_are_limited_across_usernames(auth):
    statuses = [auth.login(f"user{i}", "bad-guess-000").status_code for i in range(31)]
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429


def test_successful_logins_do_not_count_towards_the_lockout(auth, make):
    make.user("staff", username="busy")
    for _ in range(7):
        assert auth.login("busy").status_code == 303
        auth.logout()


def test_remember_me_is_off_by_default(auth, make):
    make.user("staff", username="no.remember")
    response = auth.login("no.remember")
    assert "remember_token" not in response.headers.get("Set-Cookie", "")


def test_login_starts_a_fresh_session(client, auth, make):
    make.user("staff", username="fresh")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login("fresh")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session[AUTH_AT] and session[SEEN_AT]


def test_next_parameter_only_goes_to_local_paths(client, make):
    make.user("staff", username="nexter")
    data = {"username": "nexter", "password": make.PASSWORD}
    evil = client.post("/login?next=https://evil.example/x", data=data)
    assert evil.headers["Location"].endswith("/today")
    client.post("/logout")
    local = client.post("/login?next=/customers", data=data)
    assert local.headers["Location"].endswith("/customers")


@pytest.mark.parametrize("key, age", [(SEEN_AT, 31 * 60), (AUTH_AT, 13 * 3600)])
def test_idle_and_absolute_timeouts_sign_the_user_out(client, auth, make, key, age):
    make.user("staff", username="sleepy")
    auth.login("sleepy")
    with client.session_transaction() as session:
        session[key] = int(time.time()) - age
    response = client.get("/customers")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    follow = client.get(response.headers["Location"])
    assert "登录已超时" in follow.get_data(as_text=True)


def test_activity_keeps_the_session_alive(client, auth, make):
    make.user("staff", username="active")
    auth.login("active")
    with client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - 29 * 60
    assert client.get("/customers").status_code == 200
    assert client.get("/customers").status_code == 200


def test_pages_need_a_login(client):
    response = client.get("/customers")
    assert response.status_code == 302
    assert "/login?next=/customers" in response.headers["Location"]


def test_partner_users_land_on_the_partner_portal_not_staff_pages(client, auth, make):
    make.user("partner", username="bakery.user")
    response = auth.login("bakery.user")
    assert response.headers["Location"].endswith("/partner")
    assert client.get("/customers").status_code == 403
    assert client.get("/today").status_code == 403


@pytest.fixture(params=["memory", "redis"])
def lockout_client_factory(request, database_url):
    """App instances on in-process memory or on Redis (REDIS_URL), for the lockout tests."""
    from app import create_app
    from tests.conftest import TEST_CONFIG

    config = {**TEST_CONFIG, "DATABASE_URL": database_url}
    connection = None
    if request.param == "redis":
        import redis

        url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
        try:
            connection = redis.Redis.from_url(url)
            connection.ping()
        except redis.RedisError:
            if os.environ.get("REQUIRE_POSTGRES") == "1":
                pytest.fail(f"Redis required but unreachable at {url}")
            pytest.skip(f"Redis not reachable at {url}")
        config["RATELIMIT_STORAGE_URI"] = url
        config["RATELIMIT_KEY_PREFIX"] = f"lockout-test-{os.getpid()}-{time.time_ns()}"
    application = create_app(config)

    def client_at(address: str):
        client = application.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    yield client_at
    if connection is not None:
        for key in connection.scan_iter(config["RATELIMIT_KEY_PREFIX"] + "*"):
            connection.delete(key)


def test_failures_from_one_address_do_not_lock_the_person_out_elsewhere(lockout_client_factory, make):
    make.user("staff", username="colleague.lin")
    attacker = lockout_client_factory("203.0.113.7")
    owner = lockout_client_factory("198.51.100.20")
    for _ in range(5):
        bad = attacker.post("/login", data={"username": "colleague.lin", "password": "guess-guess-1"})
        assert bad.status_code == 401
    signed_in = owner.post("/login", data={"username": "colleague.lin", "password": make.PASSWORD})
    assert signed_in.status_code == 303
    assert owner.get("/today").status_code == 200
    still_locked = attacker.post("/login", data={"username": "colleague.lin", "password": make.PASSWORD})
    assert still_locked.status_code == 429
    assert "登录失败次数过多" in still_locked.get_data(as_text=True)


def test_api_token_lockout_is_per_username_and_address(lockout_client_factory, make):
    make.user("staff", username="api.lin")
    attacker = lockout_client_factory("203.0.113.8")
    owner = lockout_client_factory("198.51.100.21")
    for _ in range(5):
        bad = attacker.post("/api/v1/auth/tokens", json={"username": "api.lin", "password": "guess-guess-1"})
        assert bad.status_code == 401
    assert owner.post("/api/v1/auth/tokens", json={"username": "api.lin", "password": make.PASSWORD}
                      ).status_code == 201
    assert attacker.post("/api/v1/auth/tokens", json={"username": "api.lin", "password": make.PASSWORD}
                         ).status_code == 429
