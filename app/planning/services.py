"""Templates as the rest of the app sees them: built-in ones and the outlet's own."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from app.audit import services as audit
from app.events.models import Event
from app.extensions import db
from app.planning.catalogue import Template, builtin_templates
from app.planning.models import OutletTemplate
from app.planning.occasions import OccasionDate
from app.planning.recommend import Recommendation, recommend

# Follow-up scripts: the placeholders templates may use and how they are filled (app/planning/scripts.py).
from app.planning.scripts import PLACEHOLDERS as SCRIPT_PLACEHOLDERS  # noqa: F401  (re-exported)
from app.planning.scripts import fill as fill_script  # noqa: F401  (re-exported)
from app.planning.vocabulary import CATEGORIES
from app.security import scope_to_outlets
from app.timefmt import local_today, local_tz, to_local
from app.tokens import readable_code


def find_template(key: str | None, outlet_id: int | None = None) -> dict | None:
    """A template as a plain dict: built-in, or saved by `outlet_id` (other outlets' are invisible)."""
    if not key:
        return None
    builtin = builtin_templates().get(key)
    if builtin is not None:
        return builtin.to_dict()
    stmt = sa.select(OutletTemplate).where(OutletTemplate.key == key)
    if outlet_id is not None:
        stmt = stmt.where(OutletTemplate.outlet_id == outlet_id)
    else:
        stmt = scope_to_outlets(stmt, OutletTemplate.outlet_id)
    saved = db.session.scalar(stmt)
    return {**saved.data, "key": saved.key, "name": saved.name, "outlet_id": saved.outlet_id} if saved else None


def outlet_templates() -> list[OutletTemplate]:
    stmt = scope_to_outlets(sa.select(OutletTemplate), OutletTemplate.outlet_id)
    return list(db.session.scalars(stmt.order_by(OutletTemplate.created_at.desc())))


def save_event_as_template(event, name: str | None = None, actor=None) -> OutletTemplate:
    """Keep an event's design (questions, agenda, playbook …) as an outlet template."""
    base = find_template(event.template_key, event.outlet_id) or {}
    slug = re.sub(r"[^a-z0-9]+", "_", (base.get("key") or "event").lower()).strip("_")[:40]
    data = {
        **{k: v for k, v in base.items() if k not in ("key", "name", "outlet_id")},
        "description": event.description,
        "staff_notes": event.staff_notes or base.get("staff_notes", ""),
        "segments": list(event.segments or base.get("segments", [])),
        "default_capacity": event.capacity,
        "max_party_size": event.max_party_size,
        "questions": list(event.questions or []),
        "agenda": list(event.agenda or []),
        "materials": list(event.materials or []),
        "gifts": list(event.gifts or []),
        "goals": dict(event.goals or {}),
        "playbook": dict(event.playbook or {}),
        "builtin_base": base.get("key"),
    }
    key = f"outlet_{event.outlet_id}_{slug}_{readable_code(4).lower()}"
    template = OutletTemplate(outlet_id=event.outlet_id, key=key, name=(name or event.title)[:120], data=data,
                              source_event_id=event.id, created_by_id=getattr(actor, "id", None))
    db.session.add(template)
    db.session.flush()
    audit.record("template_saved", obj=template, outlet_id=event.outlet_id,
                 details={"event_id": event.id, "name": template.name})
    return template


# --- reading the catalogue for pages and the API --------------------------------------------------

SOURCE_BUILTIN, SOURCE_OUTLET = "builtin", "outlet"
_SAVED_DEFAULTS: dict[str, Any] = {"category": None, "lenses": [], "description": "", "staff_notes": "", "segments": [],
                   "occasions": [], "partner_categories": [], "questions": [], "agenda": [], "materials": [],
                   "gifts": [], "playbook": {}, "goals": {}, "budget": {}, "preferred_days": "any"}


def _builtin_dict(template: Template) -> dict:
    return {**template.to_dict(), "source": SOURCE_BUILTIN, "outlet_id": None, "outlet_code": None}


def _saved_dict(saved: OutletTemplate) -> dict:
    data = {**_SAVED_DEFAULTS, **(saved.data or {})}
    data.update(key=saved.key, name=saved.name, source=SOURCE_OUTLET, outlet_id=saved.outlet_id,
                outlet_code=saved.outlet.code, category_name=CATEGORIES.get(data["category"] or "", ""))
    return data


def template_catalogue(*, segment: str | None = None, category: str | None = None,
                       partner_category: str | None = None, occasion: str | None = None) -> list[dict]:
    """Built-in templates, then those saved by the caller's outlets (never another outlet's), filtered.

    Every item has the built-in shape plus `source` ("builtin" or "outlet") and `outlet_code`.
    """
    items = [_builtin_dict(t) for t in builtin_templates().values()]
    items += [_saved_dict(saved) for saved in outlet_templates()]
    wanted = (("segments", segment), ("partner_categories", partner_category), ("occasions", occasion))
    return [item for item in items
            if (category is None or item["category"] == category)
            and all(value is None or value in (item.get(field) or []) for field, value in wanted)]


def template_detail(key: str) -> dict | None:
    """One template in the catalogue's shape: built-in, or saved by an outlet the caller may see."""
    builtin = builtin_templates().get(key)
    if builtin is not None:
        return _builtin_dict(builtin)
    stmt = scope_to_outlets(sa.select(OutletTemplate).where(OutletTemplate.key == key), OutletTemplate.outlet_id)
    saved = db.session.scalar(stmt)
    return _saved_dict(saved) if saved is not None else None


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


def events_between(first: date, last: date) -> list[Event]:
    """The caller's outlets' events starting on local days first..last, cancelled ones left out."""
    tz = local_tz()
    stmt = scope_to_outlets(sa.select(Event), Event.outlet_id).where(
        Event.status != "cancelled",
        Event.starts_at >= datetime.combine(first, time.min, tz),
        Event.starts_at < datetime.combine(last + timedelta(days=1), time.min, tz))
    return list(db.session.scalars(stmt.order_by(Event.starts_at, Event.id)))
