"""Staff pages: a person's data (download, erase) from the customer's page, and the privacy request queue."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.customers.models import Customer
from app.errors import DomainError, ValidationFailed
from app.form_errors import show_field_errors
from app.personal_data import services
from app.personal_data.exports import personal_data_xlsx
from app.personal_data.forms import EraseForm
from app.personal_data.models import PrivacyRequest
from app.security import get_scoped_or_404, permission_required
from app.timefmt import local_today
from app.unit_of_work import discard

bp = Blueprint("personal_data", __name__, template_folder="templates")

_NO_STORE = {"Cache-Control": "private, no-store"}


@bp.route("/customers/<int:customer_id>/personal-data.json", methods=["GET"])
@permission_required("personal_data.export")
def export_json(customer_id: int):
    data = services.export_person(get_scoped_or_404(Customer, customer_id), file_format="json")
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        **_NO_STORE, "Content-Disposition": f"attachment; filename=personal-data-{customer_id}.json"})


@bp.route("/customers/<int:customer_id>/personal-data.xlsx", methods=["GET"])
@permission_required("personal_data.export")
def export_xlsx(customer_id: int):
    data = services.export_person(get_scoped_or_404(Customer, customer_id), file_format="xlsx")
    return Response(personal_data_xlsx(data),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={**_NO_STORE,
                             "Content-Disposition": f"attachment; filename=personal-data-{customer_id}.xlsx"})


@bp.route("/customers/<int:customer_id>/erase", methods=["GET", "POST"])
@permission_required("personal_data.erase")
def erase(customer_id: int):
    """GET shows what will go and asks for a reason and a confirmation; POST erases."""
    customer = get_scoped_or_404(Customer, customer_id)
    form = EraseForm()
    status = 200
    if customer.erased_at is None and form.validate_on_submit():
        try:
            missing = {}
            if not form.confirm.data:
                missing["confirm"] = _("请勾选确认")
            if not (form.reason.data or "").strip():
                missing["reason"] = _("请填写删除原因")
            if missing:
                raise ValidationFailed(fields=missing)
            services.erase_customer(customer, form.reason.data)
        except DomainError as exc:
            discard()
            show_field_errors(form, exc.fields or {}, flash_rest=False)
            if not exc.fields:
                flash(exc.message, "error")
            status = exc.status
        else:
            flash(_("已删除该客户的个人信息，统计数据保留"), "success")
            return redirect(url_for("customers.detail", customer_id=customer_id), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("personal_data/erase.html", customer=customer, form=form), status


@bp.route("/privacy-requests", methods=["GET"])
@permission_required("privacy_requests.manage")
def requests_page():
    status = request.args.get("status") if request.args.get("status") in ("open", "completed") else None
    return render_template("personal_data/requests.html", items=services.list_requests(status), status=status,
                           today=local_today())


@bp.route("/privacy-requests/<int:request_id>/complete", methods=["POST"])
@permission_required("privacy_requests.manage")
def complete_request(request_id: int):
    item = get_scoped_or_404(PrivacyRequest, request_id)
    try:
        services.complete_request(item)
    except DomainError as exc:
        discard()
        flash(exc.message, "error")
    else:
        flash(_("已处理申请 %(id)d", id=request_id), "success")
    return redirect(url_for("personal_data.requests_page"), code=303)
