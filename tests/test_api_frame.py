"""The /api/v1 frame: tokens, the error shape, reference data, OpenAPI."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.models import utcnow


def test_token_exchange_gives_a_working_bearer_token_stored_only_as_a_hash(client, make):
    make.user("staff", username="api.user")
    response = client.post("/api/v1/auth/tokens", json={"username": "api.user", "password": make.PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    token = body["token"]
    assert body["expires_at"].endswith("+08:00")
    stored = db.session.scalars(sa.select(ApiToken)).one()
    assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == "api.user"


def test_token_exchange_with_bad_credentials_is_401_in_the_error_shape(client, make):
    make.user("staff", username="api.user2")
    response = client.post("/api/v1/auth/tokens", json={"username": "api.user2", "password": "nope-nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_token_exchange_is_rate_limited_per_username(client, make):
    make.user("staff", username="brute")
    for _ in range(5):
        client.post("/api/v1/auth/tokens", json={"username": "brute", "password": "wrong-000"})
    response = client.post("/api/v1/auth/tokens", json={"username": "brute", "password": make.PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_expired_and_revoked_tokens_are_refused(client, make):
    from app.auth import services

    user = make.user("staff")
    headers = make.token_headers(user)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token = db.session.scalars(sa.select(ApiToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    token.expires_at = utcnow() + timedelta(days=1)
    services.revoke_token(token)
    db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_tampered_token_is_refused(client, make):
    headers = make.token_headers(make.user("staff"))
    tampered = {"Authorization": headers["Authorization"][:-2] + "xx"}
    assert client.get("/api/v1/me", headers=tampered).status_code == 401


def test_me_names_role_outlet_and_referral_code(client, make):
    outlet = make.outlet("ME01")
    user = make.user("staff", outlet=outlet)
    body = client.get("/api/v1/me", headers=make.token_headers(user)).get_json()
    assert body["role"] == "staff"
    assert body["outlet_code"] == "ME01"
    assert body["partner_code"] is None
    assert body["referral_code"] == user.referral_code and len(user.referral_code) == 8


def test_reference_data_has_the_contracted_keys_with_chinese_names(client, make):
    headers = make.token_headers(make.user("staff"))
    segments = client.get("/api/v1/segments", headers=headers).get_json()["items"]
    assert {"family", "elderly", "payroll", "merchant", "young", "vip"} <= {s["key"] for s in segments}
    assert {"key": "family", "name": "亲子家庭"} in segments
    categories = client.get("/api/v1/partner-categories", headers=headers).get_json()["items"]
    assert {"bakery", "cafe", "education", "health", "restaurant", "supermarket", "fitness",
            "bookstore"} <= {c["key"] for c in categories}


def test_outlets_are_listed_within_scope_and_created_by_admins_only(client, make):
    a, b = make.outlet("OA"), make.outlet("OB")
    staff = make.token_headers(make.user("staff", outlet=a))
    admin = make.token_headers(make.user("admin"))
    assert [o["code"] for o in client.get("/api/v1/outlets", headers=staff).get_json()["items"]] == ["OA"]
    assert {o["code"] for o in client.get("/api/v1/outlets", headers=admin).get_json()["items"]} == {"OA", "OB"}
    assert client.post("/api/v1/outlets", json={"code": "OC", "name": "新网点"}, headers=staff).status_code == 403
    created = client.post("/api/v1/outlets", json={"code": "OC", "name": "新网点"}, headers=admin)
    assert created.status_code == 201 and created.get_json()["code"] == "OC"
    again = client.post("/api/v1/outlets", json={"code": "OC", "name": "新网点"}, headers=admin)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "outlet_exists"
    bad = client.post("/api/v1/outlets", json={"code": "!", "name": ""}, headers=admin)
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"code", "name"}
    del b


def test_errors_on_api_paths_are_json_never_html(client, make):
    headers = make.token_headers(make.user("admin"))
    missing = client.get("/api/v1/no-such-thing", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/segments", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"]["code"] == "method_not_allowed"
    json_headers = {**headers, "Content-Type": "application/json"}
    malformed = client.post("/api/v1/outlets", data="{not json", headers=json_headers)
    assert malformed.status_code == 400
    assert malformed.get_json()["error"]["message"] == "请求体不是有效的 JSON"
    unauthenticated = client.get("/api/v1/customers")
    assert unauthenticated.status_code == 401 and unauthenticated.is_json


def test_validation_errors_name_each_field_in_chinese(client, make):
    outlet = make.outlet()
    headers = make.token_headers(make.user("staff", outlet=outlet))
    response = client.post("/api/v1/customers", json={"phone": 123, "outlet_code": outlet.code, "tier": "gold-ish"},
                           headers=headers)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert fields["name"] == "必填"
    assert fields["phone"] == "应为文本"
    assert fields["tier"].startswith("取值无效")


def test_unexpected_errors_answer_json_500_without_a_traceback(app, client, make, monkeypatch):
    from app.org import services

    def boom():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "visible_outlets", boom)
    headers = make.token_headers(make.user("admin"))
    response = client.get("/api/v1/outlets", headers=headers)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert response.get_json()["error"]["code"] == "internal_error"


def test_openapi_document_is_generated_and_valid(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    for path in ("/api/v1/auth/tokens", "/api/v1/me", "/api/v1/customers", "/api/v1/outlets",
                 "/api/v1/segments", "/api/v1/partner-categories"):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    broken = create_app({**TEST_CONFIG, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "db": "down"}


def test_a_lost_database_is_logged_in_one_line_without_personal_data(app, caplog):
    import logging

    import sqlalchemy as sa

    from app.errors import handle_unexpected

    error = sa.exc.OperationalError("INSERT INTO customers (name, phone) VALUES (%(name)s, %(phone)s)",
                                    {"name": "张三", "phone": "13912345678"},
                                    Exception("server closed the connection unexpectedly\nThis probably means …"))
    with app.test_request_context("/api/v1/public/events/x/registrations", method="POST"), \
            caplog.at_level(logging.WARNING, logger="app.errors"):
        response = app.make_response(handle_unexpected(error))
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "unavailable"
    assert "server closed the connection unexpectedly" in caplog.text
    assert "13912345678" not in caplog.text and "张三" not in caplog.text and "INSERT" not in caplog.text
    assert len(caplog.records) == 1 and "\n" not in caplog.records[0].getMessage()
