"""Hooks events offers the features above it, so that events never imports them.

Three of them, each registered by the feature above in its `init_app`: the
voucher issuer (registration and check-in issue through it), the event's offers
(alliance stores which offers an event carries; the event form, page, poster
and API ask it), and the ticket page's blocks and API fields (check-in and
alliance add theirs).

A registration confirmed may earn vouchers, but vouchers are the alliance's:
alliance registers its issuer here in its `init_app` and events asks through
it. Without an issuer (no alliance), nothing is issued. Registration and
check-in both fold a cheap SQL pre-check (`offers_may_issue`) into a statement
they make anyway (registration: the recount under the event's lock; check-in:
its claiming UPDATE), so an event without offers asks nothing more; when it
may issue, the issuer looks the offer ids up (they are the lock order) and issues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa


class VoucherIssuer(Protocol):
    def offers_may_issue(self, event_id: Any, trigger: str) -> Any: ...  # a boolean SQL expression
    def issue_vouchers(self, registration: Any, trigger: str) -> list: ...


_issuer: VoucherIssuer | None = None


def register_voucher_issuer(issuer: VoucherIssuer) -> None:
    """Called by alliance's init_app (every app registers the same issuer)."""
    global _issuer
    _issuer = issuer


def voucher_issuer() -> VoucherIssuer | None:
    return _issuer


def offers_may_issue(event_id: Any, trigger: str) -> Any:
    """SQL: might an offer of the event issue a voucher on `trigger`? False without an issuer."""
    return _issuer.offers_may_issue(event_id, trigger) if _issuer is not None else sa.false()


def issue_vouchers(registration: Any, trigger: str) -> list:
    return _issuer.issue_vouchers(registration, trigger) if _issuer is not None else []


# --- Which offers an event carries: stored by alliance (EventOffer), asked here by the event pages and API. ---

@dataclass(frozen=True)
class OfferChoice:
    """An offer staff may put on an event, as the event form lists it."""

    id: int
    label: str  # "partner · offer title"
    category: str  # the partner's category, which templates suggest (`partner_categories`)


class EventOffers(Protocol):
    def attachable_offers(self) -> list[OfferChoice]: ...
    def known_offer_ids(self, ids: list[int]) -> list[int]: ...  # those of `ids` that name an offer, once each
    def event_offer_ids(self, event_id: int) -> list[int]: ...
    def events_offer_ids(self, event_ids: list[int]) -> dict[int, list[int]]: ...  # a page of events at once
    def set_event_offers(self, event_id: int, offer_ids: list[int]) -> None: ...
    def event_offer_labels(self, event_id: int) -> list[str]: ...
    def event_partner_names(self, event_id: int) -> list[str]: ...


class _NoOffers:
    """Without alliance an event carries no offers, and an offer id names nothing."""

    def attachable_offers(self) -> list[OfferChoice]:
        return []

    def known_offer_ids(self, ids: list[int]) -> list[int]:
        return []

    def event_offer_ids(self, event_id: int) -> list[int]:
        return []

    def events_offer_ids(self, event_ids: list[int]) -> dict[int, list[int]]:
        return {event_id: [] for event_id in event_ids}

    def set_event_offers(self, event_id: int, offer_ids: list[int]) -> None:
        return None

    def event_offer_labels(self, event_id: int) -> list[str]:
        return []

    def event_partner_names(self, event_id: int) -> list[str]:
        return []


_event_offers: EventOffers = _NoOffers()


def register_event_offers(provider: EventOffers) -> None:
    """Called by alliance's init_app (every app registers the same provider)."""
    global _event_offers
    _event_offers = provider


def event_offers() -> EventOffers:
    return _event_offers


# --- The ticket page (/t/<token>) and its API answer: what features above events add to them. ---

@dataclass(frozen=True)
class TicketBlock:
    """A piece of the ticket page a feature adds: the template to include and what it reads (as `extra`)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# Where a block goes: "top" above the ticket card (staff's check-in), "below" under it (the vouchers).
# The top ones are asked first: a check-in that opening the link does issues vouchers a block below shows.
TICKET_PLACES = ("top", "below")
TicketBlockProvider = Callable[..., "TicketBlock | None"]  # (registration, *, staff_view) -> block or None

_ticket_blocks: dict[str, list[TicketBlockProvider]] = {place: [] for place in TICKET_PLACES}
_ticket_fields: list[Callable[[Any], dict[str, Any]]] = []


def register_ticket_block(place: str, provider: TicketBlockProvider) -> None:
    """Called in a feature's init_app; every app registers the same provider, so it is kept once."""
    if place not in _ticket_blocks:
        raise ValueError(f"unknown ticket place {place!r}: one of {TICKET_PLACES}")
    if provider not in _ticket_blocks[place]:
        _ticket_blocks[place].append(provider)


def ticket_blocks(registration: Any, *, staff_view: bool) -> dict[str, list[TicketBlock]]:
    """The blocks of every place for this ticket, asked place by place in TICKET_PLACES order."""
    found: dict[str, list[TicketBlock]] = {}
    for place in TICKET_PLACES:
        blocks = (provider(registration, staff_view=staff_view) for provider in _ticket_blocks[place])
        found[place] = [block for block in blocks if block is not None]
    return found


def register_ticket_fields(provider: Callable[[Any], dict[str, Any]]) -> None:
    """A provider of fields for the public API's ticket answer (`GET /api/v1/public/tickets/<token>`)."""
    if provider not in _ticket_fields:
        _ticket_fields.append(provider)


def ticket_fields(registration: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for provider in _ticket_fields:
        fields.update(provider(registration))
    return fields
