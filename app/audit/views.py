from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from app.audit.models import AuditEntry
from app.audit.services import ACTIONS
from app.extensions import db
from app.security import permission_required, scope_to_outlets
from app.timefmt import local_tz

bp = Blueprint("audit", __name__, url_prefix="/admin/audit", template_folder="templates")
PAGE_SIZE = 50


def _parse_date(raw: str | None):
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date() if raw else None
    except ValueError:
        return None


@bp.route("", methods=["GET"])
@permission_required("audit.view")
def index():
    """The audit log with filters: action, person, object type, date range."""
    args = request.args
    # Managers read their outlet's entries; admins everything (app.security decides).
    stmt = scope_to_outlets(sa.select(AuditEntry), AuditEntry.outlet_id)
    action = args.get("action") or None
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    username = (args.get("user") or "").strip().lower()
    if username:
        stmt = stmt.where(AuditEntry.actor_username == username)
    object_type = (args.get("object_type") or "").strip()
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    customer = args.get("customer", type=int)
    if customer:  # one person: their record opened, exported, changed, erased
        stmt = stmt.where(AuditEntry.object_type == "customers", AuditEntry.object_id == str(customer))
    date_from, date_to = _parse_date(args.get("from")), _parse_date(args.get("to"))
    if date_from:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(date_from, time.min, local_tz()))
    if date_to:
        stmt = stmt.where(AuditEntry.at < datetime.combine(date_to + timedelta(days=1), time.min, local_tz()))
    page = min(max(1, args.get("page", 1, type=int) or 1), 100_000)  # an offset the database can take
    rows = list(db.session.scalars(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                   .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    object_types = [t for t in db.session.scalars(
        scope_to_outlets(sa.select(AuditEntry.object_type).distinct(), AuditEntry.outlet_id)) if t]
    return render_template("audit/index.html", entries=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE,
                           page=page, actions=ACTIONS, object_types=sorted(object_types),
                           filters={"action": action or "", "user": username, "object_type": object_type,
                                    "from": args.get("from", ""), "to": args.get("to", ""),
                                    "customer": str(customer or "")})
