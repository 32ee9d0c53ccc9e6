"""/api/v1/campaigns: a branch pushes a template to its outlets, and compares the results."""

from __future__ import annotations

from flask import request

from app.api import answers, api_blueprint
from app.campaigns import queries, services
from app.campaigns.models import Campaign
from app.campaigns.schemas import CampaignCreateSchema, CampaignListSchema, CampaignSchema, CampaignStatsSchema
from app.security import permission_required

blp = api_blueprint("campaigns_api", __name__, "/campaigns", "Campaigns (支行): one draft per outlet, comparisons")


def campaign_payload(campaign: Campaign) -> dict:
    return {"id": campaign.id, "title": campaign.title, "template_key": campaign.template_key,
            "branch_code": campaign.branch.code if campaign.branch else None, "starts_at": campaign.starts_at,
            "ends_at": campaign.ends_at, "capacity": campaign.capacity, "waitlist": campaign.waitlist,
            "events": [{"id": item.event.id, "outlet_code": item.outlet.code, "status": item.event.status}
                       for item in campaign.items]}


@blp.route("", methods=["POST"])
@permission_required("campaigns.create")
@answers(200)
@blp.arguments(CampaignCreateSchema)
@blp.response(201, CampaignSchema)
def create_campaign(body):
    """Create a campaign: one draft event per outlet, each adjusted and published by its outlet.

    Send an `Idempotency-Key` header to make a retry harmless: the same key again answers 200 with
    the campaign the first call made, and creates nothing.
    """
    campaign, created = services.create_campaign(services.CampaignInput(**body),
                                                 request_key=request.headers.get("Idempotency-Key"))
    return campaign_payload(campaign), 201 if created else 200


@blp.route("", methods=["GET"])
@permission_required("campaigns.view")
@blp.response(200, CampaignListSchema)
def list_campaigns():
    """The caller's campaigns (its branch's; every one for an admin), latest first."""
    return {"items": [campaign_payload(c) for c in services.list_campaigns()]}


@blp.route("/<int:campaign_id>", methods=["GET"])
@permission_required("campaigns.view")
@blp.response(200, CampaignSchema)
def get_campaign(campaign_id: int):
    """One campaign with each outlet's event and its state."""
    return campaign_payload(services.campaign_or_404(campaign_id))


@blp.route("/<int:campaign_id>/stats", methods=["GET"])
@permission_required("campaigns.view")
@blp.response(200, CampaignStatsSchema)
def campaign_stats(campaign_id: int):
    """Per outlet and in total: every figure is the outlet event's own /events/{id}/stats."""
    return queries.campaign_stats(services.campaign_or_404(campaign_id))
