"""Headers, CSRF, caching and the no-inline-script rule, on real pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from tests.conftest import TEST_CONFIG, IsolatedClient


def test_security_headers_on_pages_and_api(client, make):
    for response in (client.get("/login"), client.get("/healthz")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_scripts_or_external_hosts(client, auth, make):
    outlet = make.outlet()
    admin = make.user("admin", username="boss")
    make.customer(outlet)
    auth.login("boss")
    for path in ("/today", "/customers", "/customers/new", "/me", "/admin/audit", "/customers/import",
                 "/me/password", "/admin/users", f"/admin/users/{admin.id}"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"""(src|href)=["'](https?:)?//""", html), path
        assert " style=" not in html, path
        assert '<html lang="zh-CN">' in html


@pytest.fixture
def csrf_client(database_url):
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    app.test_client_class = IsolatedClient  # the test's own reads do not hold SQLite's lock
    return app.test_client()


def test_forms_refuse_posts_without_a_csrf_token(csrf_client, make):
    make.user("staff", username="csrf.user")
    response = csrf_client.post("/login", data={"username": "csrf.user", "password": make.PASSWORD})
    assert response.status_code == 400
    assert "页面已过期或请求来源不可信" in response.get_data(as_text=True)
    assert csrf_client.get("/today").status_code == 302
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = csrf_client.post("/login", data={"username": "csrf.user", "password": make.PASSWORD,
                                          "csrf_token": token})
    assert ok.status_code == 303


def test_api_calls_riding_on_a_session_cookie_need_the_csrf_header(csrf_client, make):
    outlet = make.outlet("CS1")
    make.user("staff", outlet=outlet, username="cookie.user")
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    csrf_client.post("/login", data={"username": "cookie.user", "password": make.PASSWORD, "csrf_token": token})
    body = {"name": "跨站", "phone": "19900006001", "outlet_code": "CS1"}
    forged = csrf_client.post("/api/v1/customers", json=body)
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "csrf_failed"
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', csrf_client.get("/me").get_data(as_text=True)).group(1)
    allowed = csrf_client.post("/api/v1/customers", json=body, headers={"X-CSRFToken": fresh})
    assert allowed.status_code == 201


def test_bearer_token_calls_need_no_csrf_token(csrf_client, make):
    outlet = make.outlet("CS2")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    response = csrf_client.post("/api/v1/customers", headers=headers,
                                json={"name": "令牌", "phone": "19900006002", "outlet_code": "CS2"})
    assert response.status_code == 201


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from config import ConfigError, load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config({"APP_ENV": "production"})


def test_production_cookies_are_secure():
    from config import load_config

    config = load_config({"APP_ENV": "production", "SECRET_KEY": "x" * 40})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True and config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("app_env, scheme, expected", [
    ("production", "https", "max-age=31536000; includeSubDomains"),
    ("production", "http", None),  # browsers ignore HSTS over plain HTTP (RFC 6797 §7.2)
    ("development", "https", None),
    ("testing", "https", None),
])
def test_hsts_only_in_production_on_https(database_url, app_env, scheme, expected):
    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "APP_ENV": app_env})
    client = application.test_client()
    for path in ("/login", "/api/v1/openapi.json"):
        response = client.get(path, base_url=f"{scheme}://localhost")
        assert response.status_code == 200
        assert response.headers.get("Strict-Transport-Security") == expected, path


def test_hsts_behind_a_tls_proxy_in_production(database_url):
    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "APP_ENV": "production",
                              "TRUSTED_PROXIES": 1})
    response = application.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def _csrf_login(client, username, password):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token}).status_code == 303


@pytest.mark.parametrize("authorization", ["Bearer be_forged-token", "Bearer nonsense", "Bearer ", "bearer x"])
def test_a_bad_bearer_token_never_falls_back_to_the_session_cookie(csrf_client, make, authorization):
    from app.customers.models import Customer
    from app.extensions import db

    outlet = make.outlet("CS3")
    make.user("staff", outlet=outlet, username="cookie.victim")
    _csrf_login(csrf_client, "cookie.victim", make.PASSWORD)
    body = {"name": "伪造", "phone": "19900006003", "outlet_code": "CS3"}
    forged = csrf_client.post("/api/v1/customers", json=body, headers={"Authorization": authorization})
    assert forged.status_code == 401
    assert forged.get_json()["error"]["code"] == "unauthorized"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 0
    # Reading with the bad token is refused too, not answered as the cookie's user.
    assert csrf_client.get("/api/v1/me", headers={"Authorization": authorization}).status_code == 401
    assert csrf_client.get("/api/v1/me").get_json()["username"] == "cookie.victim"


def test_a_revoked_or_expired_token_is_refused_even_with_a_session_cookie(csrf_client, make):
    from app.auth import services
    from app.extensions import db
    from app.models import utcnow

    user = make.user("staff", username="token.owner")
    _csrf_login(csrf_client, "token.owner", make.PASSWORD)
    revoked_secret, revoked = services.issue_token(user, label="old")
    expired_secret, expired = services.issue_token(user, label="expired")
    services.revoke_token(revoked)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for secret in (revoked_secret, expired_secret):
        answer = csrf_client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"


def test_a_valid_bearer_token_decides_who_the_caller_is_over_the_cookie(csrf_client, make):
    make.user("staff", username="cookie.person")
    headers = make.token_headers(make.user("manager", username="token.person"))
    _csrf_login(csrf_client, "cookie.person", make.PASSWORD)
    assert csrf_client.get("/api/v1/me", headers=headers).get_json()["username"] == "token.person"
