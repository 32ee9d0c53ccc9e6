"""Templates as the rest of the app sees them: built-in ones and the outlet's own."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.audit import services as audit
from app.extensions import db
from app.planning.catalogue import builtin_templates
from app.planning.models import OutletTemplate
from app.security import scope_to_outlets
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
