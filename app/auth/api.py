from __future__ import annotations

from flask import abort, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.api import answers, api_blueprint
from app.auth import services, signals
from app.auth.schemas import MeSchema, TokenRequestSchema, TokenSchema
from app.extensions import limiter
from app.security import BANK_ROLES, permission_required, public
from app.unit_of_work import keep_on_error

blp = api_blueprint("auth_api", __name__, "", "Authentication and the caller's own account")


def _body_username_key() -> str:
    body = request.get_json(silent=True) or {}
    username = body.get("username") if isinstance(body, dict) else None
    # Per username and address, like the login page (app.auth.views._username_key).
    return f"token-user:{str(username or '').strip().lower()}@{get_remote_address()}"


@blp.route("/auth/tokens", methods=["POST"])
@public
@answers(401)
@limiter.limit("30 per minute")
@limiter.limit("5 per 15 minutes", key_func=_body_username_key,
               deduct_when=lambda response: response.status_code == 401)
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
def create_token(body):
    """Exchange a username and password for a bearer token (shown once)."""
    user = services.authenticate(body["username"], body["password"])
    if user is None:
        keep_on_error()  # the 401 still keeps the failed attempt in the audit log
        abort(401)
    secret, token = services.issue_token(user, label="API")
    return {"token": secret, "expires_at": token.expires_at}


@blp.route("/me", methods=["GET"])
@permission_required("me.view")
@blp.response(200, MeSchema)
def me():
    """The caller: role, outlet, branch or partner, and the referral code for share links."""
    user = current_user
    partner = signals.partner_of(user)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "outlet_code": user.outlet.code if user.outlet else None,
        "branch_code": user.branch.code if user.branch else None,
        "partner_code": partner.code if partner else None,
        "referral_code": user.referral_code if user.role in BANK_ROLES else None,
    }
