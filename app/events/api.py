"""The JSON API of events: staff's `/api/v1/events` (drafts, publishing, registrations) and the public
`/api/v1/public` (no login, rate limited: event info, registration, tickets)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import jsonify

from app.api import api_blueprint
from app.events import queries, services, tickets
from app.events import registration as registration_service
from app.events.models import Event
from app.events.public import (
    event_to_register_or_404,
    limit_body,
    phone_key,
    published_event_or_404,
    ticket_or_404,
)
from app.events.queries import event_counts_many
from app.events.schemas import (
    AlreadyRegisteredSchema,
    CancelEventSchema,
    EventCreateSchema,
    EventListSchema,
    EventQuerySchema,
    EventSchema,
    EventUpdateSchema,
    InvitationRequestSchema,
    InvitationResultSchema,
    MessageListSchema,
    PartySizeRequestSchema,
    PartySizeResultSchema,
    PublicEventSchema,
    PublishSchema,
    RegistrationListSchema,
    RegistrationQuerySchema,
    RegistrationRequestSchema,
    RegistrationResultSchema,
    StatusSchema,
    TicketSchema,
)
from app.events.services import EventInput
from app.events.signals import ticket_fields
from app.extensions import db, limiter
from app.org.models import Outlet
from app.privacy import mask_name, mask_phone
from app.security import get_scoped_or_404, permission_required, public, scope_to_outlets
from app.timefmt import local_tz
from app.urls import external_url

blp = api_blueprint("events_api", __name__, "/events", "Events: drafts, publishing, registrations")


def event_payload(event: Event, counts: dict[str, int] | None = None, offer_ids: list[int] | None = None) -> Event:
    """Attach what API.md shows beside the columns: live counts, offers, the public address."""
    event.counts = counts if counts is not None else services.event_counts(event)
    event.offer_ids = offer_ids if offer_ids is not None else services.offer_ids(event)
    event.registration_url = external_url("public.register", slug=event.slug) if event.slug else None
    return event


def _input(body: dict) -> EventInput:
    return EventInput(**{k: v for k, v in body.items() if k in EventInput.__dataclass_fields__})


@blp.route("", methods=["POST"])
@permission_required("events.edit")
@blp.arguments(EventCreateSchema)
@blp.response(201, EventSchema)
def create_event(body):
    """Create a draft event from a template in one of the caller's outlets."""
    event = services.create_event(_input(body))
    return event_payload(event)


@blp.route("", methods=["GET"])
@permission_required("events.view")
@blp.arguments(EventQuerySchema, location="query")
@blp.response(200, EventListSchema)
def list_events(query):
    """Events of the caller's outlets, filtered by outlet, status and date range (by start)."""
    stmt = scope_to_outlets(sa.select(Event), Event.outlet_id)
    if query["outlet_code"]:
        stmt = stmt.join(Outlet).where(Outlet.code == query["outlet_code"])
    if query["status"]:
        stmt = stmt.where(Event.status == query["status"])
    if query["from_"]:
        stmt = stmt.where(Event.starts_at >= datetime.combine(query["from_"], time.min, local_tz()))
    if query["to"]:
        stmt = stmt.where(Event.starts_at < datetime.combine(query["to"] + timedelta(days=1), time.min, local_tz()))
    events = list(db.session.scalars(stmt.order_by(Event.starts_at, Event.id).limit(query["limit"])
                                     .offset(query["offset"])))
    counts = event_counts_many(events)  # one query each for the page, not one per event
    offers = services.offer_ids_many(events)
    return {"items": [event_payload(e, counts[e.id], offers[e.id]) for e in events]}


@blp.route("/<int:event_id>", methods=["GET"])
@permission_required("events.view")
@blp.response(200, EventSchema)
def get_event(event_id: int):
    """One event with live counts."""
    return event_payload(get_scoped_or_404(Event, event_id))


@blp.route("/<int:event_id>", methods=["PATCH"])
@permission_required("events.edit")
@blp.arguments(EventUpdateSchema)
@blp.response(200, EventSchema)
def update_event(body, event_id: int):
    """Edit an event that is not over; raising capacity promotes waitlisted registrations."""
    event = services.update_event(get_scoped_or_404(Event, event_id), _input(body))
    return event_payload(event)


@blp.route("/<int:event_id>/publish", methods=["POST"])
@permission_required("events.publish")
@blp.response(200, PublishSchema)
def publish_event(event_id: int):
    """Open registration: a short unguessable slug, the registration URL and the poster files."""
    event = services.publish(get_scoped_or_404(Event, event_id))
    return {"status": event.status, "slug": event.slug,
            "registration_url": external_url("public.register", slug=event.slug),
            "poster_png_url": external_url("events.poster_png", event_id=event.id),
            "poster_pdf_url": external_url("events.poster_pdf", event_id=event.id)}


@blp.route("/<int:event_id>/cancel", methods=["POST"])
@permission_required("events.cancel")
@blp.arguments(CancelEventSchema)
@blp.response(200, StatusSchema)
def cancel_event(body, event_id: int):
    """Cancel the event; every confirmed and waitlisted registrant is notified."""
    event = services.cancel_event(get_scoped_or_404(Event, event_id), body.get("reason"))
    return {"status": event.status}


@blp.route("/<int:event_id>/registrations", methods=["GET"])
@permission_required("events.view")
@blp.arguments(RegistrationQuerySchema, location="query")
@blp.response(200, RegistrationListSchema)
def list_registrations(query, event_id: int):
    """The event's registrations with full names and numbers, for the outlet's own staff."""
    event = get_scoped_or_404(Event, event_id)
    items = registration_service.registrations_for(event, query["q"], query["status"])
    for item in items:
        item.ticket_url = external_url("public.ticket", token=item.ticket_token)
    return {"items": items}


@blp.route("/<int:event_id>/invitations", methods=["POST"])
@permission_required("events.edit")
@blp.arguments(InvitationRequestSchema)
@blp.response(202, InvitationResultSchema)
def invite(body, event_id: int):
    """Invite the outlet's customers by segment and/or a hand-picked list; only those with marketing consent,
    not opted out, not registered and not invited in the last 7 days are sent a text (the others are counted
    by reason). 409 `invalid_state` unless published, `registration_closed` once registration closed."""
    result = services.invite(get_scoped_or_404(Event, event_id), segments=body["segments"],
                             customer_ids=body["customer_ids"])
    return {"queued": result.queued, "skipped": result.skipped}


@blp.route("/<int:event_id>/messages", methods=["GET"])
@permission_required("events.view")
@blp.response(200, MessageListSchema)
def list_messages(event_id: int):
    """The SMS sent (or queued) for this event, newest first, with masked numbers."""
    messages = queries.event_messages(get_scoped_or_404(Event, event_id))
    return {"items": [{"id": m.id, "kind": m.kind, "to": mask_phone(m.recipient), "status": m.status,
                       "attempts": m.attempts, "sent_at": m.sent_at} for m in messages]}


@blp.route("/<int:event_id>", methods=["DELETE"])
@permission_required("events.edit")
@blp.response(204)
def delete_event(event_id: int):
    """Delete a draft (published events are cancelled instead)."""
    services.delete_draft(get_scoped_or_404(Event, event_id))


# --- The public JSON API (no login; rate limited): event info, registration, tickets. ---

public_blp = api_blueprint("public_api", __name__, "/public",
                           "Public registration and tickets (no login, rate limited)")
public_blp.before_request(limit_body)


def public_event(event: Event) -> dict:
    return {"title": event.title, "description": event.description, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "venue": event.venue, "seats_left": services.event_counts(event)["seats_left"],
            "status": event.status, "registration_open": registration_service.registration_is_open(event),
            "max_party_size": event.max_party_size, "questions": event.questions, "outlet_name": event.outlet.name}


@public_blp.route("/events/<slug>", methods=["GET"], endpoint="get_event")
@public
@limiter.limit("60 per minute")
@public_blp.response(200, PublicEventSchema)
def get_public_event(slug: str):
    """A published event's public details and seats left; drafts and cancelled events are 404."""
    return public_event(published_event_or_404(slug))


@public_blp.route("/events/<slug>/registrations", methods=["POST"])
@public
@limiter.limit("20 per minute")
@limiter.limit("5 per 10 minutes", key_func=phone_key)
@public_blp.arguments(RegistrationRequestSchema)
@public_blp.response(201, RegistrationResultSchema)
@public_blp.alt_response(200, schema=AlreadyRegisteredSchema, description=(
    "This phone was already registered: nothing more is said, the ticket link is sent to that phone again"))
def register(body, slug: str):
    """Register: confirmed or waitlisted at once.

    The same phone again answers 200 `{"status": "already_registered"}` and nothing
    else (a phone number is not proof of identity); the ticket link goes to that
    phone again (`ticket_resent`, at most once per 10 minutes).
    """
    event = event_to_register_or_404(slug)
    registration = tickets.register_or_resend(event, registration_service.RegistrationInput(**body))
    if registration is None:
        response = jsonify({"status": "already_registered"})
        response.status_code = 200
        return response
    # Read now: after the request's commit every attribute would be loaded again.
    result = {"status": registration.status, "ticket_token": registration.ticket_token,
              "ticket_url": external_url("public.ticket", token=registration.ticket_token)}
    return result


@public_blp.route("/tickets/<token>", methods=["GET"])
@public
@limiter.limit("120 per minute")
@public_blp.response(200, TicketSchema)
def get_ticket(token: str):
    """A ticket with the person's name masked, its check-in state and vouchers."""
    registration = ticket_or_404(token)
    event = registration.event
    return {
        "event": {"title": event.title, "starts_at": event.starts_at, "ends_at": event.ends_at,
                  "venue": event.venue, "status": event.status, "outlet_name": event.outlet.name},
        "name": mask_name(registration.name), "party_size": registration.party_size,
        "status": registration.status, "checked_in_at": registration.checked_in_at,
        **ticket_fields(registration),
    }


@public_blp.route("/tickets/<token>/cancel", methods=["POST"], endpoint="cancel")
@public
@limiter.limit("10 per minute")
@public_blp.response(200, StatusSchema)
def cancel_ticket(token: str):
    """Cancel a registration; the freed seats go to the waitlist, first come first served."""
    registration = ticket_or_404(token)
    registration_service.cancel_registration(registration)
    return {"status": registration.status}


@public_blp.route("/tickets/<token>/party-size", methods=["POST"])
@public
@limiter.limit("10 per minute")
@public_blp.arguments(PartySizeRequestSchema)
@public_blp.response(200, PartySizeResultSchema)
def change_party_size(body, token: str):
    """Change the number of people (1 to the event's `max_party_size`); 409 `event_full` when the seats
    are not there (a confirmed ticket keeps its seats), 409 `registration_closed` to grow after the deadline."""
    registration = ticket_or_404(token)
    tickets.change_party_size(registration, body["party_size"])
    result = {"status": registration.status, "party_size": registration.party_size}
    return result
