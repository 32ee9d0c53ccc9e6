"""Fixtures for check-in tests: an outlet with staff, a manager, a published event and its registrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from app.alliance.models import EventOffer, Offer
from app.extensions import db


@dataclass
class Door:
    outlet: object
    staff: object
    manager: object
    event: object
    headers: dict
    manager_headers: dict
    registrations: list = field(default_factory=list)


@pytest.fixture
def door(make) -> Door:
    outlet = make.outlet("CK1")
    staff = make.user("staff", outlet=outlet, username="ck.staff", name="门口小李")
    manager = make.user("manager", outlet=outlet, username="ck.manager", name="刘经理")
    event = make.event(outlet, title="理财沙龙（测试）", capacity=20, max_party_size=3, starts_in_days=0)
    door = Door(outlet, staff, manager, event, make.token_headers(staff), make.token_headers(manager))
    for i, (name, party) in enumerate([("王小明", 1), ("曾国藩", 2), ("单雄信", 3)]):
        door.registrations.append(make.registration(event, name=name, phone=f"1390000{i:04d}", party_size=party))
    return door


def add_offer(event, partner, issue_on: str = "checkin") -> Offer:
    """An active offer of `partner` carried by `event`, issuing vouchers on `issue_on`."""
    today = date.today()
    offer = Offer(partner_id=partner.id, title="到场礼：面包券（测试）", valid_from=today - timedelta(days=1),
                  valid_until=today + timedelta(days=30), issue_on=issue_on)
    db.session.add(offer)
    db.session.flush()
    db.session.add(EventOffer(event_id=event.id, offer_id=offer.id))
    db.session.commit()
    return offer
