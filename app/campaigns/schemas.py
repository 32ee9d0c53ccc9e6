from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Int, LocalDateTime, Moment


class CampaignCreateSchema(Schema):
    template_key = fields.String(required=True, validate=validate.Length(max=80))
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    outlet_codes = fields.List(fields.String(validate=validate.Length(max=32)), required=True,
                               validate=validate.Length(min=1, max=500))
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    capacity = Int(required=True, strict=True)
    waitlist = fields.Boolean(required=True)


class CampaignEventSchema(Schema):
    id = Int()
    outlet_code = fields.String()
    status = fields.String(metadata={"description": "draft, published, finished or cancelled"})


class CampaignSchema(Schema):
    id = Int()
    title = fields.String()
    template_key = fields.String()
    branch_code = fields.String(allow_none=True)
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    capacity = Int()
    waitlist = fields.Boolean()
    events = fields.List(fields.Nested(CampaignEventSchema))


class CampaignListSchema(Schema):
    items = fields.List(fields.Nested(CampaignSchema))


class Conversions(Schema):
    count = Int()
    amount = fields.Float()


class CampaignTotalSchema(Schema):
    """The figures compared, for the whole campaign and (below) for each outlet's event."""

    confirmed = Int()
    checked_in = Int()
    attendance_rate = fields.Float(allow_none=True)
    newcomers = Int()
    conversions = fields.Nested(Conversions)


class CampaignOutletStatsSchema(CampaignTotalSchema):
    outlet_code = fields.String()
    event_id = Int()
    status = fields.String()


class CampaignStatsSchema(Schema):
    outlets = fields.List(fields.Nested(CampaignOutletStatsSchema))
    total = fields.Nested(CampaignTotalSchema)
