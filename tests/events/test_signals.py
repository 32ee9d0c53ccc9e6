"""The hooks of app.events.signals: features above events add to the ticket and carry offers (issue 14)."""

from __future__ import annotations

import pytest

from app.errors import ValidationFailed
from app.events import services, signals
from app.events.signals import TicketBlock
from tests.checkin.conftest import add_offer


def test_ticket_blocks_are_asked_top_first_and_each_provider_is_kept_once(monkeypatch):
    monkeypatch.setattr(signals, "_ticket_blocks", {place: [] for place in signals.TICKET_PLACES})
    asked = []

    def below(registration, *, staff_view):
        asked.append("below")
        return TicketBlock("below.html", {"staff": staff_view})

    def top(registration, *, staff_view):
        asked.append("top")
        return None  # nothing to add: left out

    signals.register_ticket_block("below", below)
    signals.register_ticket_block("top", top)
    signals.register_ticket_block("top", top)  # a second app registering the same provider
    blocks = signals.ticket_blocks(object(), staff_view=True)
    assert asked == ["top", "below"]
    assert blocks == {"top": [], "below": [TicketBlock("below.html", {"staff": True})]}
    with pytest.raises(ValueError):
        signals.register_ticket_block("side", top)


def test_without_an_offers_provider_an_event_carries_none(app_ctx, make, monkeypatch):
    monkeypatch.setattr(signals, "_event_offers", signals._NoOffers())
    event = make.event()
    assert services.offer_ids(event) == [] and services.attachable_offers() == []
    with pytest.raises(ValidationFailed) as refused:
        services.update_event(event, services.EventInput(title=event.title, starts_at=event.starts_at,
                                                         ends_at=event.ends_at, capacity=event.capacity,
                                                         offer_ids=[1]))
    assert "offer_ids" in refused.value.fields


def test_alliance_answers_for_the_offers_an_event_carries(app_ctx, make):
    partner = make.partner(name="麦香坊烘焙（测试）")
    event = make.event()
    offer = add_offer(event, partner)
    assert services.offer_ids(event) == [offer.id]
    assert signals.event_offers().event_offer_labels(event.id) == [f"麦香坊烘焙（测试） · {offer.title}"]
    assert signals.event_offers().event_partner_names(event.id) == ["麦香坊烘焙（测试）"]
    copy = services.clone_event(event)
    assert services.offer_ids(copy) == [offer.id]
