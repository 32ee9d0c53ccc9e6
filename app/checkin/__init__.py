"""Check-in at the door. `init_app` wires its pages, API and panels into the app."""

from __future__ import annotations

from flask import Flask

from app.api import api as api_registry
from app.checkin import home  # noqa: F401  (registers the event-day card of 今日)
from app.checkin.api import blp as checkin_api
from app.checkin.links import ticket_block
from app.checkin.public import bp as public_bp
from app.checkin.views import bp as pages_bp
from app.events import signals


def init_app(app: Flask) -> None:
    signals.register_ticket_block("top", ticket_block)  # the ticket page asks it; events never imports checkin
    app.register_blueprint(pages_bp)
    app.register_blueprint(public_bp)
    api_registry.register_blueprint(checkin_api)
