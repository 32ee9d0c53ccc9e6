"""/api/v1/templates: the template catalogue and recommendations for a planning window."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user

from app.api import api_blueprint
from app.catalogue import services as catalogue
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.org.models import Outlet
from app.planning import services
from app.planning.recommend import Recommendation
from app.planning.schemas import (
    RecommendationListSchema,
    RecommendationQuerySchema,
    TemplateDetailSchema,
    TemplateListSchema,
    TemplateQuerySchema,
)
from app.security import ensure_outlet_in_scope, permission_required

blp = api_blueprint("planning_api", __name__, "/templates", "Event templates and recommendations")


@blp.route("", methods=["GET"])
@permission_required("templates.view")
@blp.arguments(TemplateQuerySchema, location="query")
@blp.response(200, TemplateListSchema)
def list_templates(query):
    """Built-in templates and the caller's outlet's saved ones, filtered by segment, category, partner, occasion."""
    return {"items": catalogue.template_catalogue(**query)}


def _outlet_id(code: str | None) -> int | None:
    """The outlet whose history demotes recent templates: the one named, else the caller's own."""
    if code is None:
        return current_user.outlet_id
    outlet_id = db.session.scalar(sa.select(Outlet.id).where(Outlet.code == code))
    if outlet_id is None:
        raise ValidationFailed(fields={"outlet_code": _("网点不存在")})
    ensure_outlet_in_scope(outlet_id)  # 403: another outlet's history is not the caller's to read
    return outlet_id


def _payload(rec: Recommendation) -> dict:
    occasion = None
    if rec.occasion is not None:
        occasion = {"key": rec.occasion.key, "name": rec.occasion.occasion.name, "kind": rec.occasion.occasion.kind,
                    "date": rec.occasion.date, "end": rec.occasion.end}
    return {"template": {**rec.template.to_dict(), "source": catalogue.SOURCE_BUILTIN, "outlet_code": None},
            "occasion": occasion, "suggested_date": rec.suggested_date, "score": rec.score,
            "reasons": rec.reasons}


@blp.route("/recommendations", methods=["GET"])
@permission_required("templates.view")
@blp.arguments(RecommendationQuerySchema, location="query")
@blp.response(200, RecommendationListSchema)
def recommendations(query):
    """Templates for the window [date, date+days), best first, with a suggested day and the reasons.

    Templates the outlet used recently or has scheduled are demoted; an admin may name an
    outlet with `outlet_code`, otherwise an admin's ranking has no such penalty.
    """
    outlet_id = _outlet_id(query["outlet_code"])
    found = services.recommendations_for(query["date"], query["days"], segment=query["segment"],
                                         partner_category=query["partner_category"], outlet_id=outlet_id)
    if query["limit"]:
        found = found[:query["limit"]]
    return {"items": [_payload(rec) for rec in found]}


@blp.route("/<key>", methods=["GET"])
@permission_required("templates.view")
@blp.response(200, TemplateDetailSchema)
def get_template(key: str):
    """One template with its agenda, materials, budget, goals and follow-up playbook."""
    template = catalogue.template_detail(key)
    if template is None:
        raise NotFound()
    return template
