from __future__ import annotations

from app.api import api_blueprint
from app.org import reference, services
from app.org.schemas import KeyNameListSchema, OutletListSchema, OutletSchema
from app.security import permission_required

blp = api_blueprint("org_api", __name__, "", "Outlets and reference data")


@blp.route("/outlets", methods=["GET"])
@permission_required("outlets.view")
@blp.response(200, OutletListSchema)
def list_outlets():
    """The outlets the caller may see (all of them for an admin)."""
    return {"items": services.visible_outlets()}


@blp.route("/outlets", methods=["POST"])
@permission_required("outlets.create")
@blp.arguments(OutletSchema)
@blp.response(201, OutletSchema)
def create_outlet(body):
    """Create an outlet (admin)."""
    outlet = services.create_outlet(body["code"], body["name"], body.get("address"))
    return outlet


@blp.route("/segments", methods=["GET"])
@permission_required("reference.view")
@blp.response(200, KeyNameListSchema)
def segments():
    """Customer groups (客群): stable keys with Chinese names."""
    return {"items": reference.items(reference.SEGMENTS)}


@blp.route("/partner-categories", methods=["GET"])
@permission_required("reference.view")
@blp.response(200, KeyNameListSchema)
def partner_categories():
    """Partner merchant categories: stable keys with Chinese names."""
    return {"items": reference.items(reference.PARTNER_CATEGORIES)}


@blp.route("/tiers", methods=["GET"])
@permission_required("reference.view")
@blp.response(200, KeyNameListSchema)
def tiers():
    """Customer value tiers: standard, gold, platinum, diamond."""
    return {"items": reference.items(reference.TIERS)}
