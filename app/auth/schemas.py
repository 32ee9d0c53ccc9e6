from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import LocalDateTime


class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokenSchema(Schema):
    token = fields.String()
    expires_at = LocalDateTime()


class MeSchema(Schema):
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    outlet_code = fields.String(allow_none=True)
    branch_code = fields.String(allow_none=True)
    partner_code = fields.String(allow_none=True)
    referral_code = fields.String(allow_none=True)
