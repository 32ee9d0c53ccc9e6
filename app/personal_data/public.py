"""The person's own controls, reached from their ticket: withdraw marketing consent, ask for their data."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.events.services import registration_by_token
from app.events.signals import TicketBlock
from app.extensions import limiter
from app.personal_data import services
from app.security import public
from app.unit_of_work import discard

bp = Blueprint("personal_data_public", __name__, template_folder="templates")


def ticket_block(registration, *, staff_view: bool) -> TicketBlock | None:
    """The 个人信息与授权 link below the ticket card, for the person (not for staff at the door)."""
    if staff_view:
        return None
    return TicketBlock("personal_data/_ticket_block.html", {})


def _registration_or_404(token: str):
    registration = registration_by_token(token)
    if registration is None or registration.customer.erased_at is not None:
        abort(404)
    return registration


def _page(registration, *, error: str | None = None, status: int = 200):
    return render_template("personal_data/ticket_privacy.html", registration=registration,
                           event=registration.event, error=error,
                           marketing=services.has_marketing_consent(registration.customer)), status


@bp.route("/t/<token>/privacy", methods=["GET"])
@limiter.limit("60 per minute")
@public
def ticket_privacy(token: str):
    return _page(_registration_or_404(token))


@bp.route("/t/<token>/withdraw-consent", methods=["POST"])
@limiter.limit("10 per minute")
@public
def withdraw(token: str):
    registration = _registration_or_404(token)
    services.withdraw_consent(registration.phone, channel="ticket")
    flash(_("已撤回营销授权：我们不再向您发送活动邀请，也不再回访。与您报名有关的提醒仍会发送。"), "success")
    return redirect(url_for("personal_data_public.ticket_privacy", token=token), code=303)


@bp.route("/t/<token>/privacy-requests", methods=["POST"])
@limiter.limit("5 per minute")
@public
def file_request(token: str):
    registration = _registration_or_404(token)
    try:
        filed = services.create_request(request.form.get("kind"), token)
    except DomainError as exc:
        discard()
        return _page(registration, error=(exc.fields and next(iter(exc.fields.values()))) or exc.message,
                     status=exc.status)
    flash(_("已收到您的申请，我们会在 %(date)s 前处理完毕。", date=filed.due_date.isoformat()), "success")
    return redirect(url_for("personal_data_public.ticket_privacy", token=token), code=303)
