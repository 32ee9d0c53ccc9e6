from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Int, LocalDateTime
from app.org import reference


class CustomerInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(required=True, validate=validate.Length(min=1, max=30))
    outlet_code = fields.String(required=True)
    segments = fields.List(fields.String(validate=validate.OneOf(list(reference.SEGMENTS))), load_default=None)
    tier = fields.String(load_default=None, validate=validate.OneOf(list(reference.TIERS)))
    owner = fields.String(load_default=None, allow_none=True, metadata={"description": "a staff username"})
    is_customer = fields.Boolean(load_default=None)


class ConsentSchema(Schema):
    purpose = fields.String()
    text_version = fields.String()
    channel = fields.String()
    given_at = LocalDateTime()


class CustomerOutSchema(Schema):
    id = Int()
    name = fields.String()
    phone = fields.String()
    outlet_code = fields.Function(lambda c: c.outlet.code)
    segments = fields.List(fields.String())
    tier = fields.String()
    owner = fields.Function(lambda c: c.owner.username if c.owner else None)
    is_customer = fields.Boolean()
    referral_code = fields.String()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()


class CustomerListSchema(Schema):
    items = fields.List(fields.Nested(CustomerOutSchema))


class CustomerQuerySchema(Schema):
    phone = fields.String(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=50))
    segment = fields.String(load_default=None, validate=validate.OneOf(list(reference.SEGMENTS)))
    is_customer = fields.Boolean(load_default=None)
    limit = Int(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Int(load_default=0, validate=validate.Range(min=0))
