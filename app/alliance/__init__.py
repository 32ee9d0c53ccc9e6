"""The cross-industry alliance: partners, offers, vouchers, the partner portal."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.alliance import api as alliance_api
    from app.alliance import partners, portal, public, services, views
    from app.api import api
    from app.auth import signals as auth_signals
    from app.events import signals

    # Events asks through these hooks and never imports alliance: vouchers to issue, the offers an event
    # carries, the ticket's vouchers.
    signals.register_voucher_issuer(services)
    signals.register_event_offers(services)
    signals.register_ticket_block("below", public.ticket_block)
    signals.register_ticket_fields(public.ticket_fields)
    # auth's user pages name and check a partner login's partner through it; auth never imports alliance
    auth_signals.register_partner_directory(partners.AccountPartners())

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(public.bp)
    api.register_blueprint(alliance_api.blp)
    api.register_blueprint(alliance_api.portal_blp)
