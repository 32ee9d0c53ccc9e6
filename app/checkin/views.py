"""Staff pages of the door: the scanner, look-up, walk-ins, undo, the venue QR, files and the ticket button."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.checkin import exports, services
from app.checkin.errors import NotEventDay
from app.checkin.forms import walk_in_form
from app.checkin.links import request_device
from app.checkin.selfcheckin import checkin_window, code_day, daily_code
from app.errors import DomainError, NotFound, ValidationFailed
from app.events.errors import EventFull
from app.events.models import Event, Registration
from app.events.services import event_counts, registration_by_token, registrations_for
from app.fields import QUESTION_PREFIX, answers_from
from app.qr import qr_data_uri
from app.security import can, get_scoped_or_404, may_see_outlet, permission_required
from app.templating import format_dt
from app.timefmt import local_today
from app.unit_of_work import discard
from app.urls import external_url

bp = Blueprint("checkin", __name__, template_folder="templates")
LOOKUP_LIMIT = 50


def _outcome_message(outcome: services.Outcome) -> tuple[str, str]:
    r = outcome.registration
    who = _("%(name)s · 共 %(n)d 人", name=r.name, n=r.party_size)
    if outcome.result == "checked_in":
        return _("签到成功：%(who)s", who=who), "success"
    return _("已签到（%(t)s）：%(who)s", t=_time(r.checked_in_at), who=who), "warning"


def _time(value) -> str:
    return format_dt(value, "%H:%M")


def _confirmed_outside_day() -> bool:
    return request.form.get("confirm_outside_day") == "1"


def _confirm_day(registration: Registration, exc: NotEventDay, action: str, back: str, q: str | None = None):
    """The confirmation step for a check-in on another day: what and why, and one button to go on."""
    return render_template("checkin/confirm_day.html", event=registration.event, registration=registration,
                           message=exc.message, action=action, back=back, q=q), 409


@bp.route("/events/<int:event_id>/checkin", methods=["GET"])
@permission_required("checkin.scan")
def scanner(event_id: int):
    event = get_scoped_or_404(Event, event_id)
    return render_template("checkin/scanner.html", event=event, counts=event_counts(event),
                           day_message=_day_message(event))


def _day_message(event: Event) -> str | None:
    """The banner on door pages on another day than the event's (the check-in then asks to confirm)."""
    if services.is_event_day(event):
        return None
    first, _last = services.event_days(event)
    return _("今天不是活动日（活动日：%(d)s），签到前会请您确认。", d=first.isoformat())


@bp.route("/events/<int:event_id>/checkin/lookup", methods=["GET"])
@permission_required("checkin.scan")
def lookup(event_id: int):
    """Search by name or the mobile's last four digits and check in with one tap."""
    event = get_scoped_or_404(Event, event_id)
    q = request.args.get("q", "").strip()[:50]
    results = registrations_for(event, q)[:LOOKUP_LIMIT] if q else []
    undoable = {r.id for r in results if r.checked_in_at and services.may_undo(services.current_checkin(r))}
    return render_template("checkin/lookup.html", event=event, q=q, results=results, counts=event_counts(event),
                           undoable=undoable, day_message=_day_message(event),
                           may_undo_any=can(current_user, "checkin.undo"))


def _registration_of(event_id: int, registration_id: int) -> Registration:
    registration = get_scoped_or_404(Registration, registration_id)
    if registration.event_id != event_id:
        raise NotFound()
    return registration


@bp.route("/events/<int:event_id>/checkin/registrations/<int:registration_id>", methods=["POST"])
@permission_required("checkin.scan")
def check_in_registration(event_id: int, registration_id: int):
    registration = _registration_of(event_id, registration_id)
    back = url_for("checkin.lookup", event_id=event_id, q=request.form.get("q") or None)
    try:
        outcome = services.check_in(registration, method="search", device=request_device("lookup"),
                                    confirm_outside_day=_confirmed_outside_day())
    except NotEventDay as exc:
        discard()
        return _confirm_day(registration, exc, request.path, back, q=request.form.get("q"))
    except DomainError as exc:
        discard()
        flash(exc.message, "error")
        return redirect(back, code=303)
    flash(*_outcome_message(outcome))
    return redirect(back, code=303)


@bp.route("/events/<int:event_id>/checkin/registrations/<int:registration_id>/undo", methods=["POST"])
@permission_required("checkin.scan")
def undo(event_id: int, registration_id: int):
    """Staff take back their own check-in for a few minutes; managers any check-in (the service decides)."""
    registration = _registration_of(event_id, registration_id)
    back = url_for("checkin.lookup", event_id=event_id, q=request.form.get("q") or None)
    try:
        services.undo_check_in(registration, device=request_device("lookup"),
                               reason=request.form.get("reason", "").strip()[:200] or None)
    except DomainError as exc:
        discard()
        flash(exc.message, "error")
        return redirect(back, code=303)
    flash(_("已撤销 %(name)s 的签到", name=registration.name), "success")
    return redirect(back, code=303)


@bp.route("/events/<int:event_id>/walk-in", methods=["GET", "POST"])
@permission_required("checkin.scan")
def walk_in(event_id: int):
    """Register and check in someone who did not register, in one form; past capacity only if ticked."""
    event = get_scoped_or_404(Event, event_id)
    form = walk_in_form(event, request.form if request.method == "POST" else None)
    error, full, other_day = None, False, False
    if request.method == "POST" and form.validate_on_submit():
        party = getattr(form, "party_size", None)
        try:
            result = services.walk_in(event, name=form.name.data, phone=form.phone.data,
                                      party_size=party.data if party else 1, answers=answers_from(form, event),
                                      over_capacity=bool(form.over_capacity.data), device=request_device("walk-in"),
                                      confirm_outside_day=bool(form.confirm_outside_day.data))
        except ValidationFailed as exc:
            discard()
            for key, message in (exc.fields or {}).items():
                field = getattr(form, key, None) or getattr(form, QUESTION_PREFIX + key, None)
                if field is not None:
                    field.errors = [*(field.errors or []), message]
            error = _("请按提示修改后再提交")
        except NotEventDay as exc:
            discard()
            other_day = True
            error = exc.message + _("确需现在登记，请勾选下方「今天不是活动日，仍然登记并签到」后再提交。")
        except EventFull:
            discard()
            full = True
            error = _("名额已满。确需入场请勾选「名额已满也允许入场」后再提交，此操作会被记录。")
        except DomainError as exc:
            discard()
            error = exc.message
        else:
            message, category = _outcome_message(result.outcome)
            if not result.created:
                message = _("此手机号已报名：") + message
            elif result.registration.over_capacity:
                message += _("（超额入场，已记录）")
            flash(message, category)
            return redirect(url_for("checkin.walk_in", event_id=event_id), code=303)
    elif request.method == "POST":
        error = _("页面已过期，请重新提交")
    status = 200 if error is None else 422
    return render_template("checkin/walk_in.html", event=event, form=form, error=error, full=full,
                           other_day=other_day, day_message=_day_message(event),
                           counts=event_counts(event)), status


@bp.route("/events/<int:event_id>/self-checkin", methods=["GET"])
@permission_required("checkin.scan")
def venue_qr(event_id: int):
    """The venue QR of the event's day for customers' self check-in, to show on a screen or print ahead."""
    event = get_scoped_or_404(Event, event_id)
    if event.status != "published" or not event.self_checkin_secret:
        flash(_("活动发布后才有自助签到二维码"), "info")
        return redirect(url_for("events.detail", event_id=event_id))
    day = code_day(event)
    url = external_url("checkin_public.self_checkin", slug=event.slug, code=daily_code(event, day))
    opens, closes = checkin_window(event)
    return render_template("checkin/venue_qr.html", event=event, url=url, qr=qr_data_uri(url, box_size=8),
                           opens=opens, closes=closes, day=day, today=local_today())


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "private, no-store"})


@bp.route("/events/<int:event_id>/signin-sheet.pdf", methods=["GET"])
@permission_required("events.export")
def signin_sheet(event_id: int):
    event = get_scoped_or_404(Event, event_id)
    body = exports.signin_sheet_pdf(event)
    return _download(body, "application/pdf", f"签到表-{event.id}.pdf")


@bp.route("/events/<int:event_id>/registrations.xlsx", methods=["GET"])
@permission_required("events.export")
def registrations_xlsx(event_id: int):
    event = get_scoped_or_404(Event, event_id)
    body = exports.registrations_xlsx(event)
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"报名名单-{event.id}.xlsx")


@bp.route("/t/<token>/checkin", methods=["POST"])
@permission_required("checkin.scan")
def ticket_checkin(token: str):
    """The one-tap button on a ticket opened by staff of the event's outlet (any phone camera works)."""
    registration = registration_by_token(token)
    if registration is None or not may_see_outlet(registration.event.outlet_id):
        raise NotFound()
    back = url_for("public.ticket", token=token)
    try:
        outcome = services.check_in(registration, method="link", device=request_device("link"),
                                    confirm_outside_day=_confirmed_outside_day())
    except NotEventDay as exc:
        discard()
        return _confirm_day(registration, exc, request.path, back)
    except DomainError as exc:
        discard()
        flash(exc.message, "error")
        return redirect(back, code=303)
    # The ticket page shows the result itself (green for this tap, amber when someone was quicker).
    done = "1" if outcome.result == "checked_in" else None
    return redirect(url_for("public.ticket", token=token, checkedin=done), code=303)


@bp.route("/me/checkin-on-open", methods=["POST"])
@permission_required("checkin.scan")
def set_checkin_on_open():
    """The per-user setting: opening a ticket link checks the person in at once."""
    on = request.form.get("on") == "1"
    current_user.checkin_on_open = on
    flash(_("已开启：打开票码链接即签到") if on else _("已关闭：打开票码链接后需点「签到」"), "success")
    return redirect(url_for("auth.account"), code=303)

