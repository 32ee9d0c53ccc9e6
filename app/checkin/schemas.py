from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Int, LocalDateTime
from app.privacy import mask_name


class CheckInRequestSchema(Schema):
    ticket = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "the ticket token, or the whole scanned ticket URL"})
    nonce = fields.String(load_default=None, validate=validate.Length(min=8, max=64),
                          metadata={"description": "client-chosen id of this scan; a retry with the same nonce "
                                                   "is answered like the first request"})
    device = fields.String(load_default=None, validate=validate.Length(max=120))
    method = fields.String(load_default="scan", validate=validate.OneOf(["scan", "link", "search"]))
    event_id = Int(load_default=None, strict=True,
                              metadata={"description": "the scanner page's event: another event's ticket is 409 "
                                                       "wrong_event"})
    confirm_outside_day = fields.Boolean(load_default=False, metadata={
        "description": "staff confirmed a check-in on another day than the event's; without it such a "
                       "check-in is 409 not_event_day (with event_date, today, days_until)"})


class CheckedInRegistrationSchema(Schema):
    id = Int()
    event_id = Int()
    name = fields.String(metadata={"description": "full name: the caller is staff of the event's outlet"})
    masked_name = fields.Function(lambda r: mask_name(r["name"] if isinstance(r, dict) else r.name))
    phone_last4 = fields.String()
    party_size = Int()
    status = fields.String()
    source = fields.String()
    checked_in_at = LocalDateTime(allow_none=True)
    checkin_method = fields.String(allow_none=True)


class CheckInResultSchema(Schema):
    result = fields.String(metadata={"description": "checked_in | already_checked_in (undo: undone)"})
    registration = fields.Nested(CheckedInRegistrationSchema)
    checked_in_at = LocalDateTime(allow_none=True)
    checkin_id = Int(allow_none=True)
    replayed = fields.Boolean(metadata={"description": "true when this answers a retry (same nonce)"})
    undo_until = LocalDateTime(allow_none=True, metadata={
        "description": "until when the staff member who checked in may take it back "
                       "(POST /checkins/{checkin_id}/undo); managers may at any time"})


class WalkInRequestSchema(Schema):
    name = fields.String(required=True)
    phone = fields.String(required=True)
    party_size = Int(load_default=1, strict=True)
    answers = fields.Dict(load_default=dict, metadata={
        "description": "answers to the event's questions by key; required questions must be answered"})
    over_capacity = fields.Boolean(load_default=False, metadata={
        "description": "let the person in past capacity; recorded on the registration and in the audit log"})
    device = fields.String(load_default=None, validate=validate.Length(max=120))
    confirm_outside_day = fields.Boolean(load_default=False, metadata={
        "description": "as for POST /checkins: without it a walk-in on another day is 409 not_event_day"})


class WalkInResultSchema(CheckInResultSchema):
    created = fields.Boolean(metadata={"description": "false: this phone had registered already"})
    over_capacity = fields.Boolean()


class UndoRequestSchema(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=200))
    device = fields.String(load_default=None, validate=validate.Length(max=120))


class HistoryRowSchema(Schema):
    id = Int()
    kind = fields.String()
    method = fields.String()
    at = LocalDateTime()
    registration_id = Int()
    masked_name = fields.Function(lambda c: mask_name(c.registration.name))
    party_size = fields.Function(lambda c: c.registration.party_size)
    user = fields.Function(lambda c: c.user.display_name if c.user else None)
    device = fields.String(allow_none=True)


class FeedQuerySchema(Schema):
    since = Int(load_default=None, validate=validate.Range(min=0),
                           metadata={"description": "the largest history id already seen"})
    limit = Int(load_default=20, validate=validate.Range(min=1, max=100))


class FeedCountsSchema(Schema):
    confirmed = Int()
    checked_in = Int()
    walk_ins = Int()
    people_checked_in = Int()
    walk_in_people = Int()
    seats_taken = Int(metadata={"description": "people (party sizes) of confirmed registrations"})
    capacity = Int()


class FeedSchema(Schema):
    items = fields.List(fields.Nested(HistoryRowSchema))
    last_id = Int(allow_none=True)
    counts = fields.Nested(FeedCountsSchema)
