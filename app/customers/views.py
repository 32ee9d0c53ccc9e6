from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2

from app.audit import services as audit
from app.auth.models import User
from app.customers import services
from app.customers.forms import CustomerForm, ImportForm
from app.customers.importer import ImportFileError, import_customers
from app.customers.models import Customer
from app.customers.services import CustomerInput
from app.errors import ValidationFailed
from app.extensions import db
from app.form_errors import show_field_errors
from app.org import reference
from app.org.services import visible_outlets
from app.security import OUTLET_ROLES, get_scoped_or_404, permission_required, scope_to_outlets
from app.unit_of_work import discard

bp = Blueprint("customers", __name__, url_prefix="/customers", template_folder="templates")
PAGE_SIZE = 30


def _owners() -> list[User]:
    stmt = scope_to_outlets(sa.select(User).where(User.role.in_(OUTLET_ROLES), User.active), User.outlet_id)
    return list(db.session.scalars(stmt.order_by(User.display_name)))


@bp.route("", methods=["GET"])
@permission_required("customers.view")
def index():
    q = request.args.get("q", "").strip()[:50]
    segment = request.args.get("segment") if request.args.get("segment") in reference.SEGMENTS else None
    kind = request.args.get("kind")
    is_customer = {"customer": True, "prospect": False}.get(kind or "")
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 100_000)  # an offset the database can take
    items = services.search(q, segment=segment, is_customer=is_customer, limit=PAGE_SIZE + 1,
                            offset=(page - 1) * PAGE_SIZE)
    return render_template("customers/index.html", customers=items[:PAGE_SIZE], has_more=len(items) > PAGE_SIZE,
                           page=page, q=q, segment=segment, kind=kind, segments=reference.SEGMENTS,
                           total=services.count_customers())


@bp.route("/<int:customer_id>", methods=["GET"])
@permission_required("customers.view")
def detail(customer_id: int):
    customer = get_scoped_or_404(Customer, customer_id)
    audit.record("customer_viewed", obj=customer)  # who opened a person's full record (PIPL: who saw what)
    return render_template("customers/detail.html", customer=customer, segments=reference.SEGMENTS,
                           tiers=reference.TIERS)


def _form_input(form: CustomerForm) -> CustomerInput:
    return CustomerInput(name=form.name.data, phone=form.phone.data, outlet_code=form.outlet_code.data,
                         segments=form.segments.data or [], tier=form.tier.data, owner=form.owner.data or None,
                         is_customer=form.is_customer.data, note=form.note.data or "")


@bp.route("/new", methods=["GET", "POST"])
@permission_required("customers.edit")
def create():
    form = CustomerForm()
    form.fill_choices(visible_outlets(), _owners())
    if form.validate_on_submit():
        try:
            customer, created = services.upsert(_form_input(form))
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields)
        else:
            flash(_("已保存客户 %(name)s", name=customer.name) if created
                  else _("该手机号已有客户记录，已更新 %(name)s", name=customer.name), "success")
            return redirect(url_for("customers.detail", customer_id=customer.id), code=303)
    return render_template("customers/form.html", form=form, customer=None)


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@permission_required("customers.edit")
def edit(customer_id: int):
    customer = get_scoped_or_404(Customer, customer_id)
    form = CustomerForm(obj=customer if request.method == "GET" else None)
    form.fill_choices([customer.outlet], _owners())
    form.outlet_code.data = customer.outlet.code  # not on the edit page: a customer stays in their outlet
    if request.method == "GET":
        form.owner.data = customer.owner.username if customer.owner else ""
        form.segments.data = customer.segments
    if form.validate_on_submit():
        try:
            services.update(customer, _form_input(form))
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields)
        else:
            flash(_("已保存"), "success")
            return redirect(url_for("customers.detail", customer_id=customer.id), code=303)
    return render_template("customers/form.html", form=form, customer=customer)


@bp.route("/import", methods=["GET", "POST"])
@permission_required("customers.import")
def import_page():
    form = ImportForm()
    outlets = visible_outlets()
    form.outlet_code.choices = [SelectChoice(o.code, o.name) for o in outlets]
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_customers(upload.stream, upload.filename or "upload.csv",
                                      default_outlet=form.outlet_code.data)
        except ImportFileError as exc:
            discard()
            form.file.errors = [*form.file.errors, exc.message]
    return render_template("customers/import.html", form=form, report=report)
