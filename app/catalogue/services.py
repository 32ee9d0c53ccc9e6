"""Templates as the rest of the app sees them: built-in ones and the outlet's own."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from app.audit import services as audit
from app.catalogue.builtin import Template, builtin_templates
from app.catalogue.models import OutletTemplate

# Follow-up scripts: the placeholders templates may use and how they are filled (app/catalogue/scripts.py).
from app.catalogue.scripts import PLACEHOLDERS as SCRIPT_PLACEHOLDERS  # noqa: F401  (re-exported)
from app.catalogue.scripts import fill as fill_script  # noqa: F401  (re-exported)
from app.catalogue.vocabulary import CATEGORIES
from app.extensions import db
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


def template_name(key: str | None, outlet_id: int | None = None) -> str | None:
    """The name `find_template` would give, without copying the whole template (the dashboard names one
    row per template; copying each built-in's scripts and questions to read its name was most of its CPU)."""
    if not key:
        return None
    builtin = builtin_templates().get(key)
    if builtin is not None:
        return builtin.name
    stmt = sa.select(OutletTemplate.name).where(OutletTemplate.key == key)
    if outlet_id is not None:
        stmt = stmt.where(OutletTemplate.outlet_id == outlet_id)
    else:
        stmt = scope_to_outlets(stmt, OutletTemplate.outlet_id)
    return db.session.scalar(stmt)


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
