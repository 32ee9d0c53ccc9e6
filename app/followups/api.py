"""/api/v1/followups (list, record, reassign) and /api/v1/events/{id}/finish and /stats."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user

from app.api import api_blueprint
from app.auth.models import User
from app.errors import NotFound, ValidationFailed
from app.events.models import Event
from app.extensions import db
from app.followups import queries, services
from app.followups.models import FollowUp
from app.followups.results import event_stats
from app.followups.schemas import (
    FinishSchema,
    FollowUpListSchema,
    FollowUpPatchSchema,
    FollowUpQuerySchema,
    FollowUpSchema,
    ReassignResultSchema,
    ReassignSchema,
    StatsSchema,
)
from app.followups.services import ContactInput
from app.security import get_scoped_or_404, permission_required, scope_to_outlets

blp = api_blueprint("followups_api", __name__, "/followups", "Follow-ups: lists, outcomes, reassignment")
events_blp = api_blueprint("event_results_api", __name__, "/events", "Event results: finishing, statistics")


def _assignee_id(raw: str | None) -> int | None:
    if not raw:
        return None
    if raw == "me":
        return current_user.id
    user_id = db.session.scalar(scope_to_outlets(sa.select(User.id).where(User.username == raw.strip().lower()),
                                                 User.outlet_id))
    if user_id is None:
        raise ValidationFailed(fields={"assignee": _("本网点没有这个用户名")})
    return user_id


@blp.route("", methods=["GET"])
@permission_required("followups.work")
@blp.arguments(FollowUpQuerySchema, location="query")
@blp.response(200, FollowUpListSchema)
def list_followups(query):
    """Follow-ups of the caller's outlets; `assignee=me` for one's own, `due_before` includes that day."""
    filters = queries.FollowUpFilter(event_id=query["event_id"], list=query["list"], status=query["status"],
                                     assignee_id=_assignee_id(query["assignee"]), due_before=query["due_before"],
                                     limit=query["limit"], offset=query["offset"])
    return {"items": queries.followups(filters)}


@blp.route("/<int:followup_id>", methods=["PATCH"])
@permission_required("followups.work")
@blp.arguments(FollowUpPatchSchema)
@blp.response(200, FollowUpSchema)
def record_followup(body, followup_id: int):
    """Record a contact: status, note, outcome {product, amount}; `next_due_date` creates the next item."""
    followup = get_scoped_or_404(FollowUp, followup_id)
    outcome = body.get("outcome") or {}
    services.record_contact(followup, ContactInput(
        status=body["status"], note=body.get("note"), product=outcome.get("product"), amount=outcome.get("amount"),
        contact_method=body.get("contact_method"), next_due_date=body.get("next_due_date")))
    return followup


@blp.route("/reassign", methods=["POST"])
@permission_required("followups.assign")
@blp.arguments(ReassignSchema)
@blp.response(200, ReassignResultSchema)
def reassign(body):
    """Give follow-ups to another staff member of the same outlet (managers and admins)."""
    ids = sorted(set(body["ids"]))
    items = list(db.session.scalars(scope_to_outlets(sa.select(FollowUp).where(FollowUp.id.in_(ids)),
                                                     FollowUp.outlet_id)))
    missing = sorted(set(ids) - {f.id for f in items})
    if missing:
        raise NotFound(_("找不到这些跟进，或您无权操作：%(ids)s", ids=", ".join(map(str, missing))))
    assignee = db.session.scalar(sa.select(User).where(User.username == body["assignee"].strip().lower()))
    count = services.reassign(items, assignee)
    return {"reassigned": count}


@events_blp.route("/<int:event_id>/finish", methods=["POST"])
@permission_required("events.finish")
@events_blp.response(200, FinishSchema)
def finish_event(event_id: int):
    """Finish the event and create its follow-up lists; repeating it creates nothing new."""
    event = get_scoped_or_404(Event, event_id)
    created = services.finish_event(event)
    return {"status": event.status, "followups_created": created}


@events_blp.route("/<int:event_id>/stats", methods=["GET"])
@permission_required("events.view")
@events_blp.response(200, StatsSchema)
def stats(event_id: int):
    """The event's results, every figure counted from records."""
    return event_stats(get_scoped_or_404(Event, event_id)).as_api()
