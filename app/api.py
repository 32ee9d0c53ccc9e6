"""The /api/v1 frame: flask-smorest, bearer tokens, CSRF for cookie callers."""

from __future__ import annotations

import http
import re
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_login import current_user
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.spec.plugins import integerconverter2paramschema
from marshmallow import INCLUDE, Schema, fields

from app.extensions import csrf


class ErrorDetailSchema(Schema):
    class Meta:
        unknown = INCLUDE

    code = fields.String(required=True, metadata={"description": "stable, snake_case: not_found, event_full …"})
    message = fields.String(required=True, metadata={"description": "readable text in the caller's language"})
    # The answer's `fields` key. Schema.fields is typed as the schema's field dict, but marshmallow's
    # metaclass takes declared fields off the class, so this does not replace it.
    fields = fields.Dict(keys=fields.String(), values=fields.String(),  # type: ignore[assignment]
                         metadata={"description": "validation errors only: each bad field and why"})


class ErrorSchema(Schema):
    """Every error answer: `{"error": {code, message, fields?}}` (API.md); check-in and redemption
    answers add `result` and what it needs (`checked_in_at`, `redeemed_at` …) beside it."""

    class Meta:
        unknown = INCLUDE

    error = fields.Nested(ErrorDetailSchema, required=True)


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # every operation lists its error statuses (document_errors)

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


def register_bearer_check(app: Flask, check: Callable[[], bool]) -> None:
    """Auth tells the API frame how to know a request was signed in by a bearer token.

    The frame only needs the answer (such calls need no CSRF token); how tokens are
    read and checked is auth's, which registers `check` when it wires its sessions in.
    """
    app.extensions["api_bearer_check"] = check


def _by_token() -> bool:
    check = current_app.extensions.get("api_bearer_check")
    return bool(check is not None and check())


def _csrf_for_cookie_callers():
    """Bearer-token calls need no CSRF token; calls riding on a session cookie do.

    The scanner page posts with the staff member's session, so a forged
    cross-site POST must not be able to do the same.
    """
    if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if _by_token():  # app.auth.sessions.authenticate_bearer already refused a bad token
        return None
    if current_user.is_authenticated:
        csrf.protect()
    return None


def answers(*statuses: int):
    """Declare error statuses a view answers beyond those `document_errors` infers (e.g. 401 of a public view)."""

    def decorator(view):
        view.api_statuses = statuses
        return view

    return decorator


# Statuses every operation can answer, whatever it does: a malformed request or hostile characters
# (400), a rate limit (429; deployments may set RATELIMIT_DEFAULT), the database down (503).
_EVERY_OPERATION = (400, 429, 503)
_WITH_BODY = ("post", "put", "patch")
_URL_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def document_errors(app: Flask) -> None:
    """Make the OpenAPI document say which errors each operation can answer, and which need no token.

    flask-smorest would describe every error with its own `Error` schema under `default`; ours is one
    `Error` component in our shape, listed per status: 401/403 for operations behind a login (public ones
    get `security: []`), 404 where the path names an object, 409 and 413 where a body changes state,
    422 where input is validated.
    """
    public_paths: dict[str, set[str]] = {}
    extra_statuses: dict[tuple[str, str], tuple[int, ...]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        path = _URL_PARAM.sub(r"{\1}", rule.rule)
        if getattr(view, "public", False):
            public_paths.setdefault(path, set()).update(m.lower() for m in rule.methods or ())
        for method in rule.methods or ():
            extra_statuses[(path, method.lower())] = getattr(view, "api_statuses", ())
    spec = api.spec
    for path, operations in spec._paths.items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            is_public = method in public_paths.get(path, ())
            statuses = set(_EVERY_OPERATION)
            if not is_public:
                statuses.update((401, 403))
            else:
                operation["security"] = []
            if "{" in path or method in _WITH_BODY:  # the path or the body names an object
                statuses.add(404)
            statuses.update(extra_statuses.get((path, method), ()))
            if method in _WITH_BODY or method == "delete":
                statuses.update((409, 413))
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.add(422)
            for status in sorted(statuses):
                responses.setdefault(str(status), spec.components.get_ref("response", http.HTTPStatus(status).name))


def init_api(app: Flask) -> None:
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "info": {"description": "网点活动通 JSON API v1. Errors: {\"error\": {\"code\", \"message\", \"fields\"}}."},
    })
    api.init_app(app)
    from app.input_guard import BoundedIntConverter  # the `int` of every URL rule (out of int32: 404)

    api.register_converter(BoundedIntConverter, integerconverter2paramschema)
    app.before_request(_csrf_for_cookie_callers)
