from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.api import api_blueprint
from app.events import registration as registration_service
from app.events import services
from app.events.models import Event
from app.events.schemas import (
    CancelEventSchema,
    EventCreateSchema,
    EventListSchema,
    EventQuerySchema,
    EventSchema,
    EventUpdateSchema,
    PublishSchema,
    RegistrationListSchema,
    RegistrationQuerySchema,
    StatusSchema,
)
from app.events.services import EventInput
from app.extensions import db
from app.org.models import Outlet
from app.security import get_scoped_or_404, permission_required, scope_to_outlets
from app.timefmt import local_tz
from app.urls import external_url

blp = api_blueprint("events_api", __name__, "/events", "Events: drafts, publishing, registrations")


def event_payload(event: Event) -> Event:
    """Attach what API.md shows beside the columns: live counts, offers, the public address."""
    event.counts = services.event_counts(event)
    event.offer_ids = services.offer_ids(event)
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
    events = db.session.scalars(stmt.order_by(Event.starts_at, Event.id).limit(query["limit"])
                                .offset(query["offset"]))
    return {"items": [event_payload(e) for e in events]}


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


@blp.route("/<int:event_id>", methods=["DELETE"])
@permission_required("events.edit")
@blp.response(204)
def delete_event(event_id: int):
    """Delete a draft (published events are cancelled instead)."""
    services.delete_draft(get_scoped_or_404(Event, event_id))
