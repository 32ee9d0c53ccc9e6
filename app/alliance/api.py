"""/api/v1 for the alliance: partners and offers (bank roles), redemptions and statistics (partner users)."""

from __future__ import annotations

from flask_login import current_user

from app.alliance import partners as partner_service
from app.alliance import services, stats
from app.alliance.models import Partner
from app.alliance.schemas import (
    OfferCreateSchema,
    OfferListSchema,
    OfferSchema,
    OfferUpdateSchema,
    PartnerCreateSchema,
    PartnerListSchema,
    PartnerQuerySchema,
    PartnerSchema,
    PartnerStatsSchema,
    PartnerUpdateSchema,
    PerformanceListSchema,
    RedemptionRequestSchema,
    RedemptionSchema,
    StatsQuerySchema,
)
from app.api import api_blueprint
from app.errors import NotFound
from app.extensions import limiter
from app.security import permission_required

blp = api_blueprint("alliance_api", __name__, "/partners", "Alliance partners and their offers (bank side)")
portal_blp = api_blueprint("partner_portal_api", __name__, "/partner",
                           "The partner portal: voucher redemption and statistics (partner users)")


def partner_or_404(code: str) -> Partner:
    partner = partner_service.partner_by_code(code)
    if partner is None:
        raise NotFound()
    return partner


@blp.route("", methods=["POST"])
@permission_required("partners.manage")
@blp.arguments(PartnerCreateSchema)
@blp.response(201, PartnerSchema)
def create_partner(body):
    """Add a partner merchant (admin); `category` is a key of /partner-categories."""
    partner = partner_service.create_partner(body.pop("code"), body)
    return partner


@blp.route("", methods=["GET"])
@permission_required("partners.view")
@blp.arguments(PartnerQuerySchema, location="query")
@blp.response(200, PartnerListSchema)
def list_partners(query):
    """Partner merchants, optionally filtered by status or category."""
    return {"items": partner_service.list_partners(status=query["status"], category=query["category"])}


@blp.route("/performance", methods=["GET"])
@permission_required("partners.performance")
@blp.response(200, PerformanceListSchema)
def performance():
    """Per partner: events co-hosted, attendees reached, vouchers issued and redeemed (the caller's outlets)."""
    return {"items": stats.performance()}


@blp.route("/<code>", methods=["GET"])
@permission_required("partners.view")
@blp.response(200, PartnerSchema)
def get_partner(code: str):
    """One partner merchant."""
    return partner_or_404(code)


@blp.route("/<code>", methods=["PATCH"])
@permission_required("partners.manage")
@blp.arguments(PartnerUpdateSchema)
@blp.response(200, PartnerSchema)
def update_partner(body, code: str):
    """Change a partner's details, agreement period or status (admin)."""
    partner = partner_service.update_partner(partner_or_404(code), body)
    return partner


@blp.route("/<code>/offers", methods=["POST"])
@permission_required("offers.manage")
@blp.arguments(OfferCreateSchema)
@blp.response(201, OfferSchema)
def create_offer(body, code: str):
    """Add an offer (admin or manager); events list it in `offer_ids` and issue vouchers on `issue_on`."""
    offer = partner_service.create_offer(partner_or_404(code), body)
    return partner_service.with_issued([offer])[0]


@blp.route("/<code>/offers", methods=["GET"])
@permission_required("partners.view")
@blp.response(200, OfferListSchema)
def list_offers(code: str):
    """A partner's offers, active first, with the vouchers each has issued."""
    return {"items": partner_service.with_issued(partner_service.offers_of(partner_or_404(code)))}


@blp.route("/<code>/offers/<int:offer_id>", methods=["PATCH"])
@permission_required("offers.manage")
@blp.arguments(OfferUpdateSchema)
@blp.response(200, OfferSchema)
def update_offer(body, code: str, offer_id: int):
    """Edit an offer; `active: false` stops new vouchers (issued ones stay usable until they expire)."""
    offer = partner_service.offer_of_partner_or_none(partner_or_404(code), offer_id)
    if offer is None:
        raise NotFound()
    partner_service.update_offer(offer, body)
    return partner_service.with_issued([offer])[0]


@portal_blp.route("/redemptions", methods=["POST"])
@permission_required("partner.portal")
@limiter.limit("120 per minute")
@portal_blp.arguments(RedemptionRequestSchema)
@portal_blp.response(201, RedemptionSchema)
@portal_blp.alt_response(409, description="already_redeemed, with redeemed_at")
@portal_blp.alt_response(410, description="voucher_expired, or voucher_void (registration or event cancelled)")
def redeem(body):
    """Redeem a voucher once: 409 already_redeemed (with its time), 404 unknown, 403 not ours, 410 expired/void."""
    voucher = services.redeem(body["code"], current_user, body.get("amount_spent"))
    return {"result": "redeemed", "voucher": services.redemption_view(voucher)}


@portal_blp.route("/stats", methods=["GET"])
@permission_required("partner.portal")
@portal_blp.arguments(StatsQuerySchema, location="query")
@portal_blp.response(200, PartnerStatsSchema)
def partner_stats(query):
    """The caller's merchant: vouchers issued and redeemed, by offer, by event and by day; no personal data."""
    return stats.partner_stats(current_user.partner_id, days=query["days"])
