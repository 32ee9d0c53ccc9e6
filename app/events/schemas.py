from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.events import limits
from app.events.models import EVENT_STATUSES
from app.fields import Day, Int, LocalDateTime, Moment, Money
from app.org.reference import SEGMENTS


class QuestionSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=40))
    label = fields.String(required=True, validate=validate.Length(min=1, max=limits.QUESTION_LABEL_MAX))
    type = fields.String(load_default="text", validate=validate.OneOf(["text", "number", "choice", "multi"]))
    required = fields.Boolean(load_default=False)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=limits.QUESTION_OPTION_MAX)),
                          load_default=None, validate=validate.Length(max=limits.QUESTION_OPTIONS_MAX))
    min = Int(load_default=None, allow_none=True)
    max = Int(load_default=None, allow_none=True)


class EventCreateSchema(Schema):
    template_key = fields.String(required=True)
    outlet_code = fields.String(required=True)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    capacity = Int(required=True, strict=True)
    waitlist = fields.Boolean(required=True)
    title = fields.String(load_default=None, validate=validate.Length(max=limits.TITLE_MAX))
    description = fields.String(load_default=None, validate=validate.Length(max=limits.DESCRIPTION_MAX))
    venue = fields.String(load_default=None, validate=validate.Length(max=limits.VENUE_MAX))
    max_party_size = Int(load_default=None, strict=True)
    registration_closes_at = Moment(load_default=None)
    offer_ids = fields.List(Int(strict=True), load_default=None)
    budget = Money(load_default=None, allow_none=True, places=2)
    actual_cost = Money(load_default=None, allow_none=True, places=2)
    goals = fields.Dict(load_default=None)
    questions = fields.List(fields.Nested(QuestionSchema), load_default=None,
                            validate=validate.Length(max=limits.QUESTIONS_MAX))
    segments = fields.List(fields.String(validate=validate.OneOf(list(SEGMENTS))), load_default=None)


class EventUpdateSchema(EventCreateSchema):
    class Meta:
        exclude = ("template_key", "outlet_code")

    starts_at = Moment(load_default=None)
    ends_at = Moment(load_default=None)
    capacity = Int(load_default=None, strict=True)
    waitlist = fields.Boolean(load_default=None)


class CountsSchema(Schema):
    confirmed = Int()
    waitlisted = Int()
    cancelled = Int()
    checked_in = Int()
    walk_ins = Int()
    seats_taken = Int(metadata={"description": "people (party sizes) of confirmed registrations"})
    seats_left = Int()
    people_checked_in = Int(metadata={"description": "people (party sizes) checked in"})
    walk_in_people = Int(metadata={"description": "people (party sizes) registered at the door"})


class EventSchema(Schema):
    id = Int()
    outlet_code = fields.Function(lambda e: e.outlet.code)
    template_key = fields.String()
    title = fields.String()
    description = fields.String()
    staff_notes = fields.String(metadata={"description": "internal notes from the template; staff answers only"})
    venue = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    registration_closes_at = LocalDateTime(allow_none=True)
    capacity = Int()
    waitlist = fields.Boolean()
    max_party_size = Int()
    segments = fields.List(fields.String())
    questions = fields.List(fields.Dict())
    agenda = fields.List(fields.Dict())
    goals = fields.Dict()
    budget = fields.Float(allow_none=True)
    actual_cost = fields.Float(allow_none=True)
    status = fields.String()
    slug = fields.String(allow_none=True)
    owner = fields.Function(lambda e: e.owner.username if e.owner else None)
    offer_ids = fields.List(Int())
    counts = fields.Nested(CountsSchema)
    registration_url = fields.String(allow_none=True)
    created_at = LocalDateTime()


class EventListSchema(Schema):
    items = fields.List(fields.Nested(EventSchema))


class EventQuerySchema(Schema):
    outlet_code = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(list(EVENT_STATUSES)))
    from_ = Day(load_default=None, data_key="from")
    to = Day(load_default=None)
    limit = Int(load_default=100, validate=validate.Range(min=1, max=500))
    offset = Int(load_default=0, validate=validate.Range(min=0))

    @validates_schema
    def _range(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("to must not be before from", field_name="to")


class PublishSchema(Schema):
    status = fields.String()
    slug = fields.String()
    registration_url = fields.String()
    poster_png_url = fields.String()
    poster_pdf_url = fields.String()


class CancelEventSchema(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=200))


class StatusSchema(Schema):
    status = fields.String()


class RegistrationSchema(Schema):
    id = Int()
    name = fields.String()
    phone = fields.String()
    party_size = Int()
    status = fields.String()
    source = fields.String()
    answers = fields.Dict()
    is_customer = fields.Boolean(attribute="was_customer")
    customer_id = Int()
    referrer = fields.Function(lambda r: (r.referrer_user.username if r.referrer_user else
                                          (r.referrer_customer.name if r.referrer_customer else None)))
    created_at = LocalDateTime()
    checked_in_at = LocalDateTime(allow_none=True)
    checkin_method = fields.String(allow_none=True)
    ticket_url = fields.String()


class RegistrationListSchema(Schema):
    items = fields.List(fields.Nested(RegistrationSchema))


class RegistrationQuerySchema(Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=50))
    status = fields.String(load_default=None, validate=validate.OneOf(["confirmed", "waitlisted", "cancelled"]))
