from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Day, Int, Money
from app.followups.models import LISTS, STATUSES
from app.followups.scripts import for_assignee
from app.followups.vocabulary import CONTACT_METHODS, RECORD_STATUSES, product_name


class FollowUpQuerySchema(Schema):
    event_id = Int(load_default=None)
    list = fields.String(load_default=None, validate=validate.OneOf(LISTS))
    assignee = fields.String(load_default=None, metadata={"description": "`me`, or a username"})
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    due_before = Day(load_default=None, metadata={"description": "due on or before this day"})
    limit = Int(load_default=200, validate=validate.Range(min=1, max=500))
    offset = Int(load_default=0, validate=validate.Range(min=0))


class CustomerBriefSchema(Schema):
    name = fields.String()
    phone = fields.String()
    is_customer = fields.Boolean()


def _outcome(followup) -> dict | None:
    if followup.outcome_product is None:
        return None
    amount = followup.outcome_amount
    return {"product": followup.outcome_product, "product_name": product_name(followup.outcome_product),
            "amount": float(amount) if amount is not None else None}


_TEXTS = {"type": "array", "items": {"type": "string"}}


class FollowUpSchema(Schema):
    id = Int()
    list = fields.String()
    sequence = Int()
    customer = fields.Nested(CustomerBriefSchema)
    event_id = Int()
    event_title = fields.Function(lambda f: f.event.title)
    assignee = fields.Function(lambda f: f.assignee.username if f.assignee else None)
    due_date = fields.Date()
    status = fields.String()
    outcome = fields.Function(_outcome)
    talking_points = fields.Function(lambda f: list(for_assignee(f).lines), metadata=_TEXTS | {
        "description": "the script's lines, filled; a blank with no value reads 【客户姓名】 and the like"})
    script = fields.Function(lambda f: for_assignee(f).text, allow_none=True, metadata={
        "type": "string", "description": (
            "the WeChat/phone text for this person, filled with the customer's name, the assignee's display name, "
            "the outlet and the event's date (12月20日（周日）); null while a blank has no value (script_missing)")})
    script_missing = fields.Function(lambda f: list(for_assignee(f).missing), metadata=_TEXTS | {
        "description": "blanks without a value: customer, staff, outlet, event, date, or ×× (a hand-written blank)"})
    note = fields.String(allow_none=True)


class FollowUpListSchema(Schema):
    items = fields.List(fields.Nested(FollowUpSchema))


class OutcomeSchema(Schema):
    product = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32),
                            metadata={"description": "a product key (wealth) or its Chinese name (理财)"})
    amount = Money(load_default=None, allow_none=True, places=2, allow_nan=False)


class FollowUpPatchSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(RECORD_STATUSES))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    outcome = fields.Nested(OutcomeSchema, load_default=None, allow_none=True)
    contact_method = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(list(CONTACT_METHODS)))
    next_due_date = Day(load_default=None, allow_none=True)


class ReassignSchema(Schema):
    ids = fields.List(Int(strict=True), required=True, validate=validate.Length(min=1, max=500))
    assignee = fields.String(required=True, metadata={"description": "the username of the new assignee"})


class ReassignResultSchema(Schema):
    reassigned = Int()


class FinishSchema(Schema):
    status = fields.String()
    followups_created = Int()


class _Pair(Schema):
    total = Int()
    done = Int()


class _Conversions(Schema):
    count = Int()
    amount = fields.Float()


class _Vouchers(Schema):
    issued = Int()
    redeemed = Int()


class StatsSchema(Schema):
    confirmed = Int()
    waitlisted = Int()
    checked_in = Int()
    attendance_rate = fields.Float(allow_none=True)
    newcomers = Int()
    referrals = Int()
    followups = fields.Nested(_Pair)
    conversions = fields.Nested(_Conversions)
    vouchers = fields.Nested(_Vouchers)
    cost_per_attendee = fields.Float(allow_none=True)
    attendees = Int()
    cost_per_conversion = fields.Float(allow_none=True)
    actual_cost = fields.Float(allow_none=True)
