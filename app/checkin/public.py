"""The customer's side of venue self check-in: /c/<slug>/<code> (no login; rate limited)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from app.checkin.errors import CodeExpired
from app.checkin.forms import SelfCheckInForm
from app.checkin.selfcheckin import checkin_window, event_for_code, self_check_in, window_is_open
from app.customers.phones import InvalidPhone, normalize_mobile
from app.errors import DomainError, ValidationFailed
from app.extensions import limiter
from app.security import public
from app.unit_of_work import discard

bp = Blueprint("checkin_public", __name__, template_folder="templates")


def phone_key() -> str:
    """Rate-limit key per typed mobile number, so one number cannot be tried from many addresses."""
    try:
        return "selfcheckin:" + normalize_mobile(request.form.get("phone"))
    except InvalidPhone:
        return "selfcheckin:" + (request.form.get("phone") or "")[:20]


@bp.route("/c/<slug>/<code>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["GET"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("5 per 10 minutes", methods=["POST"], key_func=phone_key)
@public
def self_checkin(slug: str, code: str):
    try:
        event = event_for_code(slug, code)
    except CodeExpired as exc:
        return render_template("checkin/self_checkin.html", event=None, expired=exc.message, form=None), exc.status
    form = SelfCheckInForm(request.form if request.method == "POST" else None)
    outcome, error, status = None, None, 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            outcome = self_check_in(event, code, form.phone.data)
        except ValidationFailed as exc:
            discard()
            form.phone.errors = [*(form.phone.errors or []), *(exc.fields or {}).values()]
            status = 422
        except DomainError as exc:
            discard()
            error, status = exc.message, exc.status
    elif request.method == "POST":
        error, status = _("页面已过期，请刷新后重试"), 400
    opens, closes = checkin_window(event)
    return render_template("checkin/self_checkin.html", event=event, form=form, outcome=outcome, error=error,
                           open=window_is_open(event), opens=opens, closes=closes, expired=None), status
