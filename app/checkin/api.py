"""/api/v1 check-in: scans, walk-ins, undo and the live feed. The handlers only translate codes."""

from __future__ import annotations

from app.api import api_blueprint
from app.checkin import services
from app.checkin.models import CheckIn
from app.checkin.schemas import (
    CheckInRequestSchema,
    CheckInResultSchema,
    FeedQuerySchema,
    FeedSchema,
    UndoRequestSchema,
    WalkInRequestSchema,
    WalkInResultSchema,
)
from app.events.models import Event
from app.events.services import event_counts
from app.security import get_scoped_or_404, permission_required

blp = api_blueprint("checkin_api", __name__, "", "Check-in at the door: scans, walk-ins, undo, live feed")


REGISTRATION_FIELDS = ("id", "event_id", "name", "phone_last4", "party_size", "status", "source", "checked_in_at",
                       "checkin_method")


def outcome_payload(outcome: services.Outcome) -> dict:
    """The answer, read before the commit: afterwards every attribute would be loaded again."""
    registration = outcome.registration
    undo_until = (registration.checked_in_at + services.UNDO_WINDOW
                  if outcome.result == "checked_in" and registration.checked_in_at else None)
    return {"result": outcome.result, "checked_in_at": registration.checked_in_at, "checkin_id": outcome.checkin_id,
            "replayed": outcome.replayed, "undo_until": undo_until,
            "registration": {name: getattr(registration, name) for name in REGISTRATION_FIELDS}}


@blp.route("/checkins", methods=["POST"])
@permission_required("checkin.scan")
@blp.arguments(CheckInRequestSchema)
@blp.response(201, CheckInResultSchema)
@blp.alt_response(200, schema=CheckInResultSchema, description="already checked in (result already_checked_in)")
def create_checkin(body):
    """Check a ticket in: 201 the first time (or a retry with the same nonce), 200 `already_checked_in` after.

    409 `not_confirmed` (waitlisted or cancelled), `wrong_event`, `event_not_open`, `not_event_day` (today is
    not the event's day: send again with `confirm_outside_day: true` once staff confirmed);
    404 unknown or tampered ticket; 403 a ticket of another outlet's event.
    Error answers carry `result` beside `error`.
    """
    registration = services.registration_for_scan(body["ticket"])
    outcome = services.check_in(registration, method=body["method"], device=body["device"], nonce=body["nonce"],
                                event_id=body["event_id"], confirm_outside_day=body["confirm_outside_day"])
    payload = outcome_payload(outcome)
    return payload, 201 if outcome.created else 200


@blp.route("/checkins/<int:checkin_id>/undo", methods=["POST"])
@permission_required("checkin.scan")
@blp.arguments(UndoRequestSchema)
@blp.response(200, CheckInResultSchema)
def undo_checkin(body, checkin_id: int):
    """Take a check-in back; recorded as an `undo` history row and in the audit log.

    Staff take back their own check-in within 10 minutes (403 `undo_not_allowed` after that or for
    someone else's); managers and admins any check-in at any time. 409 `not_checked_in` when this
    check-in was undone already (even if the ticket was checked in again since).
    """
    row = get_scoped_or_404(CheckIn, checkin_id, outlet_of=lambda c: c.registration.event.outlet_id)
    undo = services.undo_check_in(row.registration, device=body["device"], reason=body["reason"],
                                  checkin_id=row.id)
    payload = {**outcome_payload(services.Outcome("undone", row.registration, undo.id))}
    return payload


@blp.route("/events/<int:event_id>/walk-ins", methods=["POST"])
@permission_required("checkin.scan")
@blp.arguments(WalkInRequestSchema)
@blp.response(201, WalkInResultSchema)
@blp.alt_response(200, schema=WalkInResultSchema, description="this phone had registered already")
def create_walk_in(body, event_id: int):
    """Register a walk-in and check them in at once; 409 `event_full` unless `over_capacity` is true."""
    event = get_scoped_or_404(Event, event_id)
    walk_in = services.walk_in(event, name=body["name"], phone=body["phone"], party_size=body["party_size"],
                               answers=body["answers"], over_capacity=body["over_capacity"], device=body["device"],
                               confirm_outside_day=body["confirm_outside_day"])
    payload = {**outcome_payload(walk_in.outcome), "created": walk_in.created,
               "over_capacity": walk_in.registration.over_capacity}
    return payload, 201 if walk_in.created else 200


@blp.route("/events/<int:event_id>/checkins", methods=["GET"])
@permission_required("checkin.scan")
@blp.arguments(FeedQuerySchema, location="query")
@blp.response(200, FeedSchema)
def checkin_feed(query, event_id: int):
    """The live feed for the scanner and event pages: the newest history rows after `since`, and the counts."""
    event = get_scoped_or_404(Event, event_id)
    items = services.recent_checkins(event, query["since"], query["limit"])
    counts = event_counts(event)
    return {"items": items, "last_id": items[0].id if items else query["since"],
            "counts": {**counts, "capacity": event.capacity}}
