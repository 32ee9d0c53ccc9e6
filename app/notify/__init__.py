"""Messages: the outbox, its senders (log, the bank's SMS platform, SMTP) and the platform's callbacks.

`init_app` sets up Flask-Mailman and registers the signed inbound endpoints (receipts and replies).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: app.all_models imports app.notify.models, which runs this file first.
    from app.api import api as api_registry
    from app.notify.api import blp
    from app.notify.senders import mail

    mail.init_app(app)
    api_registry.register_blueprint(blp)
