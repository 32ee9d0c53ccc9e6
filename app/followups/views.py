"""Follow-up pages: the list (with bulk reassignment), one item with its record form, 开拓名单, daily closing;
and the result pages: the event report PDF and the outlet dashboard (page and XLSX)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import services as audit
from app.auth.models import User
from app.errors import DomainError, ValidationFailed
from app.events.models import Event
from app.extensions import db
from app.followups import dashboard as figures
from app.followups import queries, services
from app.followups.exports import dashboard_xlsx, report_pdf
from app.followups.forms import RecordForm
from app.followups.models import LISTS, STATUSES, FollowUp, FollowUpContact
from app.followups.services import ContactInput
from app.followups.vocabulary import LIST_NAMES, STATUS_NAMES
from app.form_errors import show_field_errors
from app.org.models import Outlet
from app.org.services import visible_outlets
from app.security import can, get_scoped_or_404, may_see_outlet, permission_required, scope_to_outlets
from app.timefmt import local_today
from app.unit_of_work import discard

bp = Blueprint("followups", __name__, template_folder="templates")
# The result pages keep their own blueprint so their endpoints stay `results.report`, `results.dashboard`
# and `results.dashboard_file` (templates, the tab bar and links elsewhere name them).
results_bp = Blueprint("results", __name__, template_folder="templates")
PAGE_SIZE = 100


def _names() -> dict:
    return {"list_names": LIST_NAMES, "status_names": STATUS_NAMES}


@bp.route("/followups", methods=["GET"])
@permission_required("followups.work")
def index():
    args = request.args
    manager = can(current_user, "followups.assign")
    who = args.get("who") or ("all" if manager else "mine")
    event_id = args.get("event_id", type=int)
    page = min(max(1, args.get("page", 1, type=int) or 1), 100_000)  # an offset the database can take
    filters = queries.FollowUpFilter(
        event_id=event_id, list=args.get("list") if args.get("list") in LISTS else None,
        status=args.get("status") if args.get("status") in STATUSES else None,
        assignee_id=current_user.id if who == "mine" else None, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    items = queries.followups(filters)
    event = get_scoped_or_404(Event, event_id) if event_id else None
    staff = queries.outlet_staff(None) if manager else []
    return render_template("followups/index.html", items=items[:PAGE_SIZE], has_more=len(items) > PAGE_SIZE,
                           page=page, filters=filters, who=who, event=event, manager=manager, staff=staff,
                           repeat=queries.repeat_no_show_ids(f.customer_id for f in items), **_names())


@bp.route("/followups/<int:followup_id>", methods=["GET", "POST"])
@permission_required("followups.work")
def detail(followup_id: int):
    followup = get_scoped_or_404(FollowUp, followup_id)
    form = RecordForm()
    if form.validate_on_submit():
        try:
            services.record_contact(followup, ContactInput(
                status=form.status.data, note=form.note.data, product=form.product.data or None,
                amount=form.amount.data, contact_method=form.contact_method.data,
                next_due_date=form.next_due_date.data))
        except ValidationFailed as exc:
            discard()
            followup = get_scoped_or_404(FollowUp, followup_id)
            show_field_errors(form, exc.fields, field_name=lambda key: key.removeprefix("outcome."))
        else:
            flash(_("已记录：%(status)s", status=STATUS_NAMES[followup.status]), "success")
            return redirect(url_for("followups.detail", followup_id=followup.id), code=303)
    contacts = list(db.session.scalars(sa.select(FollowUpContact).where(FollowUpContact.followup_id == followup.id)
                                       .order_by(FollowUpContact.at.desc(), FollowUpContact.id.desc())))
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_({c.user_id for c in contacts if c.user_id})))}
    siblings = list(db.session.scalars(sa.select(FollowUp).where(
        FollowUp.registration_id == followup.registration_id, FollowUp.id != followup.id)
        .order_by(FollowUp.sequence)))
    return render_template("followups/detail.html", f=followup, form=form, contacts=contacts, users=users,
                           siblings=siblings, repeat=bool(queries.repeat_no_show_ids([followup.customer_id])),
                           **_names())


@bp.route("/followups/reassign", methods=["POST"])
@permission_required("followups.assign")
def reassign():
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    back = request.form.get("back") or url_for("followups.index")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("followups.index")
    if not ids:
        flash(_("请先勾选要转交的跟进"), "error")
        return redirect(back, code=303)
    items = list(db.session.scalars(scope_to_outlets(sa.select(FollowUp).where(FollowUp.id.in_(ids)),
                                                     FollowUp.outlet_id)))
    assignee = db.session.scalar(sa.select(User).where(User.username == request.form.get("assignee", "")))
    try:
        count = services.reassign(items, assignee)
    except DomainError as exc:
        discard()
        flash(next(iter((exc.fields or {}).values()), exc.message), "error")
        return redirect(back, code=303)
    assert assignee is not None  # reassign refuses no one
    flash(_("已转交 %(n)d 条跟进给 %(name)s", n=count, name=assignee.display_name), "success")
    return redirect(back, code=303)


@bp.route("/followups/prospects", methods=["GET"])
@permission_required("followups.work")
def prospects():
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 100_000)  # an offset the database can take
    rows = queries.prospects(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template("followups/prospects.html", rows=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE,
                           page=page, **_names())


@bp.route("/followups/team", methods=["GET"])
@permission_required("followups.assign")
def team():
    return render_template("followups/team.html", days=queries.team_day(), **_names())


@bp.route("/events/<int:event_id>/finish", methods=["POST"])
@permission_required("events.finish")
def finish(event_id: int):
    event = get_scoped_or_404(Event, event_id)
    try:
        created = services.finish_event(event)
    except DomainError as exc:
        discard()
        flash(exc.message, "error")
        return redirect(url_for("events.detail", event_id=event_id), code=303)
    flash(_("活动已结束，生成跟进 %(n)d 条", n=created), "success")
    return redirect(url_for("followups.index", event_id=event_id, who="all"), code=303)


# --- result pages: the event report and the outlet dashboard ---------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@results_bp.route("/events/<int:event_id>/report.pdf", methods=["GET"])
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


@results_bp.route("/dashboard", methods=["GET"])
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


@results_bp.route("/dashboard.xlsx", methods=["GET"])
@permission_required("dashboard.view")
def dashboard_file():
    outlet = _outlet()
    day = _day()
    periods = figures.dashboard(outlet.id if outlet else None, today=day)
    branch = getattr(current_user, "branch", None)
    label = outlet.name if outlet else (branch.name if branch else _("全部网点"))
    body = dashboard_xlsx(periods, label)
    audit.record("export", object_type="dashboard", outlet_id=outlet.id if outlet else None,
                 details={"what": "dashboard", "format": "xlsx", "outlet": outlet.code if outlet else None})
    filename = f"dashboard-{outlet.code if outlet else (branch.code if branch else 'all')}-{day:%Y-%m}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={filename}",
                                                  "Cache-Control": "private, no-store"})
