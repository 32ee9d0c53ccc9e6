"""The partner portal (/partner, partner users only, phone first): scan or type a code, statistics, statements.

Partners see people only masked (张** / 138****1234): every row they get comes
from `services.masked_holder`, never from a registration's own fields.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user

from app.alliance import services, statements, stats
from app.alliance.errors import RedemptionRefused
from app.alliance.forms import RedeemForm
from app.alliance.models import Partner
from app.alliance.partners import partner_of
from app.errors import ValidationFailed
from app.extensions import limiter
from app.security import permission_required
from app.timefmt import local_today
from app.unit_of_work import discard

bp = Blueprint("partner_portal", __name__, url_prefix="/partner", template_folder="templates")


@bp.route("", methods=["GET"])
@permission_required("partner.portal")
def home():
    today = local_today()
    figures = stats.partner_stats(current_user.partner_id, days=today.day, today=today)
    month_redeemed = sum(d["redeemed"] for d in figures["daily"])
    return render_template("alliance/portal/home.html", partner=_my_partner(), figures=figures,
                           today_redeemed=figures["daily"][-1]["redeemed"], month_redeemed=month_redeemed,
                           recent=stats.recent_redemptions(current_user.partner_id, limit=5))


@bp.route("/scan", methods=["GET"])
@permission_required("partner.portal")
def scan():
    return render_template("alliance/portal/scan.html", partner=_my_partner(),
                           api_url=url_for("partner_portal_api.redeem"), form=RedeemForm())


@bp.route("/redeem", methods=["GET", "POST"])
@permission_required("partner.portal")
@limiter.limit("120 per minute", methods=["POST"])
def redeem():
    """Type a code (no camera needed, no JavaScript needed); the answer fills the screen."""
    form = RedeemForm()
    if not form.validate_on_submit():
        return render_template("alliance/portal/redeem.html", form=form, partner=_my_partner())
    try:
        voucher = services.redeem(form.code.data, current_user, form.amount_spent.data)
    except ValidationFailed as exc:
        discard()
        form.amount_spent.errors = [(exc.fields or {}).get("amount_spent", exc.message)]
        return render_template("alliance/portal/redeem.html", form=form, partner=_my_partner()), 422
    except RedemptionRefused as exc:
        discard()
        return render_template("alliance/portal/redeem.html", form=form, partner=_my_partner(),
                               refused=exc), exc.status
    return render_template("alliance/portal/redeem.html", form=RedeemForm(formdata=None),
                           partner=_my_partner(), redeemed=services.redemption_view(voucher)), 201


@bp.route("/stats", methods=["GET"])
@permission_required("partner.portal")
def stats_page():
    figures = stats.partner_stats(current_user.partner_id, days=30)
    chart = {"dates": [f"{d['date']:%m-%d}" for d in figures["daily"]],
             "issued": [d["issued"] for d in figures["daily"]],
             "redeemed": [d["redeemed"] for d in figures["daily"]]}
    return render_template("alliance/portal/stats.html", partner=_my_partner(), figures=figures,
                           chart_json=json.dumps(chart, ensure_ascii=False),
                           recent=stats.recent_redemptions(current_user.partner_id, limit=20),
                           months=statements.recent_months(6, local_today()))


def _my_partner() -> Partner:
    partner = partner_of(current_user)
    assert partner is not None  # partner.portal is granted to partner logins only, which always have one
    return partner


def _statement(month: str) -> dict:
    parsed = statements.parse_month(month)
    if parsed is None:
        abort(404)
    return stats.statement(_my_partner(), *parsed)


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    # A bare mimetype: werkzeug adds "; charset=utf-8" to text/* itself (given one, it would add a second).
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "private, no-store"})


@bp.route("/statements/<month>.csv", methods=["GET"])
@permission_required("partner.portal")
def statement_csv(month: str):
    data = _statement(month)
    return _download(statements.statement_csv(data), "text/csv",
                     f"statement-{_my_partner().code}-{data['month']}.csv")


@bp.route("/statements/<month>.pdf", methods=["GET"])
@permission_required("partner.portal")
def statement_pdf(month: str):
    data = _statement(month)
    return _download(statements.statement_pdf(data), "application/pdf",
                     f"statement-{_my_partner().code}-{data['month']}.pdf")


