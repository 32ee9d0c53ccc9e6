"""Staff pages for events: the list, the event page, the form, and its actions."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import User
from app.catalogue.queries import template_schedule
from app.catalogue.services import find_template, save_event_as_template
from app.errors import DomainError, ValidationFailed
from app.events import limits, posters, queries, referrals, services
from app.events import questions as question_rules
from app.events import registration as registration_service
from app.events.forms import EventForm
from app.events.models import Event
from app.events.posters import PosterContent
from app.events.queries import event_counts_many
from app.events.services import EventInput
from app.events.signals import OfferChoice, event_offers
from app.extensions import db
from app.form_errors import show_field_errors
from app.notify.services import event_message_counts
from app.org.reference import SEGMENTS
from app.org.services import visible_outlets
from app.security import get_scoped_or_404, permission_required, scope_to_outlets
from app.templating import format_date_cn
from app.timefmt import aware, local_today, local_tz, to_local
from app.unit_of_work import discard
from app.urls import external_url

bp = Blueprint("events", __name__, url_prefix="/events", template_folder="templates")
STATUS_NAMES = {"draft": _l("草稿"), "published": _l("报名中"), "finished": _l("已结束"), "cancelled": _l("已取消")}


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, local_tz())


@bp.route("", methods=["GET"])
@permission_required("events.view")
def index():
    args = request.args
    stmt = scope_to_outlets(sa.select(Event), Event.outlet_id)
    status = args.get("status") if args.get("status") in STATUS_NAMES else None
    if status:
        stmt = stmt.where(Event.status == status)
    when = args.get("when", "upcoming")
    today = _day_start(local_today())
    if when == "upcoming":
        stmt = stmt.where(Event.ends_at >= today).order_by(Event.starts_at)
    elif when == "past":
        stmt = stmt.where(Event.ends_at < today).order_by(Event.starts_at.desc())
    else:
        stmt = stmt.order_by(Event.starts_at.desc())
    owner = args.get("owner")
    if owner == "me":
        stmt = stmt.where(Event.owner_id == current_user.id)
    events = list(db.session.scalars(stmt.limit(200)))
    counts = event_counts_many(events)
    return render_template("events/index.html", events=events, counts=counts, status=status, when=when,
                           owner=owner, status_names=STATUS_NAMES)


@bp.route("/<int:event_id>", methods=["GET"])
@permission_required("events.view")
def detail(event_id: int):
    event = get_scoped_or_404(Event, event_id)
    q = request.args.get("q", "").strip()[:50]
    registrations = registration_service.registrations_for(event, q or None)
    share_url = external_url("public.register", slug=event.slug, ref=current_user.referral_code) if event.slug else None
    offers = event_offers().event_offer_labels(event.id)  # "partner · offer title"
    return render_template("events/detail.html", event=event, counts=services.event_counts(event),
                           registrations=registrations, q=q, referrals=referrals.referral_counts(event),
                           share_url=share_url, status_names=STATUS_NAMES, offers=offers,
                           template=find_template(event.template_key, event.outlet_id),
                           message_counts=event_message_counts(event.id),
                           invitable=services.invitable(event), segments=SEGMENTS,
                           messages=queries.event_messages(event, limit=MESSAGES_ON_PAGE),
                           message_kinds=MESSAGE_KINDS, message_statuses=MESSAGE_STATUSES)


MESSAGES_ON_PAGE = 50
MESSAGE_KINDS = {
    "registration_confirmed": _l("报名成功"), "registration_waitlisted": _l("候补"),
    "waitlist_promoted": _l("候补转正"),
    "ticket_resent": _l("重发凭证"), "event_reminder": _l("活动提醒"), "event_changed": _l("活动变更"),
    "event_cancelled": _l("活动取消"), "registration_cancelled": _l("取消报名"), "voucher_issued": _l("优惠券"),
    "invitation": _l("活动邀请"), "party_size_changed": _l("人数变更"),
}
MESSAGE_STATUSES = {"pending": _l("待发送"), "sent": _l("已发送"), "delivered": _l("已送达"), "failed": _l("发送失败"),
                    "cancelled": _l("已取消")}


@bp.route("/<int:event_id>/invitations", methods=["POST"])
@permission_required("events.edit")
def invite(event_id: int):
    """The event page's invitation form: segments ticked and/or numbers pasted; the counts are flashed."""
    event = get_scoped_or_404(Event, event_id)
    try:
        ids, phones = services.parse_picked(request.form.get("customers", "")[:100_000])
        result = services.invite(event, segments=request.form.getlist("segments"), customer_ids=ids, phones=phones)
    except ValidationFailed as exc:
        discard()
        for message in (exc.fields or {}).values():
            flash(message, "error")
        return redirect(url_for("events.detail", event_id=event_id), code=303)
    except DomainError as exc:
        discard()
        flash(exc.message, "error")
        return redirect(url_for("events.detail", event_id=event_id), code=303)
    skipped = result.skipped
    flash(_("已发出邀请 %(n)d 条。未发送：未同意接收邀请 %(a)d 位，已退订 %(b)d 位，已报名 %(c)d 位，"
            "7 天内已邀请过 %(d)d 位。", n=result.queued, a=skipped["no_consent"], b=skipped["opted_out"],
            c=skipped["already_registered"], d=skipped["recently_invited"]), "success")
    return redirect(url_for("events.detail", event_id=event_id), code=303)


def _event_input(form: EventForm, template_key: str | None, questions: list[dict]) -> EventInput:
    goals = {k: v for k, v in {
        "attendance_rate": form.goal_attendance_rate.data / 100 if form.goal_attendance_rate.data is not None else None,
        "newcomers": form.goal_newcomers.data, "conversions": form.goal_conversions.data}.items() if v is not None}
    outlet_field = getattr(form, "outlet_code", None)  # not on the edit page: an event never moves outlet
    return EventInput(
        template_key=template_key, outlet_code=outlet_field.data if outlet_field else None, title=form.title.data,
        starts_at=aware(form.starts_at.data) if form.starts_at.data else None,
        ends_at=aware(form.ends_at.data) if form.ends_at.data else None,
        registration_closes_at=aware(form.registration_closes_at.data) if form.registration_closes_at.data else None,
        venue=form.venue.data or "", capacity=form.capacity.data, max_party_size=form.max_party_size.data,
        waitlist=bool(form.waitlist.data), description=form.description.data or "", segments=form.segments.data or [],
        questions=questions, offer_ids=form.offer_ids.data or [], budget=form.budget.data,
        actual_cost=form.actual_cost.data, goals=goals)


def _add_error(field, message: str) -> None:
    field.errors = [*(field.errors or []), message]


def _submit(form: EventForm, event: Event | None, template_key: str | None, previous_questions, save):
    """Validate everything at once and call `save(data)`; None (errors attached to the form) when refused.

    The form's own checks, the question rows and the service's rules all run, so every problem
    shows on the first try; the service stays the one place that decides.
    """
    form_ok = form.validate()
    questions, row_errors = question_rules.from_rows(form.question_rows(), previous_questions)
    for (index, name), message in row_errors.items():
        _add_error(form.questions.entries[index].form[name], message)
    data = _event_input(form, template_key, questions)
    if not form_ok or row_errors:
        for key, message in services.validation_errors(data, event).items():
            field = getattr(form, _form_field(key), None)
            if key == "questions" and row_errors:
                continue
            if field is None:
                flash(message, "error")
            elif not field.errors:
                _add_error(field, message)
        return None
    try:
        return save(data)
    except ValidationFailed as exc:
        discard()
        show_field_errors(form, exc.fields, field_name=_form_field)
    except DomainError as exc:
        discard()
        flash(exc.message, "error")
    return None


def _form_field(key: str) -> str:
    # Whole-list problems of the questions are flashed: the rows carry their own errors.
    return {"questions": "questions_summary"}.get(key, key)


def _prefill(form: EventForm, template: dict, offers: list[OfferChoice]) -> None:
    """Start the form from a template: its name, day and times, capacity, questions and partners' offers."""
    form.title.data = template.get("name")
    form.description.data = template.get("description", "")
    form.capacity.data = template.get("default_capacity")
    form.max_party_size.data = template.get("max_party_size", 1)
    form.segments.data = list(template.get("segments", []))
    form.set_questions(template.get("questions", []))
    goals = template.get("goals") or {}
    if goals.get("attendance_rate") is not None:
        form.goal_attendance_rate.data = round(goals["attendance_rate"] * 100)
    form.goal_newcomers.data = goals.get("newcomers")
    form.goal_conversions.data = goals.get("conversions")
    if template.get("budget", {}).get("per_head") and template.get("default_capacity"):
        form.budget.data = template["budget"]["per_head"] * template["default_capacity"]
    suggested = set(template.get("partner_categories", []))
    form.offer_ids.data = [o.id for o in offers if o.category in suggested]
    try:
        chosen = datetime.strptime(request.args.get("date", ""), "%Y-%m-%d").date()
    except ValueError:
        chosen = None
    starts, ends = template_schedule(template, chosen, local_today())
    form.starts_at.data, form.ends_at.data = starts, ends


@bp.route("/new", methods=["GET", "POST"])
@permission_required("events.edit")
def create():
    outlets = visible_outlets()
    offers = services.attachable_offers()
    form = EventForm()
    form.fill_choices(outlets, offers)
    template_key = request.values.get("template") or form.template_key.data
    template = find_template(template_key, current_user.outlet_id) if template_key else None
    if template is None:
        flash(_("请先从模板库选择一个模板"), "info")
        return redirect(url_for("planning.templates"))
    if request.method == "GET":
        _prefill(form, template, offers)
        form.template_key.data = template_key
        if current_user.outlet:
            form.outlet_code.data = current_user.outlet.code
    elif form.add_question.data:
        form.add_blank_rows(1)  # without JavaScript: one more blank question row, nothing saved
    else:
        event = _submit(form, None, template_key, template.get("questions"), services.create_event)
        if event is not None:
            flash(_("活动草稿已保存"), "success")
            return redirect(url_for("events.detail", event_id=event.id), code=303)
    return render_template("events/form.html", form=form, event=None, template=template,
                           question_max=limits.QUESTIONS_MAX)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@permission_required("events.edit")
def edit(event_id: int):
    event = get_scoped_or_404(Event, event_id)
    offers = services.attachable_offers()
    form = EventForm(obj=event if request.method == "GET" else None)
    del form.outlet_code  # an event stays in its outlet; the page shows the outlet's name instead
    form.fill_choices([event.outlet], offers)
    if request.method == "GET":
        form.starts_at.data = to_local(event.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_local(event.ends_at).replace(tzinfo=None)
        if event.registration_closes_at:
            form.registration_closes_at.data = to_local(event.registration_closes_at).replace(tzinfo=None)
        form.set_questions(event.questions or [])
        form.offer_ids.data = services.offer_ids(event)
        goals = event.goals or {}
        form.goal_attendance_rate.data = round(goals["attendance_rate"] * 100) if "attendance_rate" in goals else None
        form.goal_newcomers.data = goals.get("newcomers")
        form.goal_conversions.data = goals.get("conversions")
    elif form.add_question.data:
        form.add_blank_rows(1)
    else:
        saved = _submit(form, event, None, event.questions, lambda data: services.update_event(event, data))
        if saved is not None:
            flash(_("已保存"), "success")
            return redirect(url_for("events.detail", event_id=event.id), code=303)
    return render_template("events/form.html", form=form, event=event, question_max=limits.QUESTIONS_MAX,
                           template=find_template(event.template_key, event.outlet_id))


def _act(event_id: int, action, success: str, target=None):
    """Run one state change from a button; a refused change is explained on the event page."""
    event = get_scoped_or_404(Event, event_id)
    try:
        result = action(event)
    except DomainError as exc:
        discard()
        flash(exc.message, "error")
        return redirect(url_for("events.detail", event_id=event_id), code=303)
    flash(success, "success")
    return redirect(target(result) if target else url_for("events.detail", event_id=event_id), code=303)


@bp.route("/<int:event_id>/publish", methods=["POST"])
@permission_required("events.publish")
def publish(event_id: int):
    return _act(event_id, services.publish, _("已发布，报名已开放"))


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@permission_required("events.cancel")
def cancel(event_id: int):
    reason = request.form.get("reason", "").strip()[:200] or None
    return _act(event_id, lambda e: services.cancel_event(e, reason), _("活动已取消，已通知报名者"))


@bp.route("/<int:event_id>/clone", methods=["POST"])
@permission_required("events.edit")
def clone(event_id: int):
    return _act(event_id, services.clone_event, _("已复制为新草稿，请修改时间"),
                target=lambda copy: url_for("events.edit", event_id=copy.id))


@bp.route("/<int:event_id>/delete", methods=["POST"])
@permission_required("events.edit")
def delete(event_id: int):
    return _act(event_id, services.delete_draft, _("草稿已删除"), target=lambda _r: url_for("events.index"))


@bp.route("/<int:event_id>/save-template", methods=["POST"])
@permission_required("templates.save")
def save_template(event_id: int):
    name = request.form.get("name", "").strip()[:120] or None
    return _act(event_id, lambda e: save_event_as_template(e, name, current_user), _("已存为本网点模板"))


def _poster_content(event: Event, referrer: User | None) -> PosterContent:
    partners = event_offers().event_partner_names(event.id)
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    return PosterContent(
        title=event.title, subtitle=event.description or "",  # public text only; the poster cuts it with "…"
        date_text=f"{format_date_cn(start)} {start:%H:%M}–{end:%H:%M}", venue=event.venue,
        partner_names=partners, outlet_name=event.outlet.name,
        url=external_url("public.register", slug=event.slug, ref=referrer.referral_code if referrer else None),
        referrer_name=referrer.display_name if referrer else None, footer=_("扫码报名 · 名额有限"))


def _poster(event_id: int, render, mimetype: str, extension: str):
    event = get_scoped_or_404(Event, event_id)
    if not event.slug:
        flash(_("活动发布后才有海报"), "info")
        return redirect(url_for("events.detail", event_id=event_id))
    # ?mine=1: a personal poster whose QR carries this staff member's referral code.
    referrer = current_user._get_current_object() if request.args.get("mine") == "1" else None
    body = render(_poster_content(event, referrer))
    filename = f"event-{event.id}{'-' + referrer.referral_code if referrer else ''}.{extension}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"inline; filename={filename}", "Cache-Control": "private, no-store"})


@bp.route("/<int:event_id>/poster.png", methods=["GET"])
@permission_required("events.view")
def poster_png(event_id: int):
    return _poster(event_id, posters.poster_png, "image/png", "png")


@bp.route("/<int:event_id>/poster.pdf", methods=["GET"])
@permission_required("events.view")
def poster_pdf(event_id: int):
    return _poster(event_id, posters.poster_pdf, "application/pdf", "pdf")
