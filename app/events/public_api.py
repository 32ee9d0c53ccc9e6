"""The public JSON API (no login; rate limited): event info, registration, tickets."""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields, validate

from app.alliance.services import voucher_state
from app.api import api_blueprint
from app.events import registration as service
from app.events import tickets
from app.events.models import Event
from app.events.public import (
    limit_body,
    phone_key,
    published_event_or_404,
    ticket_or_404,
    vouchers_of,
)
from app.events.schemas import StatusSchema
from app.events.services import event_counts
from app.extensions import db, limiter
from app.fields import Int, LocalDateTime
from app.privacy import mask_name
from app.security import public
from app.urls import external_url

blp = api_blueprint("public_api", __name__, "/public", "Public registration and tickets (no login, rate limited)")
blp.before_request(limit_body)


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


class TicketSchema(Schema):
    event = fields.Nested(TicketEventSchema)
    name = fields.String()
    party_size = Int()
    status = fields.String()
    checked_in_at = LocalDateTime(allow_none=True)
    vouchers = fields.List(fields.Nested(VoucherSchema))


def public_event(event: Event) -> dict:
    return {"title": event.title, "description": event.description, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "venue": event.venue, "seats_left": event_counts(event)["seats_left"],
            "status": event.status, "registration_open": service.registration_is_open(event),
            "max_party_size": event.max_party_size, "questions": event.questions, "outlet_name": event.outlet.name}


@blp.route("/events/<slug>", methods=["GET"])
@public
@limiter.limit("60 per minute")
@blp.response(200, PublicEventSchema)
def get_event(slug: str):
    """A published event's public details and seats left; drafts and cancelled events are 404."""
    return public_event(published_event_or_404(slug))


@blp.route("/events/<slug>/registrations", methods=["POST"])
@public
@limiter.limit("20 per minute")
@limiter.limit("5 per 10 minutes", key_func=phone_key)
@blp.arguments(RegistrationRequestSchema)
@blp.response(201, RegistrationResultSchema)
@blp.alt_response(200, schema=AlreadyRegisteredSchema, description=(
    "This phone was already registered: nothing more is said, the ticket link is sent to that phone again"))
def register(body, slug: str):
    """Register: confirmed or waitlisted at once.

    The same phone again answers 200 `{"status": "already_registered"}` and nothing
    else (a phone number is not proof of identity); the ticket link goes to that
    phone again (`ticket_resent`, at most once per 10 minutes).
    """
    event = published_event_or_404(slug)
    registration = tickets.register_or_resend(event, service.RegistrationInput(**body))
    if registration is None:
        db.session.commit()
        response = jsonify({"status": "already_registered"})
        response.status_code = 200
        return response
    # Read before the commit: afterwards every attribute would be loaded again.
    result = {"status": registration.status, "ticket_token": registration.ticket_token,
              "ticket_url": external_url("public.ticket", token=registration.ticket_token)}
    db.session.commit()
    return result


@blp.route("/tickets/<token>", methods=["GET"])
@public
@limiter.limit("120 per minute")
@blp.response(200, TicketSchema)
def get_ticket(token: str):
    """A ticket with the person's name masked, its check-in state and vouchers."""
    registration = ticket_or_404(token)
    event = registration.event
    return {
        "event": {"title": event.title, "starts_at": event.starts_at, "ends_at": event.ends_at,
                  "venue": event.venue, "status": event.status, "outlet_name": event.outlet.name},
        "name": mask_name(registration.name), "party_size": registration.party_size,
        "status": registration.status, "checked_in_at": registration.checked_in_at,
        "vouchers": [{"code": v.code, "offer_title": v.offer.title, "partner_name": v.offer.partner.name,
                      "terms": v.offer.terms, "valid_until": v.offer.valid_until, "status": voucher_state(v),
                      "redeemed_at": v.redeemed_at} for v in vouchers_of(registration)],
    }


@blp.route("/tickets/<token>/cancel", methods=["POST"])
@public
@limiter.limit("10 per minute")
@blp.response(200, StatusSchema)
def cancel(token: str):
    """Cancel a registration; the freed seats go to the waitlist, first come first served."""
    registration = ticket_or_404(token)
    service.cancel_registration(registration)
    db.session.commit()
    return {"status": registration.status}


@blp.route("/tickets/<token>/party-size", methods=["POST"])
@public
@limiter.limit("10 per minute")
@blp.arguments(PartySizeRequestSchema)
@blp.response(200, PartySizeResultSchema)
def change_party_size(body, token: str):
    """Change the number of people (1 to the event's `max_party_size`); 409 `event_full` when the seats
    are not there (a confirmed ticket keeps its seats), 409 `registration_closed` to grow after the deadline."""
    registration = ticket_or_404(token)
    tickets.change_party_size(registration, body["party_size"])
    result = {"status": registration.status, "party_size": registration.party_size}
    db.session.commit()
    return result
