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


# --- the public API (app.events.api.public_blp): no login ---

class PublicEventSchema(Schema):
    title = fields.String()
    description = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    venue = fields.String()
    seats_left = Int()
    status = fields.String(metadata={"description": "published (open or closed for registration) or finished"})
    registration_open = fields.Boolean()
    max_party_size = Int()
    questions = fields.List(fields.Dict())
    outlet_name = fields.String()


class RegistrationRequestSchema(Schema):
    name = fields.String(required=True)
    phone = fields.String(required=True)
    consent = fields.Boolean(required=True)
    party_size = Int(load_default=1, strict=True)
    answers = fields.Dict(load_default=dict)
    ref = fields.String(load_default=None, validate=validate.Length(max=16))
    marketing_consent = fields.Boolean(load_default=False, metadata={
        "description": "the separate consent to receive the outlet's invitations (an unticked box of its own)"})


class RegistrationResultSchema(Schema):
    status = fields.String()
    ticket_token = fields.String()
    ticket_url = fields.String()


class AlreadyRegisteredSchema(Schema):
    status = fields.String(metadata={"description": "already_registered"})


class PartySizeRequestSchema(Schema):
    party_size = fields.Integer(required=True, strict=True)


class PartySizeResultSchema(Schema):
    status = fields.String()
    party_size = fields.Integer()


class VoucherSchema(Schema):
    code = fields.String()
    offer_title = fields.String()
    partner_name = fields.String()
    terms = fields.String()
    valid_until = fields.Date()
    status = fields.String(metadata={"description": "unused, redeemed, expired or void"})
    redeemed_at = LocalDateTime(allow_none=True)


class TicketEventSchema(Schema):
    title = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    venue = fields.String()
    status = fields.String()
    outlet_name = fields.String()


# A ticket as its holder sees it. Features above events fill fields of it through
# app.events.signals.ticket_fields: `vouchers` is the alliance's (app.alliance.public).
class TicketSchema(Schema):

    event = fields.Nested(TicketEventSchema)
    name = fields.String()
    party_size = Int()
    status = fields.String()
    checked_in_at = LocalDateTime(allow_none=True)
    vouchers = fields.List(fields.Nested(VoucherSchema))


class InvitationRequestSchema(Schema):
    segments = fields.List(fields.String(validate=validate.OneOf(list(SEGMENTS))), load_default=None,
                           metadata={"description": "invite the outlet's customers in any of these groups"})
    customer_ids = fields.List(Int(strict=True), load_default=None, validate=validate.Length(max=5000),
                               metadata={"description": "invite these customers of the outlet (hand-picked)"})


class InvitationSkippedSchema(Schema):
    no_consent = Int(metadata={"description": "never gave or withdrew marketing consent"})
    opted_out = Int(metadata={"description": "replied T/TD/R/退订"})
    already_registered = Int()
    recently_invited = Int(metadata={"description": "sent an invitation in the last 7 days"})


class InvitationResultSchema(Schema):
    queued = Int()
    skipped = fields.Nested(InvitationSkippedSchema)


class MessageSchema(Schema):
    id = Int()
    kind = fields.String()
    to = fields.String(metadata={"description": "the masked number, 138****1234"})
    status = fields.String(metadata={"description": "pending, sent, delivered, failed or cancelled"})
    attempts = Int()
    sent_at = Moment(allow_none=True)


class MessageListSchema(Schema):
    items = fields.List(fields.Nested(MessageSchema))
