"""The SMS platform's callbacks: delivery receipts and customers' replies.

Public (the platform has no login) but signed: `X-Signature` is the hex HMAC-SHA256 of the raw
body with SMS_GATEWAY_SECRET, checked before the body is read; a bad or missing signature is a
401 in the API's error shape and changes nothing. No CSRF (no cookie rides on these calls).
"""

from __future__ import annotations

import re

from flask import current_app, request
from flask_babel import gettext as _

from app.api import answers, api_blueprint
from app.errors import ValidationFailed, error_response
from app.extensions import limiter
from app.notify import services
from app.notify.schemas import ReceiptSchema, ReplySchema
from app.notify.senders import signature_ok
from app.security import public

BODY_LIMIT = 16 * 1024
# The platform calls in bursts (a reminder wave's receipts); the signature is the real gate.
RATE_LIMIT = "1200 per minute"
_MOBILE = re.compile(r"1[3-9]\d{9}")

blp = api_blueprint("sms_api", __name__, "/sms", "The SMS platform's signed callbacks: receipts and replies")


@blp.before_request
def check_signature():
    if request.content_length and request.content_length > BODY_LIMIT:
        return error_response(413, "payload_too_large", _("请求内容过大"))
    body = request.get_data(cache=True)
    if not signature_ok(body, request.headers.get("X-Signature"), current_app.config.get("SMS_GATEWAY_SECRET")):
        return error_response(401, "bad_signature", _("签名无效：X-Signature 应为请求体的 HMAC-SHA256"))
    return None


def _mobile(raw: str) -> str:
    text = re.sub(r"[\s\-()]", "", raw)
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix):]
    if not _MOBILE.fullmatch(text):
        raise ValidationFailed(fields={"from": _("不是有效的手机号")})
    return text


@blp.route("/receipts", methods=["POST"])
@public
@answers(401)
@limiter.limit(RATE_LIMIT)
@blp.arguments(ReceiptSchema)
@blp.response(204)
def receipt(body):
    """A delivery receipt: the message becomes `delivered` or `failed`; an unknown id changes nothing."""
    services.record_receipt(body["id"], body["status"], body["error"])


@blp.route("/replies", methods=["POST"])
@public
@answers(401)
@limiter.limit(RATE_LIMIT)
@blp.arguments(ReplySchema)
@blp.response(204)
def reply(body):
    """A customer's reply: `T`, `TD`, `R` or `退订` (any case, spaces trimmed) opts that phone out of invitations."""
    services.record_reply(_mobile(body["sender"]), body["text"])
