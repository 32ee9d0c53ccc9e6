"""Campaign pages: the list, a new campaign pushed to outlets, and each campaign's comparison."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.campaigns import queries, services
from app.campaigns.forms import CampaignForm
from app.catalogue.queries import builtin_templates
from app.errors import ValidationFailed
from app.form_errors import show_field_errors
from app.org.services import visible_outlets
from app.security import permission_required
from app.timefmt import aware, local_today
from app.unit_of_work import discard

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns", template_folder="templates")


def _templates():
    return sorted(builtin_templates().values(), key=lambda t: t.name)


@bp.route("", methods=["GET"])
@permission_required("campaigns.view")
def index():
    campaigns = services.list_campaigns()
    return render_template("campaigns/index.html", rows=[(c, services.outlet_states(c)) for c in campaigns])


@bp.route("/new", methods=["GET", "POST"])
@permission_required("campaigns.create")
def create():
    form = CampaignForm()
    outlets = visible_outlets()
    form.fill_choices(_templates(), outlets)
    if request.method == "GET":
        form.request_key.data = secrets.token_urlsafe(24)
        form.outlet_codes.data = [o.code for o in outlets]
        template = builtin_templates().get(request.args.get("template", ""))
        if template is not None:
            form.template_key.data, form.title.data = template.key, template.name
            form.capacity.data = template.default_capacity
    else:
        form_ok = form.validate_on_submit()
        data = services.CampaignInput(
            template_key=form.template_key.data, title=form.title.data, outlet_codes=form.outlet_codes.data or [],
            starts_at=aware(form.starts_at.data) if form.starts_at.data else None,
            ends_at=aware(form.ends_at.data) if form.ends_at.data else None, capacity=form.capacity.data,
            waitlist=bool(form.waitlist.data))
        if not form_ok:  # the service's rules too, so every problem shows on the first submit
            for key, message in services.campaign_errors(data).items():
                field = getattr(form, key, None)
                if field is not None and not field.errors:
                    field.errors = [*(field.errors or []), message]
        else:
            try:
                campaign, created = services.create_campaign(data, request_key=form.request_key.data)
            except ValidationFailed as exc:
                discard()
                show_field_errors(form, exc.fields)
            else:
                flash(_("已向 %(n)d 个网点推送活动草稿，请各网点调整场地和时间后发布", n=len(campaign.items))
                      if created else _("这个活动已经创建过，没有重复创建"), "success")
                return redirect(url_for("campaigns.detail", campaign_id=campaign.id), code=303)
    return render_template("campaigns/form.html", form=form, today=local_today())


@bp.route("/<int:campaign_id>", methods=["GET"])
@permission_required("campaigns.view")
def detail(campaign_id: int):
    campaign = services.campaign_or_404(campaign_id)
    rows, total = queries.campaign_figures(campaign)
    states = services.outlet_states(campaign)
    template = builtin_templates().get(campaign.template_key)
    return render_template("campaigns/detail.html", campaign=campaign, rows=rows, total=total, states=states,
                           unpublished=[s for s in states if s.state == "draft"],
                           template_name=template.name if template else campaign.template_key,
                           state_names=services.STATE_NAMES)
