"""events.staff_notes; copies of the old template texts take the rewritten ones

The built-in templates' planning text (which told customers what 客户经理 would do)
was split into a customer description and internal staff notes, and the follow-up
scripts lost their ×× blanks for named placeholders. Events, outlet templates and
open follow-ups hold copies of those texts; a copy still word for word the old text
takes the new one, so a published event stops showing sales notes to the public.
Anything staff edited stays as it is. The texts, old and new, are frozen in the JSON
file beside this one, so later catalogue edits never change what this revision does.

Revision ID: 7c1d5e2a9b40
Revises: e5e2f9b59d2b
Create Date: 2026-12-01 10:00:00

"""
import json
from pathlib import Path

from alembic import op
import sqlalchemy as sa

import app.models  # noqa: F401  (custom column types such as JSONType)


# revision identifiers, used by Alembic.
revision = '7c1d5e2a9b40'
down_revision = 'e5e2f9b59d2b'
branch_labels = None
depends_on = None

TEXTS = Path(__file__).with_name("20261201_7c1d5e2a9b40_catalogue_texts.json")

events = sa.table("events", sa.column("id", sa.Integer), sa.column("template_key", sa.String),
                  sa.column("description", sa.Text), sa.column("staff_notes", sa.Text),
                  sa.column("playbook", app.models.JSONType))
outlet_templates = sa.table("outlet_templates", sa.column("id", sa.Integer), sa.column("key", sa.String),
                            sa.column("data", app.models.JSONType))
followups = sa.table("followups", sa.column("id", sa.Integer), sa.column("event_id", sa.Integer),
                     sa.column("list", sa.String), sa.column("status", sa.String),
                     sa.column("talking_points", app.models.JSONType))


def _texts() -> dict:
    return json.loads(TEXTS.read_text(encoding="utf-8"))


def _base_keys(conn) -> dict:
    """Template key -> the built-in template it is (itself) or was saved from (outlet templates)."""
    bases = {}
    for key, data in conn.execute(sa.select(outlet_templates.c.key, outlet_templates.c.data)):
        base = (data or {}).get("builtin_base")
        if base:
            bases[key] = base
    return bases


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_notes', sa.Text(), server_default='', nullable=False))

    conn = op.get_bind()
    texts = _texts()
    bases = _base_keys(conn)
    old_points = {}  # event id -> {list: the old scripts}, for its follow-ups below
    rows = conn.execute(sa.select(events.c.id, events.c.template_key, events.c.description, events.c.playbook))
    for event_id, key, description, playbook in rows.all():
        entry = texts.get(key) or texts.get(bases.get(key, ""))
        if entry is None:
            continue
        values = {"staff_notes": entry["staff_notes"]}
        if (description or "").strip() == entry["old_description"]:
            values["description"] = entry["description"]
        if playbook == entry["old_playbook"]:
            values["playbook"] = entry["playbook"]
        old_points[event_id] = entry
        conn.execute(events.update().where(events.c.id == event_id).values(**values))

    rows = conn.execute(sa.select(followups.c.id, followups.c.event_id, followups.c.list, followups.c.talking_points)
                        .where(followups.c.status == "open"))
    for followup_id, event_id, list_name, points in rows.all():
        entry = old_points.get(event_id)
        if entry and points == entry["old_playbook"][list_name]["talking_points"]:
            conn.execute(followups.update().where(followups.c.id == followup_id).values(
                talking_points=entry["playbook"][list_name]["talking_points"]))

    for template_id, key, data in conn.execute(
            sa.select(outlet_templates.c.id, outlet_templates.c.key, outlet_templates.c.data)).all():
        entry = texts.get(bases.get(key, ""))
        if entry is None:
            continue
        data = dict(data or {})
        data.setdefault("staff_notes", entry["staff_notes"])
        if (data.get("description") or "").strip() == entry["old_description"]:
            data["description"] = entry["description"]
        if data.get("playbook") == entry["old_playbook"]:
            data["playbook"] = entry["playbook"]
        conn.execute(outlet_templates.update().where(outlet_templates.c.id == template_id).values(data=data))


def downgrade():
    # The public descriptions and the scripts stay rewritten: putting sales notes back on public
    # pages is not a state worth restoring. Only the column goes.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('staff_notes')
