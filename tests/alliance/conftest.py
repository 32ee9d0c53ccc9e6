"""Alliance fixtures: offers on events, registrations holding vouchers, partner users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.alliance.models import EventOffer, Offer, Partner, Voucher
from app.extensions import db
from app.timefmt import local_today


def make_offer(partner: Partner, *, title: str = "凭券享 8 折（测试）", issue_on: str = "registration",
               days_valid: int = 30, **fields) -> Offer:
    today = local_today()
    values = {"valid_from": today - timedelta(days=1), "valid_until": today + timedelta(days=days_valid),
              "terms": "限本人使用，不与其他优惠同享", "value": 30, "cost_share": "partner", **fields}
    offer = Offer(partner=partner, title=title, issue_on=issue_on, **values)
    db.session.add(offer)
    db.session.commit()
    return offer


def attach(event, *offers: Offer) -> None:
    for offer in offers:
        db.session.add(EventOffer(event_id=event.id, offer_id=offer.id))
    db.session.commit()


def vouchers_of(registration) -> list[Voucher]:
    return list(db.session.scalars(sa.select(Voucher).where(Voucher.registration_id == registration.id)
                                   .order_by(Voucher.id)))


@dataclass
class Scene:
    """A partner with a partner user, an offer issued on registration, an event carrying it, one holder."""

    partner: Partner
    partner_user: object
    offer: Offer
    event: object
    registration: object
    voucher: Voucher


@pytest.fixture
def scene(make) -> Scene:
    outlet = make.outlet()
    partner = make.partner(category="bakery", name="麦香坊烘焙（测试）")
    partner_user = make.user("partner", partner=partner, username="bake.counter")
    offer = make_offer(partner)
    event = make.event(outlet, capacity=20)
    attach(event, offer)
    registration = make.registration(event, name="张三丰", phone="13812341234")
    voucher = vouchers_of(registration)[0]
    return Scene(partner, partner_user, offer, event, registration, voucher)
