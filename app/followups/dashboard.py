"""The outlet dashboard's figures: this month and this year, by template, by customer group, best partners.

A period's figures belong to the events that started in it (published or
finished; drafts and cancelled events are not results), so a template's row
and the totals always add up to the same records. Definitions as in results.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from app.alliance.models import Offer, Partner, Voucher
from app.catalogue.services import template_name
from app.events.models import Event, Registration
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.results import CENT, ratio
from app.models import utcnow
from app.org import reference
from app.security import scope_to_outlets
from app.timefmt import date_text, local_today, local_tz


@dataclass
class Row:
    """Figures of a group of events (a period, a template or a customer group)."""

    key: str
    name: str
    events: int = 0
    confirmed: int = 0
    checked_in: int = 0
    attendees: int = 0
    newcomers: int = 0
    conversions: int = 0
    amount: Decimal = field(default_factory=lambda: Decimal("0.00"))
    # The attendance rate is over held events only: one not yet held has nobody checked in yet, which
    # is not 0 % attendance.
    held_events: int = 0
    held_confirmed: int = 0
    held_checked_in: int = 0

    @property
    def attendance_rate(self) -> float | None:
        return ratio(self.held_checked_in, self.held_confirmed)

    def add(self, other: Row) -> None:
        for name in ("events", "confirmed", "checked_in", "attendees", "newcomers", "conversions", "amount",
                     "held_events", "held_confirmed", "held_checked_in"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "events": self.events, "confirmed": self.confirmed,
                "checked_in": self.checked_in, "attendance_rate": self.attendance_rate, "attendees": self.attendees,
                "newcomers": self.newcomers, "conversions": self.conversions, "amount": float(self.amount),
                "held_events": self.held_events}


@dataclass
class Period:
    key: str
    label: str
    start: date
    end: date  # exclusive
    total: Row
    by_template: list[Row]
    by_segment: list[Row]
    partners: list[dict]
    # Outlets ranked by the same figures (a branch or an admin comparing its outlets).
    by_outlet: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "from": self.start.isoformat(), "to": self.end.isoformat(),
                "total": self.total.as_dict(), "by_template": [r.as_dict() for r in self.by_template],
                "by_segment": [r.as_dict() for r in self.by_segment], "partners": self.partners,
                "by_outlet": [r.as_dict() for r in self.by_outlet]}


def period_bounds(today: date) -> dict[str, tuple[date, date]]:
    month_end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return {"month": (today.replace(day=1), month_end), "year": (date(today.year, 1, 1), date(today.year + 1, 1, 1))}


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, local_tz())


def _event_rows(start: date, end: date, outlet_id: int | None) -> list[tuple[Event, Row]]:
    # The outlet comes with each event: the rows are grouped by outlet, and a lazy load per event would be a
    # query per event once the identity map has let go of an outlet (measured: 96 queries for an admin's year).
    # Only the columns the rows need: an event's seven JSON columns, decoded for each of a branch's 2,300
    # events of a year, were half of the page's CPU.
    where = [Event.is_public, Event.starts_at >= _start(start), Event.starts_at < _start(end)]
    if outlet_id is not None:
        where.append(Event.outlet_id == outlet_id)
    stmt = scope_to_outlets(sa.select(Event).options(
        joinedload(Event.outlet), load_only(Event.id, Event.outlet_id, Event.title, Event.template_key,
                                            Event.segments, Event.status, Event.starts_at)), Event.outlet_id)
    events = {e.id: e for e in db.session.scalars(stmt.where(*where))}
    # The figures ask for the same events by a subquery: a branch's year is 2,300 events, and as a list of
    # bound ids each query was parsed and planned with 2,300 parameters.
    ids = scope_to_outlets(sa.select(Event.id), Event.outlet_id).where(*where).scalar_subquery()
    if not events:
        return []
    reg = Registration
    attended = reg.attended
    figures = {row[0]: row[1:] for row in db.session.execute(
        sa.select(reg.event_id, sa.func.count(reg.id).filter(reg.status == "confirmed"),
                  sa.func.count(reg.id).filter(attended),
                  sa.func.coalesce(sa.func.sum(reg.party_size).filter(attended), 0),
                  sa.func.count(reg.id).filter(attended, reg.was_customer.is_(False)))
        .where(reg.event_id.in_(ids)).group_by(reg.event_id))}
    conversions = {row[0]: row[1:] for row in db.session.execute(
        sa.select(FollowUp.event_id, sa.func.count(),  # count(*): answered from ix_followups_event_status
                  sa.func.coalesce(sa.func.sum(FollowUp.outcome_amount), 0))
        .where(FollowUp.event_id.in_(ids), FollowUp.status == "converted").group_by(FollowUp.event_id))}
    result = []
    now = utcnow()
    for event_id, event in events.items():
        confirmed, checked, people, newcomers = figures.get(event_id, (0, 0, 0, 0))
        count, amount = conversions.get(event_id, (0, 0))
        held = event.status == "finished" or event.starts_at <= now
        result.append((event, Row(key=str(event_id), name=event.title, events=1, confirmed=confirmed,
                                  checked_in=checked, attendees=int(people), newcomers=newcomers, conversions=count,
                                  amount=Decimal(amount or 0).quantize(CENT), held_events=int(held),
                                  held_confirmed=confirmed if held else 0, held_checked_in=checked if held else 0)))
    return result


def best_partners(event_ids, limit: int = 5) -> list[dict]:
    """Partners by vouchers redeemed from these events' attendees."""
    ids = list(event_ids)
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(Partner.name, sa.func.count(Voucher.id), sa.func.count(Voucher.redeemed_at))
        .select_from(Voucher).join(Offer, Offer.id == Voucher.offer_id).join(Partner, Partner.id == Offer.partner_id)
        .where(Voucher.event_id.in_(ids)).group_by(Partner.name)
        .order_by(sa.func.count(Voucher.redeemed_at).desc(), sa.func.count(Voucher.id).desc(), Partner.name)
        .limit(limit)).all()
    return [{"partner": name, "issued": issued, "redeemed": redeemed, "redemption_rate": ratio(redeemed, issued)}
            for name, issued, redeemed in rows]


def _sorted(rows: dict[str, Row]) -> list[Row]:
    return sorted(rows.values(), key=lambda r: (-r.conversions, -float(r.amount), -r.checked_in, r.name))


def period_figures(key: str, label: str, start: date, end: date, outlet_id: int | None = None,
                   within: list[tuple[Event, Row]] | None = None) -> Period:
    """A period's figures; `within`: the rows of a longer period that holds this one, to pick from
    instead of asking the database again (the month is inside the year)."""
    if within is None:
        events = _event_rows(start, end, outlet_id)
    else:
        events = [(e, row) for e, row in within if _start(start) <= e.starts_at < _start(end)]
    total = Row(key=key, name=label)
    by_template: dict[str, Row] = {}
    by_segment: dict[str, Row] = {}
    by_outlet: dict[str, Row] = {}
    names: dict[str, str] = {}
    for event, row in events:
        total.add(row)
        by_outlet.setdefault(event.outlet.code, Row(key=event.outlet.code, name=event.outlet.name)).add(row)
        if event.template_key not in names:
            names[event.template_key] = template_name(event.template_key, event.outlet_id) or event.template_key
        by_template.setdefault(event.template_key, Row(key=event.template_key, name=names[event.template_key])).add(row)
        for segment in event.segments or []:  # an event aimed at two groups counts for both
            by_segment.setdefault(segment, Row(key=segment, name=str(reference.SEGMENTS.get(segment, segment)))).add(
                row)
    return Period(key=key, label=label, start=start, end=end, total=total, by_template=_sorted(by_template),
                  by_segment=_sorted(by_segment), partners=best_partners(int(r.key) for _e, r in events),
                  by_outlet=_sorted(by_outlet))


def dashboard(outlet_id: int | None = None, today: date | None = None) -> dict[str, Period]:
    """This month's and this year's figures for the caller's outlets (or one of them)."""
    today = today or local_today()
    bounds = period_bounds(today)
    labels = {"month": date_text(today, "yMMMM"), "year": date_text(today, "y")}
    year = _event_rows(*bounds["year"], outlet_id)  # one pass over the year's events; the month is inside it
    return {key: period_figures(key, labels[key], *bounds[key], outlet_id=outlet_id, within=year)
            for key in ("month", "year")}


def chart_data(periods: dict[str, Period]) -> dict:
    """What the dashboard's charts draw (JSON in a data- attribute; the JS only draws it)."""
    return {key: {"outlets": [{"name": r.name, "checked_in": r.checked_in, "conversions": r.conversions,
                               "amount": float(r.amount)} for r in p.by_outlet[:12]],
                  "templates": [{"name": r.name, "checked_in": r.checked_in, "conversions": r.conversions,
                                 "amount": float(r.amount)} for r in p.by_template[:8]],
                  "segments": [{"name": r.name, "checked_in": r.checked_in, "conversions": r.conversions,
                                "amount": float(r.amount)} for r in p.by_segment],
                  "partners": [{"name": x["partner"], "redeemed": x["redeemed"], "issued": x["issued"]}
                               for x in p.partners]}
            for key, p in periods.items()}
