"""网点活动通 (Branch Events): the application factory."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import cast

from flask import Flask, current_app, flash, has_request_context, redirect, request, session, url_for
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

import app.all_models  # the complete metadata for migrations
import app.database  # noqa: F401  (registers the SQLite/PostgreSQL engine hooks)
from app.api import api, document_errors, init_api
from app.audit.views import bp as audit_bp
from app.auth.api import blp as auth_api
from app.auth.cli import users_cli
from app.auth.models import User
from app.auth.sessions import authenticate_bearer, init_sessions
from app.auth.views import bp as auth_bp
from app.catalogue.queries import builtin_templates
from app.customers.api import blp as customers_api
from app.customers.cli import customers_cli
from app.customers.views import bp as customers_bp
from app.demo import seed_demo_command
from app.demo.scale import seed_scale_command
from app.errors import error_response, register_error_handlers
from app.events import home as events_home  # noqa: F401  (registers the 今日 panel)
from app.events.api import blp as events_api
from app.events.api import public_blp as public_api
from app.events.public import bp as public_bp
from app.events.views import bp as events_bp
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.headers import init_headers
from app.home.views import bp as home_bp
from app.input_guard import init_input_guard
from app.org.api import blp as org_api
from app.org.views import bp as org_bp
from app.templating import init_templating
from app.unit_of_work import init_app as init_unit_of_work
from config import ROOT, load_config


def select_locale() -> str:
    chosen = session.get("lang") if has_request_context() else None
    if chosen is not None and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_mapping(load_config(overrides))
    cast(DefaultJSONProvider, app.json).ensure_ascii = False  # Chinese stays readable in JSON answers
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's way to add WSGI middleware
            app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(ROOT) / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    limiter.init_app(app)
    _init_login(app)
    init_input_guard(app)  # before any other before_request: hostile input stops here
    init_api(app)
    _register_blueprints(app)
    _init_features(app)
    builtin_templates()  # a malformed catalogue file fails here, at start, naming the file and field
    register_error_handlers(app)
    init_headers(app)
    init_sessions(app)
    init_templating(app)
    _register_cli(app)
    document_errors(app)  # after every API blueprint
    init_unit_of_work(app)  # last: its after_request hook then runs first (a failed commit's answer gets headers)
    return app


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(stored_id: str):
        # "<id>:<session_version>"; a stale version (or an id from before versions) is refused,
        # so the copied session or remember cookie of an ended session no longer signs anyone in.
        user_id, _sep, version = stored_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user

    # A bearer token, when sent, decides who the caller is (before the session cookie is read).
    app.before_request(authenticate_bearer)

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return error_response(401, "unauthorized", _("需要登录或有效的 API 令牌"))
        flash(_("请先登录"), "info")
        next_url = request.full_path if request.method == "GET" else None
        return redirect(url_for("auth.login", next=next_url.rstrip("?") if next_url else None))


# Feature packages that wire themselves in: each has `init_app(app)` in its __init__.py
# (blueprints, API blueprints via app.api.api, CLI commands, home panels).
FEATURES = ("notify", "planning", "checkin", "alliance", "followups", "personal_data", "campaigns", "jobs")


def _init_features(app: Flask) -> None:
    for name in FEATURES:
        module = importlib.import_module(f"app.{name}")
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)


def _register_blueprints(app: Flask) -> None:
    for api_blueprint in (auth_api, org_api, customers_api, events_api, public_api):
        api.register_blueprint(api_blueprint)
    for blueprint in (home_bp, auth_bp, customers_bp, audit_bp, events_bp, public_bp, org_bp):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(customers_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_scale_command)
