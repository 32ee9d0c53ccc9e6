"""Bank-side alliance pages: partners (admin), offers (admin or manager), partner accounts, performance."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.alliance import partners as service
from app.alliance import stats
from app.alliance.forms import COST_SHARE_NAMES, ISSUE_NAMES, STATUS_NAMES, OfferForm, PartnerForm, PartnerUserForm
from app.alliance.models import Partner
from app.auth.models import User
from app.auth.services import create_user
from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.form_errors import show_field_errors
from app.org.reference import PARTNER_CATEGORIES
from app.security import PARTNER, can, permission_required
from app.unit_of_work import discard

bp = Blueprint("alliance", __name__, url_prefix="/partners", template_folder="templates")
NAMES = {"status_names": STATUS_NAMES, "issue_names": ISSUE_NAMES, "cost_share_names": COST_SHARE_NAMES,
         "categories": PARTNER_CATEGORIES}


def _partner_or_404(code: str) -> Partner:
    partner = service.partner_by_code(code)
    if partner is None:
        abort(404)
    return partner


@bp.route("", methods=["GET"])
@permission_required("partners.view")
def index():
    status = request.args.get("status") if request.args.get("status") in STATUS_NAMES else None
    category = request.args.get("category") if request.args.get("category") in PARTNER_CATEGORIES else None
    partners = service.list_partners(status=status, category=category)
    return render_template("alliance/partners.html", partners=partners, status=status, category=category, **NAMES)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("partners.manage")
def create():
    form = PartnerForm()
    form.fill_choices()
    if form.validate_on_submit():
        try:
            partner = service.create_partner(form.code.data, form.values())
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields)
        except DomainError as exc:  # the code is taken
            discard()
            form.code.errors = [exc.message]
        else:
            flash(_("已添加联盟商户"), "success")
            return redirect(url_for("alliance.detail", code=partner.code), code=303)
    return render_template("alliance/partner_form.html", form=form, partner=None)


@bp.route("/<code>", methods=["GET"])
@permission_required("partners.view")
def detail(code: str):
    partner = _partner_or_404(code)
    users = list(db.session.scalars(sa.select(User).where(User.partner_id == partner.id).order_by(User.username))) \
        if can(current_user, "partners.manage") else []
    summary = stats.performance(partner.id)[0] if can(current_user, "partners.performance") else None
    return render_template("alliance/partner_detail.html", partner=partner, users=users, summary=summary,
                           offers=service.with_issued(service.offers_of(partner)), **NAMES)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@permission_required("partners.manage")
def edit(code: str):
    partner = _partner_or_404(code)
    form = PartnerForm(obj=partner if request.method == "GET" else None)
    form.fill_choices()
    form.code.data = partner.code  # the code is the stable key: never edited
    if form.validate_on_submit():
        try:
            service.update_partner(partner, form.values())
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields)
        else:
            flash(_("已保存"), "success")
            return redirect(url_for("alliance.detail", code=partner.code), code=303)
    return render_template("alliance/partner_form.html", form=form, partner=partner)


def _offer_page(partner: Partner, offer=None):
    form = OfferForm(obj=offer if request.method == "GET" and offer else None)
    form.fill_choices()
    if request.method == "GET" and offer is None:
        form.issue_on.data = "checkin"
        form.cost_share.data = "partner"
    if form.validate_on_submit():
        try:
            if offer is None:
                service.create_offer(partner, form.values())
            else:
                service.update_offer(offer, form.values())
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields)
        else:
            flash(_("优惠已保存"), "success")
            return redirect(url_for("alliance.detail", code=partner.code), code=303)
    return render_template("alliance/offer_form.html", form=form, partner=partner, offer=offer)


@bp.route("/<code>/offers/new", methods=["GET", "POST"])
@permission_required("offers.manage")
def create_offer(code: str):
    return _offer_page(_partner_or_404(code))


def _offer_or_404(partner: Partner, offer_id: int):
    offer = service.offer_of_partner_or_none(partner, offer_id)
    if offer is None:
        abort(404)
    return offer


@bp.route("/<code>/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@permission_required("offers.manage")
def edit_offer(code: str, offer_id: int):
    partner = _partner_or_404(code)
    return _offer_page(partner, _offer_or_404(partner, offer_id))


@bp.route("/<code>/offers/<int:offer_id>/active", methods=["POST"])
@permission_required("offers.manage")
def set_offer_active(code: str, offer_id: int):
    partner = _partner_or_404(code)
    offer = _offer_or_404(partner, offer_id)
    active = request.form.get("active") == "1"
    service.set_offer_active(offer, active)
    flash(_("优惠已启用") if active else _("优惠已停用：不再发新券，已发的券在有效期内仍可使用"), "success")
    return redirect(url_for("alliance.detail", code=partner.code), code=303)


@bp.route("/users", methods=["GET", "POST"])
@permission_required("partners.manage")
def users():
    partners = service.list_partners()
    form = PartnerUserForm()
    form.fill_choices(partners)
    if request.method == "GET" and request.args.get("partner"):
        form.partner_code.data = request.args["partner"]
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data or "", PARTNER, form.password.data or "",  # DataRequired
                               partner_code=form.partner_code.data,
                               display_name=form.display_name.data or None, actor=current_user)
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields, field_name=lambda key: {"partner": "partner_code"}.get(key, key))
        else:
            flash(_("已创建商户账号 %(u)s，请把用户名和初始密码告知商户", u=user.username), "success")
            return redirect(url_for("alliance.users"), code=303)
    accounts = list(db.session.scalars(sa.select(User).where(User.role == PARTNER)
                                       .order_by(User.partner_id, User.username)))
    return render_template("alliance/partner_users.html", form=form, accounts=accounts,
                           partners_by_id={p.id: p for p in partners})


@bp.route("/performance", methods=["GET"])
@permission_required("partners.performance")
def performance():
    return render_template("alliance/performance.html", rows=stats.performance(), **NAMES)


@bp.route("/<code>/performance", methods=["GET"])
@permission_required("partners.performance")
def partner_performance(code: str):
    partner = _partner_or_404(code)
    return render_template("alliance/partner_performance.html", partner=partner,
                           summary=stats.performance(partner.id)[0], events=stats.performance_by_event(partner),
                           **NAMES)
