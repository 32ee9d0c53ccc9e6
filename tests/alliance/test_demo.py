"""The demo step: offers for the four demo partners, valid today, made once however often it runs."""

from __future__ import annotations

import sqlalchemy as sa

from app.alliance.models import Offer
from app.demo.alliance import seed_alliance
from app.demo.org import seed_org
from app.extensions import db
from app.timefmt import local_today


def test_demo_offers_are_valid_today_synthetic_and_idempotent(app_ctx):
    seed_org()
    assert seed_alliance() == []
    seed_alliance()
    db.session.commit()
    offers = list(db.session.scalars(sa.select(Offer)))
    assert len(offers) == 5
    assert {o.partner.code for o in offers} == {"P-BAKE", "P-CAFE", "P-EDU", "P-HEALTH"}
    today = local_today()
    assert all(o.valid_from <= today <= o.valid_until and "（演示）" in o.title and o.active for o in offers)
    assert all(o.partner.agreement_start <= today <= o.partner.agreement_end for o in offers)
