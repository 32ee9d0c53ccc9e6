"""Marshmallow schemas of the alliance API (partners, offers, redemptions, statistics)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.alliance.models import COST_SHARES, ISSUE_TRIGGERS, PARTNER_STATUSES
from app.fields import Day, Int, LocalDateTime, Money
from app.org.reference import PARTNER_CATEGORIES


class PartnerUpdateSchema(Schema):
    name = fields.String()
    category = fields.String(metadata={"description": "a key of /partner-categories (or its Chinese name)"})
    address = fields.String(allow_none=True, validate=validate.Length(max=200))
    contact_name = fields.String(allow_none=True, validate=validate.Length(max=50))
    contact_phone = fields.String(allow_none=True, validate=validate.Length(max=20))
    agreement_start = Day(allow_none=True)
    agreement_end = Day(allow_none=True)
    status = fields.String(validate=validate.OneOf(PARTNER_STATUSES))


class PartnerCreateSchema(PartnerUpdateSchema):
    # Lengths and patterns are checked by the service, so every bad field is named at once.
    code = fields.String(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True,
                             metadata={"description": "a key of /partner-categories (or its Chinese name)"})


class PartnerSchema(Schema):
    code = fields.String()
    name = fields.String()
    category = fields.String()
    category_name = fields.Function(lambda p: str(PARTNER_CATEGORIES.get(p.category, p.category)))
    address = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    agreement_start = fields.Date(allow_none=True)
    agreement_end = fields.Date(allow_none=True)
    status = fields.String()


class PartnerListSchema(Schema):
    items = fields.List(fields.Nested(PartnerSchema))


class PartnerQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(PARTNER_STATUSES))
    category = fields.String(load_default=None, validate=validate.OneOf(list(PARTNER_CATEGORIES)))


class OfferUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=120))
    terms = fields.String(allow_none=True, validate=validate.Length(max=2000))
    valid_from = Day()
    valid_until = Day()
    issue_on = fields.String(validate=validate.OneOf(ISSUE_TRIGGERS))
    total_limit = Int(allow_none=True, strict=True, validate=validate.Range(min=1))
    per_customer_limit = Int(allow_none=True, strict=True, validate=validate.Range(min=1))
    value = Money(allow_none=True, places=2, metadata={"description": "face value in yuan, 0 or more"})
    cost_share = fields.String(validate=validate.OneOf(COST_SHARES),
                               metadata={"description": "who pays: bank, partner or shared"})
    bank_share_percent = Int(allow_none=True, strict=True, validate=validate.Range(min=0, max=100),
                                        metadata={"description": "the bank's part when cost_share is shared"})
    active = fields.Boolean(metadata={"description": "false stops new vouchers; issued ones stay usable"})


class OfferCreateSchema(OfferUpdateSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    valid_from = Day(required=True)
    valid_until = Day(required=True)
    issue_on = fields.String(required=True, validate=validate.OneOf(ISSUE_TRIGGERS))


class OfferSchema(Schema):
    id = Int()
    partner_code = fields.Function(lambda o: o.partner.code)
    title = fields.String()
    terms = fields.String()
    valid_from = fields.Date()
    valid_until = fields.Date()
    issue_on = fields.String()
    total_limit = Int(allow_none=True)
    per_customer_limit = Int(allow_none=True)
    value = fields.Float(allow_none=True)
    cost_share = fields.String()
    bank_share_percent = Int(allow_none=True)
    active = fields.Boolean()
    issued = Int(metadata={"description": "vouchers issued so far"})


class OfferListSchema(Schema):
    items = fields.List(fields.Nested(OfferSchema))


class RedemptionRequestSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"description": "the 9-character voucher code, typed or scanned"})
    amount_spent = fields.Raw(load_default=None, metadata={"description": "optional: yuan the customer spent"})


class RedeemedVoucherSchema(Schema):
    code = fields.String()
    offer_title = fields.String()
    event_title = fields.String()
    customer = fields.String(metadata={"description": "masked: 张**"})
    phone = fields.String(metadata={"description": "masked: 138****1234"})
    redeemed_at = LocalDateTime()
    amount_spent = fields.Float(allow_none=True)
    valid_until = fields.Date()


class RedemptionSchema(Schema):
    result = fields.String(metadata={"description": "redeemed"})
    voucher = fields.Nested(RedeemedVoucherSchema)


class StatsQuerySchema(Schema):
    days = Int(load_default=30, validate=validate.Range(min=1, max=366),
                          metadata={"description": "length of the daily series, ending today"})


class RedemptionFiguresSchema(Schema):
    """What a partner sees for any slice of its vouchers (all, one offer, one event)."""

    issued = Int()
    redeemed = Int()
    redemption_rate = fields.Float(metadata={"description": "redeemed / issued, 0 to 1"})
    amount_spent = fields.Float()


class OfferStatsSchema(RedemptionFiguresSchema):
    id = Int()
    title = fields.String()
    valid_from = fields.Date()
    valid_until = fields.Date()
    active = fields.Boolean()


class EventStatsSchema(RedemptionFiguresSchema):
    id = Int()
    title = fields.String()
    date = fields.Date()
    outlet_name = fields.String()


class DailySchema(Schema):
    date = fields.Date()
    issued = Int()
    redeemed = Int()


class PartnerStatsSchema(RedemptionFiguresSchema):
    offers = fields.List(fields.Nested(OfferStatsSchema))
    events = fields.List(fields.Nested(EventStatsSchema))
    daily = fields.List(fields.Nested(DailySchema))


class PerformanceSchema(Schema):
    code = fields.String()
    name = fields.String()
    category = fields.String()
    status = fields.String()
    events = Int(metadata={"description": "published or finished events carrying its offers"})
    attendees = Int(metadata={"description": "checked-in people at those events"})
    issued = Int()
    redeemed = Int()
    redemption_rate = fields.Float()
    amount_spent = fields.Float()


class PerformanceListSchema(Schema):
    items = fields.List(fields.Nested(PerformanceSchema))
