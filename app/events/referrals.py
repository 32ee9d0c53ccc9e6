"""Referrals: whose code (a staff member's or a customer's `?ref=`) brought a registration, and the counts
per referrer on the event's staff page."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import User
from app.customers.models import Customer
from app.events.models import Event, Registration
from app.extensions import db


def resolve_ref(code: str | None, outlet_id: int, registrant_id: int) -> tuple[User | None, Customer | None]:
    """Who brought this registration: a staff member's or a customer's referral code (never oneself)."""
    code = (code or "").strip().upper()
    if not code:
        return None, None
    user = db.session.scalar(sa.select(User).where(User.referral_code == code, User.active))
    if user is not None and user.role != "partner":
        return user, None
    customer = db.session.scalar(sa.select(Customer).where(Customer.referral_code == code,
                                                           Customer.outlet_id == outlet_id))
    if customer is not None and customer.id != registrant_id:
        return None, customer
    return None, None


def referral_counts(event: Event) -> list[tuple[str, int, int]]:
    """(referrer's name, registrations, people) for the event's confirmed and waitlisted registrations."""
    rows = db.session.execute(
        sa.select(sa.func.coalesce(User.display_name, Customer.name), sa.func.count(Registration.id),
                  sa.func.coalesce(sa.func.sum(Registration.party_size), 0))
        .select_from(Registration)
        .outerjoin(User, User.id == Registration.referrer_user_id)
        .outerjoin(Customer, Customer.id == Registration.referrer_customer_id)
        .where(Registration.event_id == event.id, Registration.status != "cancelled",
               sa.or_(Registration.referrer_user_id.isnot(None), Registration.referrer_customer_id.isnot(None)))
        .group_by(sa.func.coalesce(User.display_name, Customer.name))
        .order_by(sa.func.count(Registration.id).desc())).all()
    return [(name, count, int(people)) for name, count, people in rows]
