"""Hooks events offers the features above it, so that events never imports them.

A registration confirmed may earn vouchers, but vouchers are the alliance's:
alliance registers its issuer here in its `init_app` and events asks through
it. Without an issuer (no alliance), nothing is issued. The issuer answers in
two steps: the offer ids, looked up before the event's lock (they are the lock
order and keep the locked part short), and the issuing itself once confirmed.
"""

from __future__ import annotations

from typing import Any, Protocol


class VoucherIssuer(Protocol):
    def offers_issuing(self, event_id: int, trigger: str) -> list[int]: ...
    def issue_vouchers(self, registration: Any, trigger: str, offer_ids: list[int] | None = None) -> list: ...


_issuer: VoucherIssuer | None = None


def register_voucher_issuer(issuer: VoucherIssuer) -> None:
    """Called by alliance's init_app (every app registers the same issuer)."""
    global _issuer
    _issuer = issuer


def voucher_issuer() -> VoucherIssuer | None:
    return _issuer


def offers_issuing(event_id: int, trigger: str) -> list[int]:
    return _issuer.offers_issuing(event_id, trigger) if _issuer is not None else []


def issue_vouchers(registration: Any, trigger: str, offer_ids: list[int] | None = None) -> list:
    return _issuer.issue_vouchers(registration, trigger, offer_ids) if _issuer is not None else []
