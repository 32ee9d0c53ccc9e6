"""Planning: the occasion calendar, the template library and recommendations (pages and API).

The templates and the calendar themselves are app.catalogue's; planning shows them and ranks them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, not at the top: importing the package (the app factory does) must not drag the
    # web layer in half-way through another feature's imports.
    from app.api import api
    from app.planning import home  # noqa: F401  (registers the 今日 panel of occasions to prepare for)
    from app.planning.api import blp
    from app.planning.views import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
