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


class BranchSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=2, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    outlet_codes = fields.List(fields.String(validate=validate.Length(max=32)), required=True,
                               validate=validate.Length(max=500))


class BranchListSchema(Schema):
    items = fields.List(fields.Nested(BranchSchema))
