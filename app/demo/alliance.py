"""Demo offers for the four demo partners, valid around today. Idempotent (one offer per partner and title)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.alliance.models import Offer, Partner
from app.demo.org import earlier_spellings
from app.extensions import db
from app.timefmt import local_today

# partner code, title, terms, issue on, total limit, per customer, value, cost share, bank %
OFFERS = [
    ("P-BAKE", "亲子烘焙课体验券（演示）", "凭券可带 1 名儿童免费体验烘焙课一次，需提前一天预约", "checkin", 200, 1,
     "68.00", "shared", 50),
    ("P-BAKE", "面包满 50 减 10（演示）", "店内面包满 50 元可用，不与其他优惠同享", "registration", 500, 1,
     "10.00", "partner", None),
    ("P-CAFE", "咖啡买一送一（演示）", "任意手冲或拿铁买一送一，限堂食", "checkin", 300, 1, "28.00", "bank", None),
    ("P-EDU", "美术体验课一节（演示）", "4-12 岁儿童适用，凭券预约一节 60 分钟美术课", "checkin", 100, 1,
     "120.00", "partner", None),
    ("P-HEALTH", "基础体检套餐 8 折（演示）", "凭券享基础体检套餐 8 折，限本人", "registration", 150, 1,
     "80.00", "shared", 30),
]


def seed_alliance(today: date | None = None) -> list[tuple[str, str, str]]:
    today = today or local_today()
    for code, title, terms, issue_on, total, per_customer, value, share, percent in OFFERS:
        partner = db.session.scalar(sa.select(Partner).where(Partner.code == code))
        if partner is None:
            continue
        if partner.agreement_start is None:
            partner.agreement_start = today.replace(month=1, day=1)
            partner.agreement_end = today.replace(month=12, day=31) + timedelta(days=365)
        exists = db.session.scalar(sa.select(Offer.id).where(
            Offer.partner_id == partner.id, Offer.title.in_(earlier_spellings(title))))
        if exists is None:
            db.session.add(Offer(partner=partner, title=title, terms=terms, issue_on=issue_on, total_limit=total,
                                 per_customer_limit=per_customer, value=Decimal(value), cost_share=share,
                                 bank_share_percent={"bank": 100, "partner": 0}.get(share, percent),
                                 valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=120)))
    db.session.flush()
    return []
