from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Int
from app.personal_data.models import REQUEST_KINDS, REQUEST_STATUSES


class PersonalDataSchema(Schema):
    customer = fields.Dict()
    registrations = fields.List(fields.Dict(), metadata={"description": "with the answers to the event's questions"})
    consents = fields.List(fields.Dict(), metadata={
        "description": "purpose, text_version, channel, given_at, withdrawn_at"})
    followups = fields.List(fields.Dict(), metadata={"description": "with their notes and contact history"})
    vouchers = fields.List(fields.Dict())
    messages = fields.List(fields.Dict(), metadata={"description": "recipient (`to`) and text of each message"})


class EraseSchema(Schema):
    reason = fields.String(load_default=None, metadata={"description": "why (kept in the audit log)"})


class ErasedSchema(Schema):
    erased = fields.Boolean()


class MarketingSchema(Schema):
    marketing = fields.Boolean()


class PrivacyRequestInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(REQUEST_KINDS))
    ticket_token = fields.String(required=True, validate=validate.Length(max=64))


class PrivacyRequestFiledSchema(Schema):
    id = Int()
    due_date = fields.Date()


class PrivacyRequestSchema(Schema):
    id = Int()
    kind = fields.String()
    status = fields.String()
    due_date = fields.Date()
    customer_id = Int()
    created_at = fields.DateTime()
    completed_at = fields.DateTime()


class PrivacyRequestListSchema(Schema):
    items = fields.List(fields.Nested(PrivacyRequestSchema))


class PrivacyRequestQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(REQUEST_STATUSES))
