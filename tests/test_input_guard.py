"""Hostile input gets a clear 4xx naming what is wrong, never a 500 (issue 13, items 6–10).

Most of these were 500s on PostgreSQL only (NUL in text, integers past int32); every test runs on both.
"""

from __future__ import annotations

import http.client
import io
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from tests.server import gunicorn

PHONE = "13800138000"


@pytest.fixture
def setup(make):
    outlet = make.outlet("IG1")
    admin = make.user("admin", username="ig.admin")
    staff = make.user("staff", outlet=outlet, username="ig.staff")
    event = make.event(outlet, questions=[{"key": "kids", "label": "孩子人数", "type": "number", "required": True}])
    return {"outlet": outlet, "event": event, "slug": event.slug, "event_id": event.id,
            "admin": make.token_headers(admin), "staff": make.token_headers(staff)}


def _registration(**fields):
    return {"name": "王小明", "phone": PHONE, "consent": True, "answers": {"kids": 1}, **fields}


# --- 6. NUL and other control characters -------------------------------------------------------------

@pytest.mark.parametrize("field", ["name", "phone", "ref"])
def test_a_nul_byte_in_a_public_registration_field_is_a_400_naming_the_field(client, setup, field):
    body = _registration(**{field: "王\x00小明" if field == "name" else "138\x0000138000" if field == "phone"
                            else "AB\x00CD"})
    response = client.post(f"/api/v1/public/events/{setup['slug']}/registrations", json=body)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"
    assert field in response.json["error"]["fields"]
    assert "控制字符" in response.json["error"]["message"]


def test_a_nul_byte_deep_inside_json_or_in_a_key_is_refused(client, setup):
    url = f"/api/v1/public/events/{setup['slug']}/registrations"
    nested = client.post(url, json=_registration(answers={"kids": ["ok", {"deep": "x\x00"}]}))
    assert nested.status_code == 400 and "answers.kids.1.deep" in nested.json["error"]["fields"]
    key = client.post(url, json=_registration(answers={"ki\x00ds": 1}))
    assert key.status_code == 400


def test_a_lone_surrogate_in_json_is_refused_not_a_500(client, setup):
    response = client.post(f"/api/v1/public/events/{setup['slug']}/registrations",
                           data='{"name": "\\ud800", "phone": "13800138000", "consent": true}',
                           content_type="application/json")
    assert response.status_code == 400 and "name" in response.json["error"]["fields"]


def test_nul_in_a_staff_query_or_template_key_is_a_400(client, setup):
    search = client.get("/api/v1/customers?q=%00", headers=setup["staff"])
    assert search.status_code == 400 and "q" in search.json["error"]["fields"]
    template = client.post("/api/v1/events", headers=setup["admin"], json={
        "template_key": "abc\x00", "outlet_code": "IG1", "starts_at": "2030-01-01T10:00:00+08:00",
        "ends_at": "2030-01-01T12:00:00+08:00", "capacity": 10, "waitlist": True})
    assert template.status_code == 400 and "template_key" in template.json["error"]["fields"]
    login = client.post("/api/v1/auth/tokens", json={"username": "ig.admin\x00", "password": "x"})
    assert login.status_code == 400


def test_nul_in_a_page_form_gets_a_chinese_error_page(client, setup):
    response = client.post(f"/e/{setup['slug']}", data={"name": "王\x00", "phone": PHONE, "consent": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "控制字符" in page and "name" in page
    assert not db.session.execute(db.text("select count(*) from registrations")).scalar()


def test_a_control_character_in_a_path_segment_is_a_404(client, setup):
    assert client.get(f"/e/{setup['slug']}%00").status_code == 404
    api = client.get("/api/v1/public/events/ab%00cd")
    assert api.status_code == 404 and api.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/public/tickets/abc%01def").status_code == 404


def test_line_breaks_in_a_text_body_still_pass(client, setup):
    response = client.post(f"/api/v1/public/events/{setup['slug']}/registrations",
                           json=_registration(answers={"kids": 1, "note": "第一行\r\n第二行\t"}))
    assert response.status_code == 201


# --- 7. integers beyond the database's range -----------------------------------------------------------

def test_an_id_beyond_int32_in_a_path_is_a_404_for_every_method(client, setup):
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)("/api/v1/events/9251202077420", headers=setup["admin"], json={})
        assert response.status_code == 404, method
        assert response.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/events/2147483648", headers=setup["admin"]).status_code == 404
    assert client.get("/events/2147483648").status_code == 404


def test_integers_beyond_range_in_queries_and_bodies_are_field_errors(client, setup, make):
    offset = client.get("/api/v1/customers?offset=99999999999999999999", headers=setup["staff"])
    assert offset.status_code == 422 and "offset" in offset.json["error"]["fields"]
    event = client.post("/api/v1/events", headers=setup["admin"], json={
        "template_key": setup["event"].template_key, "outlet_code": "IG1", "starts_at": "2030-01-01T10:00:00+08:00",
        "ends_at": "2030-01-01T12:00:00+08:00", "capacity": 10, "waitlist": True, "offer_ids": [99999999999]})
    assert event.status_code == 422 and "offer_ids" in event.json["error"]["fields"]
    make.partner("IGP")
    db.session.commit()
    offer = {"title": "满减券", "valid_from": "2030-01-01", "valid_until": "2030-02-01", "issue_on": "checkin"}
    too_many = client.post("/api/v1/partners/IGP/offers", headers=setup["admin"],
                           json={**offer, "total_limit": 2147483648})
    assert too_many.status_code == 422 and "total_limit" in too_many.json["error"]["fields"]
    too_dear = client.post("/api/v1/partners/IGP/offers", headers=setup["admin"], json={**offer, "value": 3.1e16})
    assert too_dear.status_code == 422 and "value" in too_dear.json["error"]["fields"]
    capacity = client.patch(f"/api/v1/events/{setup['event_id']}", headers=setup["admin"],
                            json={"capacity": 2**31})
    assert capacity.status_code == 422 and "capacity" in capacity.json["error"]["fields"]


def test_the_openapi_document_states_the_bounds(client):
    spec = client.get("/api/v1/openapi.json").json
    event_id = spec["paths"]["/api/v1/events/{event_id}"]["parameters"][0]["schema"]
    assert event_id["maximum"] == 2**31 - 1
    assert spec["components"]["schemas"]["EventCreate"]["properties"]["budget"]["maximum"] == 9_999_999_999


def test_a_page_form_refuses_a_capacity_past_int32(auth, client, setup):
    auth.login("ig.admin")
    response = client.post(f"/events/{setup['event_id']}/edit", data={
        "title": "改名（测试）", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T12:00",
        "capacity": "99999999999", "max_party_size": "1", "venue": "二楼"})
    assert response.status_code in (200, 422)
    assert "名额至少 1 人，最多 100000 人" in response.get_data(as_text=True)


# --- 8. extreme dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["0001-01-05", "9999-12-01"])
def test_recommendations_for_an_extreme_date_say_which_field_and_why(client, setup, day):
    response = client.get(f"/api/v1/templates/recommendations?date={day}&days=30", headers=setup["staff"])
    assert response.status_code == 422
    assert "2000-01-01" in response.json["error"]["fields"]["date"]


def test_an_event_ending_in_2582_is_refused_with_a_field_error(client, setup):
    response = client.post("/api/v1/events", headers=setup["admin"], json={
        "template_key": setup["event"].template_key, "outlet_code": "IG1", "starts_at": "2030-01-01T10:00:00+08:00",
        "ends_at": "2582-01-01T12:00:00+08:00", "capacity": 10, "waitlist": True})
    assert response.status_code == 422
    assert "日期应在 2000-01-01 到" in response.json["error"]["fields"]["ends_at"]


def test_a_page_form_refuses_an_extreme_date(auth, client, setup):
    auth.login("ig.admin")
    response = client.post(f"/events/{setup['event_id']}/edit", data={
        "title": "改名（测试）", "starts_at": "0001-01-01T10:00", "ends_at": "0001-01-01T12:00",
        "capacity": "10", "max_party_size": "1", "venue": "二楼"})
    assert "日期应在 2000-01-01 到" in response.get_data(as_text=True)


# --- 9. deep JSON and chunked bodies ------------------------------------------------------------------

def test_json_nested_a_thousand_deep_is_a_400_saying_so(client, setup):
    deep = "[" * 1000 + "]" * 1000
    response = client.post(f"/api/v1/public/events/{setup['slug']}/registrations", data=deep,
                           content_type="application/json")
    assert response.status_code == 400 and "嵌套过深" in response.json["error"]["message"]
    forty = ('{"name": "王小明", "phone": "13800138000", "consent": true, "answers": {"kids": '
             + "[" * 40 + "]" * 40 + "}}")
    assert client.post(f"/api/v1/public/events/{setup['slug']}/registrations", data=forty,
                       content_type="application/json").status_code == 400


def test_a_chunked_body_past_the_limit_is_413_in_the_test_client(client, setup):
    response = client.post("/api/v1/customers", headers={**setup["staff"], "Transfer-Encoding": "chunked",
                                                        "Content-Type": "application/json"},
                           input_stream=io.BytesIO(b'{"name": "' + b"a" * (8 * 1024 * 1024) + b'"}'),
                           environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})
    assert response.status_code == 413 and response.json["error"]["code"] == "payload_too_large"


def _chunked_post(base: str, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    connection.putrequest("POST", path)
    for key, value in {**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"}.items():
        connection.putheader(key, value)
    connection.endheaders()
    try:
        for start in range(0, len(body), 64 * 1024):
            piece = body[start:start + 64 * 1024]
            connection.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
        connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may answer and close before reading everything
    response = connection.getresponse()
    return response.status, response.read()


@pytest.mark.concurrency
def test_a_real_chunked_8_mb_body_without_content_length_gets_413(database_url, setup):
    slug, staff = setup["slug"], setup["staff"]
    db.session.remove()
    with gunicorn(database_url, workers=1) as base:
        big = b'{"name": "' + b"a" * (8 * 1024 * 1024) + b'", "phone": "13800138000"}'
        status, body = _chunked_post(base, "/api/v1/customers", big, staff)
        assert status == 413 and b"payload_too_large" in body
        small = (b'{"name": "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e", "phone": "13800138000", "consent": true, '
                 b'"answers": {"kids": 1}}')
        status, body = _chunked_post(base, f"/api/v1/public/events/{slug}/registrations", small, {})
        assert status == 201, body  # a chunked body within the limit reaches the view whole


# --- 10. invisible format characters in names -------------------------------------------------------------

@pytest.mark.parametrize("name", ["王\u202e明小", "\u2066王小明\u2069", "王\u200b小明", "\ufeff王小明"])
def test_a_name_with_a_bidi_override_or_invisible_character_is_a_field_error(client, setup, name):
    response = client.post(f"/api/v1/public/events/{setup['slug']}/registrations", json=_registration(name=name))
    assert response.status_code == 422
    assert "不可见或控制字符" in response.json["error"]["fields"]["name"]
    customer = client.post("/api/v1/customers", headers=setup["staff"],
                           json={"name": name, "phone": PHONE, "outlet_code": "IG1"})
    assert customer.status_code == 422 and "name" in customer.json["error"]["fields"]
    walk_in = client.post(f"/api/v1/events/{setup['event_id']}/walk-ins", headers=setup["staff"],
                          json={"name": name, "phone": PHONE, "answers": {"kids": 1},
                                "confirm_outside_day": True})
    assert walk_in.status_code == 422 and "name" in walk_in.json["error"]["fields"]


def test_an_emoji_family_with_zero_width_joiners_is_still_a_name(client, setup):
    response = client.post(f"/api/v1/public/events/{setup['slug']}/registrations",
                           json=_registration(name="王小明👩\u200d👩\u200d👧"))
    assert response.status_code == 201


def test_the_registration_page_shows_the_name_error_on_the_form(client, setup):
    response = client.post(f"/e/{setup['slug']}", data={"name": "王\u202e明小", "phone": PHONE, "consent": "y",
                                                          "q_kids": "1"})
    assert response.status_code in (200, 422)
    assert "不可见或控制字符" in response.get_data(as_text=True)


# --- 13. the OpenAPI document tells the truth ---------------------------------------------------------------

def test_the_openapi_document_describes_our_error_shape_statuses_and_public_operations(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    schemas = spec["components"]["schemas"]
    assert schemas["Error"]["required"] == ["error"]
    assert schemas["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert set(schemas["ErrorDetail"]["properties"]) == {"code", "message", "fields"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "default" not in operation["responses"], (method, path)
            assert {"400", "429", "503"} <= set(operation["responses"]), (method, path)
            # the SMS platform's callbacks need no token: their body is signed (X-Signature) instead
            public = (path.startswith(("/api/v1/public/", "/api/v1/sms/")) or path == "/api/v1/auth/tokens")
            assert (operation.get("security") == []) == public, (method, path)
            assert ("403" in operation["responses"]) != public, (method, path)
    registration = spec["paths"]["/api/v1/public/events/{slug}/registrations"]["post"]["responses"]
    assert {"404", "409", "413", "422"} <= set(registration)
    assert registration["409"] == {"$ref": "#/components/responses/CONFLICT"}
    conflict = spec["components"]["responses"]["CONFLICT"]["content"]["application/json"]["schema"]
    assert conflict == {"$ref": "#/components/schemas/Error"}
    assert "401" in spec["paths"]["/api/v1/auth/tokens"]["post"]["responses"]
