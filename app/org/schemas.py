from __future__ import annotations

from marshmallow import Schema, fields, validate


class OutletSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=2, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class OutletListSchema(Schema):
    items = fields.List(fields.Nested(OutletSchema))


class KeyNameSchema(Schema):
    key = fields.String()
    name = fields.String()


class KeyNameListSchema(Schema):
    items = fields.List(fields.Nested(KeyNameSchema))
