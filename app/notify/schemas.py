from __future__ import annotations

from marshmallow import Schema, fields, validate


class ReceiptSchema(Schema):
    """A delivery receipt from the SMS platform (signed: X-Signature over the raw body)."""

    id = fields.String(required=True, validate=validate.Length(min=1, max=64),
                       metadata={"description": "the message id the platform was given"})
    status = fields.String(required=True, validate=validate.OneOf(["delivered", "failed"]))
    error = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ReplySchema(Schema):
    """A customer's SMS reply (signed); `T`, `TD`, `R` or `退订` opts the phone out of invitations."""

    sender = fields.String(required=True, data_key="from", validate=validate.Length(min=1, max=32),
                           metadata={"description": "the replying mobile number (+86, spaces, dashes accepted)"})
    text = fields.String(required=True, validate=validate.Length(max=1000))
