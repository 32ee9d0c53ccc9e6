from __future__ import annotations

from flask_login import current_user

from app.api import api_blueprint
from app.org import reference, services
from app.org.schemas import BranchListSchema, BranchSchema, KeyNameListSchema, OutletListSchema, OutletSchema
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


def branch_payload(branch) -> dict:
    return {"code": branch.code, "name": branch.name, "outlet_codes": [o.code for o in branch.outlets]}


@blp.route("/branches", methods=["GET"])
@permission_required("branches.view")
@blp.response(200, BranchListSchema)
def list_branches():
    """Branches (支行) with their outlets: every one for an admin, its own for a branch login."""
    return {"items": [branch_payload(b) for b in services.list_branches(current_user)]}


@blp.route("/branches", methods=["POST"])
@permission_required("branches.manage")
@blp.arguments(BranchSchema)
@blp.response(201, BranchSchema)
def create_branch(body):
    """Create a branch over these outlets (admin); an outlet in another branch moves to this one."""
    branch = services.create_branch(body["code"], body["name"], body["outlet_codes"])
    return branch_payload(branch)


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
