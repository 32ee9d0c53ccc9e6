"""The alliance's part of the public ticket (no login): the ticket's vouchers and their QR images.

The ticket page and its API answer are events'; alliance adds its block and
fields through the hooks of app.events.signals (registered in init_app), so
events never imports alliance.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort

from app.alliance.models import Voucher
from app.alliance.services import voucher_state
from app.events.models import Registration
from app.events.signals import TicketBlock
from app.extensions import db, limiter
from app.qr import qr_png
from app.security import public

bp = Blueprint("alliance_public", __name__, template_folder="templates")


def vouchers_of(registration) -> list[Voucher]:
    return list(db.session.scalars(sa.select(Voucher).where(Voucher.registration_id == registration.id)
                                   .order_by(Voucher.issued_at)))


def ticket_block(registration, *, staff_view: bool) -> TicketBlock | None:
    """The 我的优惠券 block below the ticket card, for whoever opens the ticket; none without vouchers."""
    vouchers = vouchers_of(registration)
    return TicketBlock("alliance/_ticket_vouchers.html", {"vouchers": vouchers}) if vouchers else None


def ticket_fields(registration) -> dict:
    """`vouchers` of the public API's ticket answer (its schema: app.events.api.VoucherSchema)."""
    return {"vouchers": [{"code": v.code, "offer_title": v.offer.title, "partner_name": v.offer.partner.name,
                          "terms": v.offer.terms, "valid_until": v.offer.valid_until, "status": voucher_state(v),
                          "redeemed_at": v.redeemed_at} for v in vouchers_of(registration)]}


@bp.route("/t/<token>/vouchers/<code>/qr.png", methods=["GET"])
@limiter.limit("120 per minute")
@public
def voucher_qr(token: str, code: str):
    """A voucher's QR for the merchant's scanner; only reachable through its own ticket."""
    found = db.session.scalar(sa.select(Voucher.code).join(Registration, Registration.id == Voucher.registration_id)
                              .where(Registration.ticket_token == token, Voucher.code == code))
    if found is None:
        abort(404)
    return Response(qr_png(found, box_size=6), mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})
