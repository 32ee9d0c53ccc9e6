"""Result pages: the event report PDF and the outlet dashboard (page and XLSX)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import services as audit
from app.events.models import Event
from app.extensions import db
from app.followups import dashboard as figures
from app.followups.exports import dashboard_xlsx, report_pdf
from app.org.models import Outlet
from app.org.services import visible_outlets
from app.security import get_scoped_or_404, may_see_outlet, permission_required
from app.timefmt import local_today

bp = Blueprint("results", __name__, template_folder="templates")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/events/<int:event_id>/report.pdf", methods=["GET"])
@permission_required("events.view")
def report(event_id: int):
    event = get_scoped_or_404(Event, event_id)
    body = report_pdf(event)
    audit.record("export", obj=event, details={"what": "event_report", "format": "pdf"})
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=event-{event.id}-report.pdf", "Cache-Control": "private, no-store"})


def _outlet() -> Outlet | None:
    """The outlet to show: a manager's own; an admin may pick one (?outlet=CODE) or see all."""
    if current_user.outlet_id is not None:
        return current_user.outlet
    code = request.args.get("outlet")
    outlet = db.session.scalar(sa.select(Outlet).where(Outlet.code == code)) if code else None
    return outlet if outlet is not None and may_see_outlet(outlet.id) else None


def _day() -> date:
    """A day inside the month to show: ?month=YYYY-MM (to look back), else today."""
    try:
        return datetime.strptime(request.args.get("month", ""), "%Y-%m").date()
    except ValueError:
        return local_today()


@bp.route("/dashboard", methods=["GET"])
@permission_required("dashboard.view")
def dashboard():
    outlet = _outlet()
    day = _day()
    periods = figures.dashboard(outlet.id if outlet else None, today=day)
    previous = (day.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return render_template("followups/dashboard.html", periods=periods, outlet=outlet, day=day,
                           previous_month=previous,
                           outlets=visible_outlets() if current_user.outlet_id is None else [],
                           chart_json=json.dumps(figures.chart_data(periods), ensure_ascii=False))


@bp.route("/dashboard.xlsx", methods=["GET"])
@permission_required("dashboard.view")
def dashboard_file():
    outlet = _outlet()
    day = _day()
    periods = figures.dashboard(outlet.id if outlet else None, today=day)
    label = outlet.name if outlet else _("全部网点")
    body = dashboard_xlsx(periods, label)
    audit.record("export", object_type="dashboard", outlet_id=outlet.id if outlet else None,
                 details={"what": "dashboard", "format": "xlsx", "outlet": outlet.code if outlet else None})
    filename = f"dashboard-{outlet.code if outlet else 'all'}-{day:%Y-%m}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={filename}",
                                                  "Cache-Control": "private, no-store"})
