"""The SMS platform's signed callbacks: receipts update a message, replies opt phones out; a bad signature
is 401 in the API's error shape and changes nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify import signals
from app.notify.models import Notification, OptOut
from app.notify.senders import sign
from app.notify.services import notify
from app.unit_of_work import transaction

SECRET = "callback-secret"


@pytest.fixture(autouse=True)
def secret(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_GATEWAY_SECRET", SECRET)


def _post(client, path: str, payload: dict, *, key: str | None = SECRET, signature: str | None = None):
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Signature"] = signature
    elif key is not None:
        headers["X-Signature"] = sign(body, key)
    return client.post(path, data=body, headers=headers)


def _message(status: str = "sent") -> tuple[int, str]:
    with transaction():
        row = notify("registration_confirmed", "13800138000", "【网点活动通】报名成功")
        row.status = status
        db.session.flush()
        ids = row.id, row.external_id
    return ids


def _reload(message_id: int) -> Notification:
    db.session.expire_all()
    return db.session.get_one(Notification, message_id)


def test_a_delivered_receipt_marks_the_message_delivered(client):
    message_id, external_id = _message()
    response = _post(client, "/api/v1/sms/receipts", {"id": external_id, "status": "delivered"})
    assert response.status_code == 204 and response.data == b""
    row = _reload(message_id)
    assert row.status == "delivered" and row.delivered_at is not None


def test_a_failed_receipt_keeps_the_platforms_reason(client):
    message_id, external_id = _message()
    response = _post(client, "/api/v1/sms/receipts", {"id": external_id, "status": "failed", "error": "空号"})
    assert response.status_code == 204
    row = _reload(message_id)
    assert row.status == "failed" and row.error == "空号"


def test_a_receipt_for_an_unknown_id_or_a_cancelled_message_changes_nothing(client):
    message_id, external_id = _message("cancelled")
    assert _post(client, "/api/v1/sms/receipts", {"id": "no-such-id", "status": "delivered"}).status_code == 204
    assert _post(client, "/api/v1/sms/receipts", {"id": external_id, "status": "delivered"}).status_code == 204
    assert _reload(message_id).status == "cancelled"


@pytest.mark.parametrize("signature", ["", "00" * 32, "not-hex", None])
def test_a_bad_or_missing_signature_is_401_and_changes_nothing(client, signature):
    message_id, external_id = _message()
    payload = {"id": external_id, "status": "delivered"}
    response = _post(client, "/api/v1/sms/receipts", payload, key=None, signature=signature)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "bad_signature" and response.json["error"]["message"]
    reply = _post(client, "/api/v1/sms/replies", {"from": "13800138000", "text": "T"}, key=None, signature=signature)
    assert reply.status_code == 401 and reply.json["error"]["code"] == "bad_signature"
    assert _reload(message_id).status == "sent"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OptOut)) == 0


def test_a_signature_made_with_another_key_or_over_another_body_is_refused(client):
    message_id, external_id = _message()
    wrong_key = _post(client, "/api/v1/sms/receipts", {"id": external_id, "status": "delivered"}, key="guess")
    other_body = sign(json.dumps({"id": external_id, "status": "failed"}).encode(), SECRET)
    swapped = _post(client, "/api/v1/sms/receipts", {"id": external_id, "status": "delivered"}, signature=other_body)
    assert wrong_key.status_code == swapped.status_code == 401
    assert _reload(message_id).status == "sent"


def test_without_a_configured_secret_every_callback_is_refused(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_GATEWAY_SECRET", None)
    response = _post(client, "/api/v1/sms/replies", {"from": "13800138000", "text": "T"})
    assert response.status_code == 401


def test_a_signed_but_malformed_receipt_is_422_naming_the_field(client):
    response = _post(client, "/api/v1/sms/receipts", {"id": "x", "status": "read"})
    assert response.status_code == 422 and "status" in response.json["error"]["fields"]


@pytest.mark.parametrize("text", ["T", " td ", "r", "Td", "退订", " 退订\n"])
def test_opt_out_replies_are_recorded_and_announced(client, text):
    heard = []

    def receiver(_sender, phone):
        heard.append(phone)

    signals.phone_opted_out.connect(receiver)
    try:
        response = _post(client, "/api/v1/sms/replies", {"from": "+86 138-0013-8000", "text": text})
    finally:
        signals.phone_opted_out.disconnect(receiver)
    assert response.status_code == 204
    assert db.session.scalars(sa.select(OptOut.phone)).all() == ["13800138000"]
    assert heard == ["13800138000"]


def test_other_replies_opt_nobody_out(client):
    for text in ["好的", "TT", "谢谢，退订吗", ""]:
        assert _post(client, "/api/v1/sms/replies", {"from": "13800138000", "text": text}).status_code == 204
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OptOut)) == 0


def test_a_reply_from_something_that_is_not_a_mobile_is_422(client):
    response = _post(client, "/api/v1/sms/replies", {"from": "10086", "text": "T"})
    assert response.status_code == 422 and "from" in response.json["error"]["fields"]


def test_the_callbacks_are_in_the_openapi_document_without_a_token(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/sms/receipts", "/api/v1/sms/replies"):
        operation = spec["paths"][path]["post"]
        assert operation.get("security") == [] and "401" in operation["responses"]
        assert "204" in operation["responses"]
