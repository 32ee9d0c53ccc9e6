"""Reading follow-up work: lists with filters, today's to-do, the prospect list, daily closing per staff member.

Every query goes through the caller's outlet scope; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.customers.models import Customer
from app.events.models import Event, Registration
from app.extensions import db
from app.followups.models import FollowUp

# An event's results, defined once in results.py; campaigns compare outlets by exactly these figures.
from app.followups.results import CENT, EventStats, event_stats, ratio  # noqa: F401  (re-exported)
from app.models import utcnow
from app.security import OUTLET_ROLES, scope_to_outlets
from app.timefmt import local_today, local_tz

REPEAT_NO_SHOWS = 2  # no-shows (win-back items) at which a person is flagged
UPCOMING_DAYS = 7


@dataclass
class FollowUpFilter:
    """Filters of the list page and GET /api/v1/followups; None means "any"."""

    event_id: int | None = None
    list: str | None = None
    status: str | None = None
    assignee_id: int | None = None
    due_before: date | None = None  # due on or before this day
    open_only: bool = False
    limit: int = 200
    offset: int = 0


def followups(filters: FollowUpFilter, user=None) -> list[FollowUp]:
    """Follow-ups in the caller's outlets, soonest due first."""
    stmt = scope_to_outlets(sa.select(FollowUp), FollowUp.outlet_id, user).options(
        joinedload(FollowUp.customer), joinedload(FollowUp.event).joinedload(Event.outlet),
        joinedload(FollowUp.assignee))
    if filters.event_id is not None:
        stmt = stmt.where(FollowUp.event_id == filters.event_id)
    if filters.list:
        stmt = stmt.where(FollowUp.list == filters.list)
    if filters.status:
        stmt = stmt.where(FollowUp.status == filters.status)
    elif filters.open_only:
        stmt = stmt.where(FollowUp.status == "open")
    if filters.assignee_id is not None:
        stmt = stmt.where(FollowUp.assignee_id == filters.assignee_id)
    if filters.due_before is not None:
        stmt = stmt.where(FollowUp.due_date <= filters.due_before)
    stmt = stmt.order_by(FollowUp.due_date, FollowUp.id).limit(filters.limit).offset(filters.offset)
    return list(db.session.scalars(stmt).unique())


def repeat_no_show_ids(customer_ids) -> set[int]:
    """Of these customers, those with at least REPEAT_NO_SHOWS win-back items from different events."""
    ids = list(set(customer_ids))
    if not ids:
        return set()
    stmt = (sa.select(FollowUp.customer_id).where(FollowUp.customer_id.in_(ids), FollowUp.list == "winback",
                                                   FollowUp.sequence == 1)
            .group_by(FollowUp.customer_id)
            .having(sa.func.count(sa.distinct(FollowUp.event_id)) >= REPEAT_NO_SHOWS))
    return set(db.session.scalars(stmt))


@dataclass
class TodayList:
    """One person's open follow-ups: overdue and due today first, then the next seven days."""

    today: date
    due: list[FollowUp] = field(default_factory=list)
    upcoming: list[FollowUp] = field(default_factory=list)
    repeat_no_shows: set[int] = field(default_factory=set)

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.due if f.due_date < self.today)


def today_list(user, limit: int = 50) -> TodayList:
    today = local_today()
    items = followups(FollowUpFilter(assignee_id=user.id, open_only=True,
                                     due_before=today + timedelta(days=UPCOMING_DAYS), limit=limit), user)
    result = TodayList(today=today)
    for item in items:
        (result.due if item.due_date <= today else result.upcoming).append(item)
    result.repeat_no_shows = repeat_no_show_ids(f.customer_id for f in items)
    return result


@dataclass
class Prospect:
    customer: Customer
    event: Event
    attended_at: datetime
    events_attended: int
    followup: FollowUp | None


def prospects(user=None, limit: int = 200, offset: int = 0) -> list[Prospect]:
    """开拓名单: non-customers of the caller's outlets who attended an event, with the event that brought them."""
    # The people are chosen inside the aggregate too: grouping every attended registration of the whole
    # network first, then keeping the caller's prospects, read all 1.5 million of a branch's three years
    # for one outlet's page (1.1 s; docs/performance.md, "Branch-scale data").
    attended = (scope_to_outlets(
        sa.select(Registration.customer_id.label("customer_id"),
                  sa.func.max(Registration.checked_in_at).label("last_at"),
                  sa.func.count(Registration.id).label("times"))
        .join(Customer, Customer.id == Registration.customer_id)
        .where(Registration.attended, Customer.is_customer.is_(False)), Customer.outlet_id, user)
                .group_by(Registration.customer_id).subquery())
    stmt = scope_to_outlets(
        sa.select(Customer, attended.c.last_at, attended.c.times)
        .join(attended, attended.c.customer_id == Customer.id)
        .where(Customer.is_customer.is_(False)), Customer.outlet_id, user)
    rows = db.session.execute(stmt.order_by(attended.c.last_at.desc(), Customer.id).limit(limit).offset(offset)).all()
    ids = [customer.id for customer, _last, _times in rows]
    latest: dict[int, Registration] = {}
    for registration in db.session.scalars(
            sa.select(Registration).options(joinedload(Registration.event))
            .where(Registration.customer_id.in_(ids), Registration.attended)
            .order_by(Registration.checked_in_at, Registration.id)):
        latest[registration.customer_id] = registration  # ascending order: the last one wins
    followup_of: dict[int, FollowUp] = {}
    for item in db.session.scalars(sa.select(FollowUp).where(FollowUp.customer_id.in_(ids),
                                                               FollowUp.list == "prospect")
                                   .order_by(FollowUp.created_at, FollowUp.sequence, FollowUp.id)):
        followup_of[item.customer_id] = item
    return [Prospect(customer=customer, event=latest[customer.id].event, attended_at=last_at,
                     events_attended=times, followup=followup_of.get(customer.id))
            for customer, last_at, times in rows]


@dataclass
class StaffDay:
    """One staff member's daily closing (日清日结) figures."""

    user: User
    due_today: int = 0
    overdue: int = 0
    done_on_time: int = 0
    done_late: int = 0
    done_today: int = 0

    @property
    def open_total(self) -> int:
        return self.due_today + self.overdue


def _local_date(value: datetime) -> date:
    return value.astimezone(local_tz()).date()


def team_day(user=None) -> list[StaffDay]:
    """Per staff member of the caller's outlets: due today, overdue, done today, and this month's done on time / late.

    On time means the result was recorded on or before the due day (local dates).
    """
    today = local_today()
    staff_stmt = scope_to_outlets(sa.select(User).where(User.role.in_(OUTLET_ROLES), User.active), User.outlet_id,
                                  user)
    staff = {u.id: StaffDay(user=u) for u in db.session.scalars(staff_stmt.order_by(User.display_name))}
    if not staff:
        return []
    day_start = datetime.combine(today, time.min, local_tz())
    month_start = datetime.combine(today.replace(day=1), time.min, local_tz())
    rows = db.session.execute(
        sa.select(FollowUp.assignee_id, FollowUp.status, FollowUp.due_date, FollowUp.done_at)
        .where(FollowUp.assignee_id.in_(list(staff)),
               sa.or_(FollowUp.status == "open", FollowUp.done_at >= month_start))).all()
    for assignee_id, status, due, done_at in rows:
        day = staff[assignee_id]
        if status == "open" or done_at is None:
            if due == today:
                day.due_today += 1
            elif due < today:
                day.overdue += 1
            continue
        if _local_date(done_at) <= due:
            day.done_on_time += 1
        else:
            day.done_late += 1
        if done_at >= day_start:
            day.done_today += 1
    return list(staff.values())


def outlet_staff(outlet_ids, user=None) -> list[User]:
    """Active staff and managers who can be given follow-ups (only in the caller's outlets)."""
    stmt = scope_to_outlets(sa.select(User).where(User.role.in_(OUTLET_ROLES), User.active), User.outlet_id, user)
    if outlet_ids is not None:
        stmt = stmt.where(User.outlet_id.in_(list(outlet_ids)))
    return list(db.session.scalars(stmt.order_by(User.display_name)))


def customer_history(customer: Customer) -> dict:
    """For the customer page: events attended (or missed) and follow-ups, newest first; the no-show flag."""
    registrations = list(db.session.scalars(
        sa.select(Registration).options(joinedload(Registration.event))
        .where(Registration.customer_id == customer.id).order_by(Registration.created_at.desc()).limit(50)))
    items = list(db.session.scalars(
        sa.select(FollowUp).options(joinedload(FollowUp.event), joinedload(FollowUp.assignee))
        .where(FollowUp.customer_id == customer.id)
        .order_by(FollowUp.due_date.desc(), FollowUp.id.desc()).limit(50)).unique())
    return {"registrations": registrations, "followups": items,
            "repeat_no_show": bool(repeat_no_show_ids([customer.id]))}


# --- the template track record (往绩) that planning shows --------------------------------------

def held_and_over():
    """SQL: an event that has been held: finished, or published and already over. Drafts and cancelled
    events were never held; one still running has no final figures yet."""
    return sa.or_(Event.status == "finished", sa.and_(Event.status == "published", Event.ends_at < utcnow()))


def template_track_record(outlet_id: int | None, user=None) -> dict[str, dict]:
    """Each template's record over the held events (`held_and_over`) of one outlet, or of every outlet the
    caller may see when `outlet_id` is None (an admin's whole network).

    template_key → {events, attendance_rate, conversions, conversion_amount (Decimal)}. The attendance
    rate is pooled like the dashboard's template row: attended / confirmed registrations over all those
    events (None without any confirmed), so a big event weighs more than a small one.
    """
    past = held_and_over() if outlet_id is None else sa.and_(held_and_over(), Event.outlet_id == outlet_id)
    reg = Registration
    regs = db.session.execute(scope_to_outlets(
        sa.select(Event.template_key, sa.func.count(sa.distinct(Event.id)),
                  sa.func.count(reg.id).filter(reg.status == "confirmed"), sa.func.count(reg.id).filter(reg.attended))
        .select_from(Event).outerjoin(reg, reg.event_id == Event.id).where(past), Event.outlet_id, user)
        .group_by(Event.template_key)).all()
    conv = {key: (count, amount) for key, count, amount in db.session.execute(scope_to_outlets(
        sa.select(Event.template_key, sa.func.count(FollowUp.id),
                  sa.func.coalesce(sa.func.sum(FollowUp.outcome_amount), 0))
        .select_from(FollowUp).join(Event, Event.id == FollowUp.event_id)
        .where(past, FollowUp.status == "converted"), Event.outlet_id, user).group_by(Event.template_key)).all()}
    record = {}
    for key, events, confirmed, attended in regs:
        count, amount = conv.get(key, (0, 0))
        record[key] = {"events": events, "attendance_rate": ratio(attended, confirmed), "conversions": count,
                       "conversion_amount": Decimal(amount).quantize(CENT)}
    return record
