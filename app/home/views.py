from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.audit.models import AuditEntry
from app.audit.services import ACTIONS
from app.customers.services import count_customers
from app.extensions import db
from app.health import redis_state
from app.panels import register_panel, render_panels
from app.security import PARTNER, permission_required, public
from app.timefmt import local_today
from app.unit_of_work import discard

bp = Blueprint("home", __name__, template_folder="templates")


def _summary_panel(user) -> dict:
    recent = list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.actor_id == user.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(8)
    ))
    return {"outlet": user.outlet, "branch": getattr(user, "branch", None), "customers": count_customers(),
            "recent": recent, "actions": ACTIONS}


register_panel(90, "home/_summary.html", _summary_panel)


@bp.route("/", methods=["GET"])
@public
def root():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == PARTNER:
        return redirect(url_for("partner_portal.home"))
    return redirect(url_for("home.index"))


@bp.route("/today", methods=["GET"])
@permission_required("home.view")
def index():
    return render_template("home/index.html", panels=render_panels(current_user), today=local_today())


@bp.route("/healthz", methods=["GET"])
@public
def healthz():
    """503 only when the database is down; a lost Redis is 200 "degraded": the app still serves."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:  # any failure to reach the database means "down"
        discard()
        database = "down"
    body = {"status": "ok", "db": database}
    redis = redis_state()
    if redis is not None:
        body["redis"] = redis
    if database == "down":
        body["status"] = "error"
        return jsonify(body), 503
    if redis == "down":
        body["status"] = "degraded"
    return jsonify(body)
