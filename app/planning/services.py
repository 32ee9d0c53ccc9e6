"""Recommendations: which templates to run when, for this outlet, and the outlet's events on the calendar.

The templates themselves (built-in and saved, finding and saving them) are the catalogue's
(app.catalogue.services); the track record (往绩) is followups' (followups.queries).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.catalogue.models import OutletTemplate
from app.catalogue.queries import OccasionDate, builtin_templates
from app.events.models import Event
from app.extensions import db
from app.planning.recommend import Recommendation, recommend
from app.security import scope_to_outlets
from app.timefmt import local_today, local_tz, to_local

# --- what the outlet has done: recent uses (the track record: followups.queries) --------------------------------------


def recent_template_uses(outlet_id: int) -> dict[str, date]:
    """Template key -> local date of the outlet's latest event with it, published or finished.

    Only events customers can see count as done or scheduled: a draft may never be held, and a
    cancelled event was not. An event made from an outlet's saved template also counts for the built-in template it
    came from, so a renamed copy does not dodge the "done this recently" penalty.
    """
    stmt = scope_to_outlets(
        sa.select(Event.template_key, sa.func.max(Event.starts_at))
        .where(Event.outlet_id == outlet_id, Event.is_public).group_by(Event.template_key),
        Event.outlet_id)
    uses = {key: to_local(when).date() for key, when in db.session.execute(stmt)}
    bases: Iterable[tuple[str, dict]] = db.session.execute(sa.select(OutletTemplate.key, OutletTemplate.data).where(
        OutletTemplate.key.in_(list(uses)))) if uses else []
    for key, data in bases:
        base = (data or {}).get("builtin_base")
        if base and (base not in uses or uses[base] < uses[key]):
            uses[base] = uses[key]
    return uses


# --- recommendations ------------------------------------------------------------------------------

def recommendations_for(start: date, days: int, *, segment: str | None = None, partner_category: str | None = None,
                        outlet_id: int | None = None) -> list[Recommendation]:
    """Built-in templates ranked for [start, start+days) from today's point of view, best first.

    With an outlet, templates it used recently (or has scheduled) are demoted; without one
    (an admin looking at the whole network) there is no such penalty.
    """
    uses = recent_template_uses(outlet_id) if outlet_id is not None else {}
    return recommend(builtin_templates().values(), start, days, segment=segment,
                     partner_category=partner_category, recent_uses=uses, today=local_today())


# How far before a single-day occasion the window opens: the scheduler looks at most two weeks back.
OCCASION_WINDOW_DAYS = 14


def occasion_recommendations(item: OccasionDate, *, segment: str | None = None,
                             outlet_id: int | None = None) -> list[Recommendation]:
    """The plans for one occurrence of an occasion (a festival day, or a season while it runs)."""
    if item.occasion.is_season:
        start, days = item.date, (item.end - item.date).days + 1
    else:
        start, days = item.date - timedelta(days=OCCASION_WINDOW_DAYS), OCCASION_WINDOW_DAYS + 1
    found = recommendations_for(start, days, segment=segment, outlet_id=outlet_id)
    return [rec for rec in found if rec.occasion is not None and rec.occasion.key == item.key
            and rec.occasion.date == item.date]


def events_between(first: date, last: date, outlet_id: int | None = None) -> list[Event]:
    """The caller's outlets' events (or one of them) starting on local days first..last, cancelled ones left out."""
    tz = local_tz()
    stmt = scope_to_outlets(sa.select(Event), Event.outlet_id).where(
        Event.status != "cancelled",
        Event.starts_at >= datetime.combine(first, time.min, tz),
        Event.starts_at < datetime.combine(last + timedelta(days=1), time.min, tz))
    if outlet_id is not None:
        stmt = stmt.where(Event.outlet_id == outlet_id)
    return list(db.session.scalars(stmt.order_by(Event.starts_at, Event.id)))


@dataclass
class Clash:
    """Several outlets doing the same thing (one template, or one occasion) in the same week."""

    week_of: date  # the Monday
    what: str  # the template's or the occasion's name
    events: list[Event]

    @property
    def outlet_names(self) -> list[str]:
        return sorted({e.outlet.name for e in self.events})

    @property
    def weekend(self) -> bool:
        return all(to_local(e.starts_at).weekday() >= 5 for e in self.events)


def clashes(events: Iterable[Event], occasion_names: dict[str, str] | None = None) -> list[Clash]:
    """Where two or more outlets run the same template, or templates for the same occasion, in one week."""
    templates = builtin_templates()
    groups: dict[tuple[date, str, str], list[Event]] = {}
    for event in events:
        day = to_local(event.starts_at).date()
        monday = day - timedelta(days=day.weekday())
        groups.setdefault((monday, "template", event.template_key), []).append(event)
        template = templates.get(event.template_key)
        for occasion in template.occasions if template else ():
            groups.setdefault((monday, "occasion", occasion), []).append(event)
    found: list[Clash] = []
    seen: set[frozenset[int]] = set()
    for (monday, kind, key), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] != "template")):
        if len({e.outlet_id for e in items}) < 2:
            continue
        ids = frozenset(e.id for e in items)
        if ids in seen:  # the same events clash by template and by its occasion: say it once
            continue
        seen.add(ids)
        template = templates.get(key) if kind == "template" else None
        what = template.name if template else (occasion_names or {}).get(key, key)
        found.append(Clash(week_of=monday, what=what, events=sorted(items, key=lambda e: e.starts_at)))
    return found
