"""Admin pages of the organisation: branches (支行) and the outlets they group."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.errors import DomainError, ValidationFailed
from app.form_errors import show_field_errors
from app.org import services
from app.org.forms import BranchForm
from app.security import permission_required
from app.unit_of_work import discard

bp = Blueprint("org", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/branches", methods=["GET", "POST"])
@permission_required("branches.manage")
def branches():
    form = BranchForm()
    outlets = services.visible_outlets()
    form.fill_choices(outlets)
    status = 200
    if form.validate_on_submit():
        try:
            branch = services.create_branch(form.code.data or "", form.name.data or "", form.outlet_codes.data or [])
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields)
            status = 422
        except DomainError as exc:  # the code is taken
            discard()
            form.code.errors = [exc.message]
            status = 422
        else:
            flash(_("已创建支行 %(name)s，下辖 %(n)d 个网点", name=branch.name, n=len(branch.outlets)), "success")
            return redirect(url_for("org.branches"), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("org/branches.html", form=form, branches=services.list_branches(),
                           unassigned=[o for o in outlets if o.branch_id is None]), status
