"""Campaigns (支行): one template pushed to several outlets as one draft event each, and their comparison.

`init_app` wires the pages, the API and the 今日 nudge for outlets with unpublished campaign drafts.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.api import api
    from app.campaigns import home  # noqa: F401  (importing registers the 今日 panel)
    from app.campaigns.api import blp
    from app.campaigns.views import bp

    app.register_blueprint(bp)
    api.register_blueprint(blp)
