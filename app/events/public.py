"""Public pages (no login): the registration page, the ticket, its QR and calendar file.

Most visitors arrive inside WeChat's in-app browser from a poster or a shared
link; every page works without JavaScript and reads well at 360 px.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import defer, joinedload

from app.customers.phones import InvalidPhone, normalize_mobile
from app.errors import DomainError, ValidationFailed
from app.events import forms as registration_forms
from app.events import page_cache, tickets
from app.events import registration as service
from app.events.consent import CONSENT_VERSION, consent_purpose, consent_text
from app.events.ics import ticket_ics
from app.events.models import Event
from app.events.services import event_counts
from app.events.signals import ticket_blocks
from app.extensions import db, limiter
from app.fields import QUESTION_PREFIX, answers_from
from app.form_errors import show_field_errors
from app.qr import qr_png
from app.security import BANK_ROLES, may_see_outlet, public
from app.unit_of_work import discard
from app.urls import external_url

bp = Blueprint("public", __name__, template_folder="templates")

PUBLIC_BODY_LIMIT = 16 * 1024  # a registration is a few hundred bytes


def phone_key() -> str:
    """Rate-limit key per mobile number, whatever spelling was typed."""
    body = request.get_json(silent=True) if request.is_json else request.form
    raw = (body or {}).get("phone") if isinstance(body, dict) or hasattr(body, "get") else ""
    try:
        return "phone:" + normalize_mobile(str(raw or ""))
    except InvalidPhone:
        return "phone:" + str(raw or "")[:20]


def limit_body():
    """Public requests are small; refuse a large body before anything reads it."""
    if request.content_length and request.content_length > PUBLIC_BODY_LIMIT:
        abort(413)


bp.before_request(limit_body)


def _public_or_404(event: Event | None) -> Event:
    if event is None or not event.is_public:
        abort(404)
    return event


# Built once with a bind parameter: SQLAlchemy reuses its compiled form and cache key (every public page
# and registration starts here).
_EVENT_BY_SLUG = sa.select(Event).options(joinedload(Event.outlet)).where(Event.slug == sa.bindparam("slug"))


# What registering (the form's POST and the API's) does not read: the page's text and the planning
# documents, left unloaded (deferred: loaded on first use, as the form shown again with its errors does).
# Six JSON documents and two texts fewer to decode and track per registration (bench/profile_registration.py).
_EVENT_TO_REGISTER = _EVENT_BY_SLUG.options(*(defer(column) for column in (
    Event.description, Event.staff_notes, Event.segments, Event.agenda, Event.materials, Event.gifts,
    Event.playbook, Event.goals, Event.budget, Event.actual_cost, Event.self_checkin_secret)))


def published_event_or_404(slug: str) -> Event:
    # The outlet comes along: its name is on the page and in every message sent.
    return _public_or_404(db.session.scalar(_EVENT_BY_SLUG, {"slug": slug}))


def event_to_register_or_404(slug: str) -> Event:
    """The public event a registration is posted to, without what registering does not read."""
    return _public_or_404(db.session.scalar(_EVENT_TO_REGISTER, {"slug": slug}))


def ticket_or_404(token: str):
    registration = service.registration_by_token(token)
    if registration is None:
        abort(404)
    return registration


@bp.route("/e/<slug>", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["GET"])
@limiter.limit("20 per minute", methods=["POST"])
@limiter.limit("5 per 10 minutes", methods=["POST"], key_func=phone_key)
@public
def register(slug: str):
    if request.method == "GET" and page_cache.cacheable():
        # Most visitors: one statement, then the page rendered for this event version (app.events.page_cache).
        page, state = page_cache.lookup(slug)
        if state is None:
            abort(404)
        return page if page is not None else render_page(published_event_or_404(slug), for_cache=True)
    if request.method == "GET":
        return render_page(published_event_or_404(slug))
    return submit(event_to_register_or_404(slug))


def submit(event: Event):
    form = registration_forms.registration_form(event, request.form)
    ref = page_cache.visitor_ref()
    if not form.validate_on_submit():
        # The form checks nothing but its CSRF token (the service checks the fields, all of them at once),
        # and CSRFProtect refuses a bad token before the view runs: this is a second line only.
        return render_page(event, form, _("页面已过期，请刷新页面后重新填写提交"))
    data = service.RegistrationInput(
        name=form.name.data, phone=form.phone.data, consent=bool(form.consent.data),
        party_size=(getattr(form, "party_size", None) and form.party_size.data) or 1,
        answers=answers_from(form, event), ref=ref or None,
        marketing_consent=bool(form.marketing_consent.data))
    try:
        registration = tickets.register_or_resend(event, data)
    except ValidationFailed as exc:
        discard()
        show_field_errors(form, exc.fields, flash_rest=False, field_name=lambda key: (
            key if hasattr(form, key) else QUESTION_PREFIX + key))
        return render_page(event, form, _("请按提示修改后再提交"))
    except DomainError as exc:
        discard()
        return render_page(event, form, exc.message)
    if registration is None:  # this phone was registered: say nothing about that registration
        return render_template("public/already_registered.html", event=event)
    token = registration.ticket_token  # read now: the request's commit expires it
    return redirect(url_for("public.ticket", token=token, new=1), code=303)


def render_page(event: Event, form=None, error: str | None = None, *, for_cache: bool = False):
    """The registration page; `for_cache`: rendered with page_cache's markers, kept, then filled in."""
    form = form if form is not None else registration_forms.registration_form(event)
    counts = event_counts(event)
    closed = not service.registration_is_open(event)
    values = {"event": event, "form": form, "error": error, "counts": counts, "closed": closed,
              "consent": consent_text(event.outlet.name), "consent_version": CONSENT_VERSION,
              "share_url": external_url("public.register", slug=event.slug)}
    csrf_field = getattr(form, "csrf_token", None)  # none when WTF_CSRF_ENABLED is off
    if for_cache:
        token = csrf_field.current_token if csrf_field is not None else None
        if csrf_field is not None:
            csrf_field.current_token = page_cache.CSRF_MARK
        skeleton = page_cache.store(event, counts["seats_left"], closed, render_template(
            "public/register.html", ref=page_cache.REF_MARK, seats_text=page_cache.SEATS_MARK, **values))
        if skeleton is not None:
            return page_cache.fill(skeleton, counts["seats_left"], event.waitlist)
        if csrf_field is not None:
            csrf_field.current_token = token
    return render_template("public/register.html", ref=page_cache.visitor_ref(),
                           seats_text=page_cache.seats_text(counts["seats_left"], event.waitlist),
                           **values), 200 if error is None else 422


def render_ticket(registration, *, party_error: str | None = None, status: int = 200):
    """The ticket page: the customer's own controls, or, for the outlet's staff, the check-in only.

    The blocks features above events add (app.events.signals): check-in's for staff, which may
    check in at once (a user setting), and the vouchers."""
    token = registration.ticket_token
    staff_view = (current_user.is_authenticated and current_user.role in BANK_ROLES
                  and may_see_outlet(registration.event.outlet_id))
    blocks = ticket_blocks(registration, staff_view=staff_view)
    invite_url = None if staff_view else external_url("public.register", slug=registration.event.slug,
                                                      ref=registration.customer.referral_code)
    return render_template("public/ticket.html", registration=registration, event=registration.event,
                           blocks=blocks, staff_view=staff_view,
                           just_registered=request.args.get("new") == "1", party_error=party_error,
                           party_changed=request.args.get("changed") == "party",
                           ticket_url=external_url("public.ticket", token=token), invite_url=invite_url), status


@bp.route("/t/<token>", methods=["GET"])
@limiter.limit("120 per minute")
@public
def ticket(token: str):
    return render_ticket(ticket_or_404(token))


@bp.route("/t/<token>/party-size", methods=["POST"])
@limiter.limit("10 per minute")
@public
def party_size(token: str):
    registration = ticket_or_404(token)
    try:
        tickets.change_party_size(registration, request.form.get("party_size"))
    except ValidationFailed as exc:
        discard()
        return render_ticket(registration, party_error=(exc.fields or {}).get("party_size", exc.message),
                             status=exc.status)
    except DomainError as exc:
        discard()
        return render_ticket(registration, party_error=exc.message, status=exc.status)
    # Back to the form, where the person looked: the page says the size now held next to it.
    return redirect(url_for("public.ticket", token=token, changed="party", _anchor="party-size"), code=303)


@bp.route("/t/<token>/qr.png", methods=["GET"])
@limiter.limit("120 per minute")
@public
def ticket_qr(token: str):
    registration = ticket_or_404(token)
    png = qr_png(external_url("public.ticket", token=registration.ticket_token), box_size=8)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/t/<token>/event.ics", methods=["GET"])
@limiter.limit("60 per minute")
@public
def ticket_calendar(token: str):
    registration = ticket_or_404(token)
    body = ticket_ics(registration, external_url("public.ticket", token=token))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": "attachment; filename=event.ics"})


@bp.route("/t/<token>/cancel", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("60 per minute", methods=["GET"])
@public
def cancel(token: str):
    """GET asks for confirmation (the ticket page only links here); POST cancels."""
    registration = ticket_or_404(token)
    if request.method == "GET":
        return render_template("public/cancel.html", registration=registration, event=registration.event)
    try:
        service.cancel_registration(registration)
    except DomainError as exc:
        discard()
        return render_template("public/cancel.html", registration=registration, event=registration.event,
                               error=exc.message), exc.status
    flash(_("您的报名已取消"), "success")
    return redirect(url_for("public.ticket", token=token), code=303)


@bp.route("/privacy", methods=["GET"])
@public
def privacy():
    return render_template("public/privacy.html", purpose=consent_purpose(), version=CONSENT_VERSION,
                           retention_days=current_app.config["RETENTION_DAYS"])
