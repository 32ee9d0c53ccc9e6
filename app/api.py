"""The /api/v1 frame: flask-smorest, bearer tokens, CSRF for cookie callers."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint

from app.auth.sessions import by_token
from app.extensions import csrf


class Api(SmorestApi):
    def _register_error_handlers(self):
        # No-op: app.errors answers every error, JSON on /api/ paths and HTML elsewhere.
        return None


api = Api()


class Blueprint(SmorestBlueprint):
    def arguments(self, schema, *args, **kwargs):
        # Given a Schema class, webargs builds an instance (deep-copying every field) on each
        # request; one instance serves them all (they keep no state between loads).
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


def api_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> Blueprint:
    """An API blueprint under /api/v1; CSRF is checked by `_csrf_for_cookie_callers`."""
    blp = Blueprint(name, import_name, url_prefix="/api/v1" + url_prefix, description=description)
    csrf.exempt(blp)
    return blp


def _csrf_for_cookie_callers():
    """Bearer-token calls need no CSRF token; calls riding on a session cookie do.

    The scanner page posts with the staff member's session, so a forged
    cross-site POST must not be able to do the same.
    """
    if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if by_token():  # app.auth.sessions.authenticate_bearer already refused a bad token
        return None
    if current_user.is_authenticated:
        csrf.protect()
    return None


def init_api(app: Flask) -> None:
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "info": {"description": "网点活动通 JSON API v1. Errors: {\"error\": {\"code\", \"message\", \"fields\"}}."},
    })
    api.init_app(app)
    app.before_request(_csrf_for_cookie_callers)
