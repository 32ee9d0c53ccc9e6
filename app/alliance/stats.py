"""Alliance figures, all counted from voucher and registration rows (never typed in).

For a partner: issued, redeemed, rate, by offer, by event, by day, recent
redemptions with masked holders, the monthly statement. For the bank:
each partner's events co-hosted, attendees reached and vouchers, within the
outlets the viewer may see.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.alliance.models import EventOffer, Offer, Partner, Voucher
from app.alliance.services import masked_holder
from app.auth.models import User
from app.events.models import Event, Registration
from app.extensions import db
from app.org.models import Outlet
from app.security import scope_to_outlets
from app.timefmt import local_today, local_tz, to_local


def rate(part: int, whole: int) -> float:
    """A fraction with four decimals (0.4286); 0 when nothing was issued."""
    return round(part / whole, 4) if whole else 0.0


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _voucher_counts():
    return (sa.func.count(Voucher.id), sa.func.count(Voucher.redeemed_at),
            sa.func.coalesce(sa.func.sum(Voucher.amount_spent), 0))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, local_tz())


def partner_stats(partner_id: int, *, days: int = 30, today: date | None = None) -> dict:
    """A partner's own figures (no personal data): totals, by offer, by event and the last `days` days."""
    today = today or local_today()
    mine = sa.select(*_voucher_counts()).join(Offer, Offer.id == Voucher.offer_id).where(Offer.partner_id == partner_id)
    issued, redeemed, amount = db.session.execute(mine).one()
    offers = [
        {"id": oid, "title": title, "valid_from": vf, "valid_until": vu, "active": active, "issued": i,
         "redeemed": r, "redemption_rate": rate(r, i), "amount_spent": _money(a)}
        for oid, title, vf, vu, active, i, r, a in db.session.execute(
            sa.select(Offer.id, Offer.title, Offer.valid_from, Offer.valid_until, Offer.active, *_voucher_counts())
            .outerjoin(Voucher, Voucher.offer_id == Offer.id).where(Offer.partner_id == partner_id)
            .group_by(Offer.id, Offer.title, Offer.valid_from, Offer.valid_until, Offer.active)
            .order_by(Offer.valid_until.desc(), Offer.id))]
    events = [
        {"id": eid, "title": title, "date": to_local(starts).date(), "outlet_name": outlet, "issued": i,
         "redeemed": r, "redemption_rate": rate(r, i), "amount_spent": _money(a)}
        for eid, title, starts, outlet, i, r, a in db.session.execute(
            sa.select(Event.id, Event.title, Event.starts_at, Outlet.name, *_voucher_counts())
            .select_from(Voucher).join(Offer, Offer.id == Voucher.offer_id).join(Event, Event.id == Voucher.event_id)
            .join(Outlet, Outlet.id == Event.outlet_id).where(Offer.partner_id == partner_id)
            .group_by(Event.id, Event.title, Event.starts_at, Outlet.name).order_by(Event.starts_at.desc()))]
    return {"issued": issued, "redeemed": redeemed, "redemption_rate": rate(redeemed, issued),
            "amount_spent": _money(amount), "offers": offers, "events": events,
            "daily": daily(partner_id, today - timedelta(days=days - 1), today)}


def daily(partner_id: int, first: date, last: date) -> list[dict]:
    """Issued and redeemed per local calendar day, every day of the window present (zeros included)."""
    start, end = _day_start(first), _day_start(last + timedelta(days=1))
    buckets = {first + timedelta(days=n): {"issued": 0, "redeemed": 0} for n in range((last - first).days + 1)}
    # Bucketed in Python: local days cross UTC midnight, and the two databases spell time zones differently.
    for column, key in ((Voucher.issued_at, "issued"), (Voucher.redeemed_at, "redeemed")):
        stamps = db.session.scalars(sa.select(column).join(Offer, Offer.id == Voucher.offer_id).where(
            Offer.partner_id == partner_id, column >= start, column < end))
        for stamp in stamps:
            assert stamp is not None  # the range filter leaves out NULL
            day = to_local(stamp).date()
            if day in buckets:
                buckets[day][key] += 1
    return [{"date": day, **counts} for day, counts in buckets.items()]


def _redemption_rows(partner_id: int, *conditions, limit: int | None = None, newest_first: bool = True) -> list[dict]:
    stmt = (sa.select(Voucher, User.display_name).join(Offer, Offer.id == Voucher.offer_id)
            .outerjoin(User, User.id == Voucher.redeemed_by_id)
            .where(Offer.partner_id == partner_id, Voucher.redeemed_at.isnot(None), *conditions)
            .order_by(Voucher.redeemed_at.desc() if newest_first else Voucher.redeemed_at, Voucher.id)
            .options(selectinload(Voucher.offer), selectinload(Voucher.registration).selectinload(Registration.event)))
    if limit:
        stmt = stmt.limit(limit)
    rows = []
    for voucher, by in db.session.execute(stmt):
        offer = voucher.offer
        rows.append({"redeemed_at": voucher.redeemed_at, "code": voucher.code, "offer_title": offer.title,
                     "event_title": voucher.registration.event.title, **masked_holder(voucher),
                     "amount_spent": voucher.amount_spent, "redeemed_by": by or "",
                     "value": offer.value, "cost_share": offer.cost_share,
                     "bank_share": bank_share(offer)})
    return rows


def recent_redemptions(partner_id: int, limit: int = 20) -> list[dict]:
    return _redemption_rows(partner_id, limit=limit)


def bank_share(offer: Offer) -> Decimal:
    """What the bank owes the merchant for one redeemed voucher of this offer."""
    if offer.value is None:
        return Decimal("0.00")
    percent = {"bank": 100, "partner": 0}.get(offer.cost_share, offer.bank_share_percent or 0)
    return (offer.value * percent / 100).quantize(Decimal("0.01"))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return _day_start(first), _day_start(following)


def statement(partner: Partner, year: int, month: int) -> dict:
    """The monthly settlement statement: every redemption of the month and the totals to settle."""
    start, end = month_bounds(year, month)
    rows = _redemption_rows(partner.id, Voucher.redeemed_at >= start, Voucher.redeemed_at < end,
                            newest_first=False)
    issued = db.session.scalar(sa.select(sa.func.count(Voucher.id)).join(Offer, Offer.id == Voucher.offer_id).where(
        Offer.partner_id == partner.id, Voucher.issued_at >= start, Voucher.issued_at < end))
    return {"partner": partner, "month": f"{year:04d}-{month:02d}", "rows": rows, "issued": issued,
            "redeemed": len(rows),
            "face_value": sum((r["value"] or Decimal(0) for r in rows), Decimal("0.00")),
            "bank_share": sum((r["bank_share"] for r in rows), Decimal("0.00")),
            "amount_spent": sum((r["amount_spent"] or Decimal(0) for r in rows), Decimal("0.00"))}


def _hosted_pairs():
    """(partner_id, event_id) for events in the viewer's outlets that carry one of the partner's offers."""
    stmt = (sa.select(Offer.partner_id, EventOffer.event_id).distinct()
            .join(Offer, Offer.id == EventOffer.offer_id).join(Event, Event.id == EventOffer.event_id)
            .where(Event.is_public))
    return scope_to_outlets(stmt, Event.outlet_id).subquery()


def performance(partner_id: int | None = None) -> list[dict]:
    """Per partner: events co-hosted, attendees reached (checked-in people), vouchers issued and redeemed.

    Only events of the outlets the viewer may see count, so a manager sees what
    the partner did for their outlet and the admin sees the whole branch.
    """
    pairs = _hosted_pairs()
    events: dict[int, int] = dict(db.session.execute(sa.select(pairs.c.partner_id, sa.func.count(pairs.c.event_id))
                                     .group_by(pairs.c.partner_id)).all())
    attendees: dict[int, int] = dict(db.session.execute(
        sa.select(pairs.c.partner_id, sa.func.coalesce(sa.func.sum(Registration.party_size), 0))
        .join(Registration, Registration.event_id == pairs.c.event_id)
        .where(Registration.attended).group_by(pairs.c.partner_id)).all())
    voucher_stmt = scope_to_outlets(
        sa.select(Offer.partner_id, *_voucher_counts()).select_from(Voucher)
        .join(Offer, Offer.id == Voucher.offer_id).join(Event, Event.id == Voucher.event_id)
        .group_by(Offer.partner_id), Event.outlet_id)
    vouchers = {pid: (i, r, a) for pid, i, r, a in db.session.execute(voucher_stmt)}
    stmt = sa.select(Partner).order_by(Partner.status, Partner.code)
    if partner_id is not None:
        stmt = stmt.where(Partner.id == partner_id)
    rows = []
    for partner in db.session.scalars(stmt):
        issued, redeemed, amount = vouchers.get(partner.id, (0, 0, 0))
        rows.append({"partner": partner, "code": partner.code, "name": partner.name, "category": partner.category,
                     "status": partner.status, "events": events.get(partner.id, 0),
                     "attendees": int(attendees.get(partner.id, 0)), "issued": issued, "redeemed": redeemed,
                     "redemption_rate": rate(redeemed, issued), "amount_spent": _money(amount)})
    rows.sort(key=lambda r: (r["status"] != "active", -r["redeemed"], -r["events"], r["code"]))
    return rows


def performance_by_event(partner: Partner) -> list[dict]:
    """One partner's co-hosted events in the viewer's outlets: attendees and its vouchers per event."""
    stmt = scope_to_outlets(
        sa.select(Event).join(EventOffer, EventOffer.event_id == Event.id).join(Offer, Offer.id == EventOffer.offer_id)
        .where(Offer.partner_id == partner.id, Event.is_public).distinct()
        .order_by(Event.starts_at.desc()), Event.outlet_id)
    rows = []
    for event in db.session.scalars(stmt):
        attendees = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Registration.party_size), 0)).where(
            Registration.event_id == event.id, Registration.attended))
        issued, redeemed, amount = db.session.execute(
            sa.select(*_voucher_counts()).join(Offer, Offer.id == Voucher.offer_id)
            .where(Voucher.event_id == event.id, Offer.partner_id == partner.id)).one()
        rows.append({"event": event, "attendees": int(attendees or 0), "issued": issued, "redeemed": redeemed,
                     "redemption_rate": rate(redeemed, issued), "amount_spent": _money(amount)})
    return rows
