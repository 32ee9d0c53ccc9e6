"""Event results, computed from records only: registrations, check-ins, follow-ups, vouchers, cost.

Definitions (the same on the API, the report and the dashboard):
attendance rate = checked-in confirmed registrations / confirmed registrations, over held events only
(started or finished: an event not yet held has no rate, not 0 %);
newcomers = checked-in confirmed registrations of people who were not customers;
attendees = people (party sizes) of checked-in confirmed registrations;
cost per attendee = actual cost / attendees; a conversion is a follow-up
item whose status is "converted", its amount that item's outcome amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.alliance.models import Offer, Partner, Voucher
from app.auth.models import User
from app.customers.models import Customer
from app.events.models import Event, Registration
from app.extensions import db
from app.followups.models import FollowUp
from app.models import utcnow

CENT = Decimal("0.01")


def ratio(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part / whole rounded to 4 places, None when there is nothing to divide by."""
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def money_per(amount: Decimal | None, count: int) -> Decimal | None:
    if amount is None or not count:
        return None
    return (Decimal(amount) / count).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class EventStats:
    confirmed: int
    waitlisted: int
    checked_in: int
    attendees: int
    newcomers: int
    referrals: int
    followups_total: int
    followups_done: int
    followed_up_people: int
    converted_people: int
    conversions: int
    conversion_amount: Decimal
    vouchers_issued: int
    vouchers_redeemed: int
    actual_cost: Decimal | None
    budget: Decimal | None
    held: bool = True  # started (or finished); before that nobody could attend, so there is no rate yet

    @property
    def attendance_rate(self) -> float | None:
        return ratio(self.checked_in, self.confirmed) if self.held else None

    @property
    def cost_per_attendee(self) -> Decimal | None:
        return money_per(self.actual_cost, self.attendees)

    @property
    def cost_per_conversion(self) -> Decimal | None:
        return money_per(self.actual_cost, self.conversions)

    def as_api(self) -> dict:
        """The shape of GET /api/v1/events/{id}/stats (API.md), plus a few named additions."""
        return {
            "confirmed": self.confirmed, "waitlisted": self.waitlisted, "checked_in": self.checked_in,
            "attendance_rate": self.attendance_rate, "newcomers": self.newcomers, "referrals": self.referrals,
            "followups": {"total": self.followups_total, "done": self.followups_done},
            "conversions": {"count": self.conversions, "amount": float(self.conversion_amount)},
            "vouchers": {"issued": self.vouchers_issued, "redeemed": self.vouchers_redeemed},
            "cost_per_attendee": _float(self.cost_per_attendee),
            "attendees": self.attendees, "cost_per_conversion": _float(self.cost_per_conversion),
            "actual_cost": _float(self.actual_cost),
        }


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def event_stats(event: Event) -> EventStats:
    """Every figure of one event's results, from its registrations, follow-ups and vouchers."""
    reg = Registration
    confirmed = reg.status == "confirmed"
    attended = reg.attended
    row = db.session.execute(
        sa.select(
            sa.func.count(reg.id).filter(confirmed),
            sa.func.count(reg.id).filter(reg.status == "waitlisted"),
            sa.func.count(reg.id).filter(attended),
            sa.func.coalesce(sa.func.sum(reg.party_size).filter(attended), 0),
            sa.func.count(reg.id).filter(attended, reg.was_customer.is_(False)),
            sa.func.count(reg.id).filter(reg.status != "cancelled", sa.or_(
                reg.referrer_user_id.isnot(None), reg.referrer_customer_id.isnot(None))),
        ).where(reg.event_id == event.id)).one()
    f = FollowUp
    done = f.status != "open"
    converted = f.status == "converted"
    fu = db.session.execute(
        sa.select(
            sa.func.count(f.id), sa.func.count(f.id).filter(done),
            sa.func.count(sa.distinct(f.registration_id)).filter(done),
            sa.func.count(sa.distinct(f.registration_id)).filter(converted),
            sa.func.count(f.id).filter(converted),
            sa.func.coalesce(sa.func.sum(f.outcome_amount).filter(converted), 0),
        ).where(f.event_id == event.id)).one()
    vouchers = db.session.execute(
        sa.select(sa.func.count(Voucher.id), sa.func.count(Voucher.redeemed_at))
        .where(Voucher.event_id == event.id)).one()
    return EventStats(
        confirmed=row[0], waitlisted=row[1], checked_in=row[2], attendees=int(row[3]), newcomers=row[4],
        referrals=row[5], followups_total=fu[0], followups_done=fu[1], followed_up_people=fu[2],
        converted_people=fu[3], conversions=fu[4], conversion_amount=Decimal(fu[5] or 0).quantize(CENT),
        vouchers_issued=vouchers[0], vouchers_redeemed=vouchers[1], actual_cost=event.actual_cost,
        budget=event.budget, held=event.status == "finished" or event.starts_at <= utcnow())


def funnel(stats: EventStats) -> list[tuple[str, str, int]]:
    """报名 → 签到 → 跟进 → 转化 as (key, label, registrations with at least one such record)."""
    return [("registered", str(_l("报名")), stats.confirmed), ("attended", str(_l("签到")), stats.checked_in),
            ("followed_up", str(_l("跟进")), stats.followed_up_people),
            ("converted", str(_l("转化")), stats.converted_people)]


def goals_vs_actuals(event: Event, stats: EventStats) -> list[dict]:
    """The event's goals beside what happened; a goal not set shows as None."""
    goals = event.goals or {}
    return [
        {"key": "attendance_rate", "label": str(_l("签到率")), "goal": goals.get("attendance_rate"),
         "actual": stats.attendance_rate, "percent": True},
        {"key": "newcomers", "label": str(_l("新客")), "goal": goals.get("newcomers"), "actual": stats.newcomers,
         "percent": False},
        {"key": "conversions", "label": str(_l("转化")), "goal": goals.get("conversions"),
         "actual": stats.conversions, "percent": False},
    ]


def top_referrers(event: Event, limit: int = 5) -> list[dict]:
    """Who brought the most registrations (staff or customers), with how many of them came."""
    reg = Registration
    name = sa.func.coalesce(User.display_name, Customer.name)
    rows = db.session.execute(
        sa.select(name, sa.func.count(reg.id), sa.func.count(reg.id).filter(reg.attended))
        .select_from(reg)
        .outerjoin(User, User.id == reg.referrer_user_id)
        .outerjoin(Customer, Customer.id == reg.referrer_customer_id)
        .where(reg.event_id == event.id, reg.status != "cancelled",
               sa.or_(reg.referrer_user_id.isnot(None), reg.referrer_customer_id.isnot(None)))
        .group_by(name).order_by(sa.func.count(reg.id).desc(), name).limit(limit)).all()
    return [{"name": n, "registrations": count, "attended": came} for n, count, came in rows]


def partner_results(event_ids) -> list[dict]:
    """Vouchers issued and redeemed per partner and offer for these events, most redeemed first."""
    ids = list(event_ids)
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(Partner.name, Offer.title, sa.func.count(Voucher.id), sa.func.count(Voucher.redeemed_at))
        .select_from(Voucher).join(Offer, Offer.id == Voucher.offer_id).join(Partner, Partner.id == Offer.partner_id)
        .where(Voucher.event_id.in_(ids))
        .group_by(Partner.name, Offer.title)
        .order_by(sa.func.count(Voucher.redeemed_at).desc(), Partner.name, Offer.title)).all()
    return [{"partner": p, "offer": o, "issued": issued, "redeemed": redeemed,
             "redemption_rate": ratio(redeemed, issued)} for p, o, issued, redeemed in rows]
