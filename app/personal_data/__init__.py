"""A person's rights over their data (PIPL): access, erasure, consent withdrawal, requests, retention.

`init_app` wires the pages, the API, `flask privacy …`, the ticket page's link, the 今日 panel and the
customer page's block.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.api import api
    from app.events import signals
    from app.notify import signals as notify_signals
    from app.personal_data import api as personal_data_api
    from app.personal_data import (
        home,  # noqa: F401  (importing registers the overdue-requests panel)
        public,
        services,
        views,
    )
    from app.personal_data.cli import privacy_cli

    signals.register_ticket_block("below", public.ticket_block)
    # An SMS reply T/TD/R/退订 (notify records it) withdraws that phone's marketing consent here.
    notify_signals.phone_opted_out.connect(services.on_phone_opted_out)
    app.register_blueprint(views.bp)
    app.register_blueprint(public.bp)
    api.register_blueprint(personal_data_api.blp)
    api.register_blueprint(personal_data_api.requests_blp)
    api.register_blueprint(personal_data_api.public_blp)
    app.cli.add_command(privacy_cli)
    app.jinja_env.globals.update(personal_data_block=True)
