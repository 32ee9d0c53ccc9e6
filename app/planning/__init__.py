"""Planning: the occasion calendar, the template catalogue and recommendations (pages and API)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, not at the top: the pure core (occasions, catalogue, recommend) is imported by
    # the app factory and other features, and must not drag the web layer in half-way through theirs.
    from app.api import api
    from app.planning import home  # noqa: F401  (registers the 今日 panel of occasions to prepare for)
    from app.planning.api import blp
    from app.planning.views import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
