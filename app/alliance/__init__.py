"""The cross-industry alliance: partners, offers, vouchers, the partner portal."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.alliance import api as alliance_api
    from app.alliance import partners, portal, services, views
    from app.api import api
    from app.auth import signals as auth_signals
    from app.events import signals

    signals.register_voucher_issuer(services)  # events asks it for vouchers; it never imports alliance
    # auth's user pages name and check a partner login's partner through it; auth never imports alliance
    auth_signals.register_partner_directory(partners.AccountPartners())

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    api.register_blueprint(alliance_api.blp)
    api.register_blueprint(alliance_api.portal_blp)
