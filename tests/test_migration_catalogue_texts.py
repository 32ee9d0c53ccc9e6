"""Revision 7c1d5e2a9b40: events made from the old catalogue stop showing its sales notes to the public.

Runs the real migrations on a SQLite file of its own: the schema as it was, rows as the old
catalogue wrote them, then the upgrade.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.catalogue.builtin import builtin_templates
from app.extensions import db
from tests.conftest import TEST_CONFIG

BEFORE = "e5e2f9b59d2b"
TEXTS = json.loads((Path(__file__).parents[1] / "migrations/versions/20261201_7c1d5e2a9b40_catalogue_texts.json")
                   .read_text(encoding="utf-8"))
NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _insert(conn, table: sa.Table, **values) -> int:
    return conn.execute(table.insert().values(**values)).inserted_primary_key[0]


def _old_rows(conn, tables) -> dict[str, int]:
    """An outlet with events, an outlet template and follow-ups, written as the old catalogue did."""
    mooncake, dumplings = TEXTS["mid_autumn_family_mooncake"], TEXTS["winter_solstice_dumplings"]
    stamps = {"created_at": NOW, "updated_at": NOW}
    outlet = _insert(conn, tables["outlets"], code="MIG1", name="迁移测试网点", **stamps)

    def event(key: str, description: str, playbook: dict) -> int:
        return _insert(conn, tables["events"], outlet_id=outlet, template_key=key, title="迁移测试活动",
                       description=description, venue="", starts_at=NOW, ends_at=NOW.replace(hour=10),
                       capacity=30, waitlist=True, max_party_size=2, segments=[], questions=[], agenda=[],
                       materials=[], gifts=[], playbook=playbook, goals={}, status="published", **stamps)

    ids = {
        "untouched": event("mid_autumn_family_mooncake", mooncake["old_description"], mooncake["old_playbook"]),
        "edited": event("mid_autumn_family_mooncake", "我们自己写的介绍。", mooncake["old_playbook"]),
        "saved": event("outlet_1_dumplings_ab12", dumplings["old_description"], dumplings["old_playbook"]),
    }
    ids["template"] = _insert(conn, tables["outlet_templates"], outlet_id=outlet, key="outlet_1_dumplings_ab12",
                              name="我们的饺子会", data={"description": dumplings["old_description"],
                                                    "playbook": dumplings["old_playbook"],
                                                    "builtin_base": "winter_solstice_dumplings"}, **stamps)
    customer = _insert(conn, tables["customers"], outlet_id=outlet, name="张三", phone="19900000001",
                       phone_last4="0001", tier="standard", is_customer=True, referral_code="MIGREF01", **stamps)
    for n, status in enumerate(("open", "contacted")):
        registration = _insert(conn, tables["registrations"], event_id=ids["untouched"], customer_id=customer,
                               name="张三", phone=f"1990000000{n}", phone_last4=f"000{n}", party_size=1,
                               answers={}, status="confirmed", source="public", was_customer=True,
                               ticket_token=f"migtoken{n}", over_capacity=False, created_at=NOW)
        ids[f"followup_{status}"] = _insert(
            conn, tables["followups"], event_id=ids["untouched"], registration_id=registration,
            customer_id=customer, outlet_id=outlet, list="maintain", sequence=1, due_date=date(2026, 11, 3),
            status=status, talking_points=mooncake["old_playbook"]["maintain"]["talking_points"], **stamps)
    return ids


def test_copies_of_the_old_texts_take_the_new_ones_and_edits_stay(tmp_path):
    app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'migration.db'}"})
    with app.app_context():
        upgrade(revision=BEFORE)
        tables = sa.MetaData()
        tables.reflect(db.engine)
        tables = tables.tables
        with db.engine.begin() as conn:
            ids = _old_rows(conn, tables)
        assert "客户经理" in TEXTS["mid_autumn_family_mooncake"]["old_description"]  # what the public saw
        upgrade()
        db.engine.dispose()
        with db.engine.connect() as conn:
            events = {row.id: row for row in conn.execute(sa.text(
                "SELECT id, description, staff_notes, playbook FROM events"))}
            followups = dict(conn.execute(sa.text("SELECT id, talking_points FROM followups")).all())
            template = json.loads(conn.execute(sa.text("SELECT data FROM outlet_templates")).scalar_one())

        mooncake, dumplings = builtin_templates()["mid_autumn_family_mooncake"], builtin_templates()[
            "winter_solstice_dumplings"]
        untouched = events[ids["untouched"]]
        assert untouched.description == mooncake.description and "客户经理" not in untouched.description
        assert untouched.staff_notes == mooncake.staff_notes
        playbook = json.loads(untouched.playbook)
        assert playbook["maintain"]["talking_points"] == list(mooncake.playbook.maintain.talking_points)
        edited = events[ids["edited"]]
        assert edited.description == "我们自己写的介绍。" and edited.staff_notes == mooncake.staff_notes
        saved = events[ids["saved"]]
        assert saved.description == dumplings.description and saved.staff_notes == dumplings.staff_notes
        assert template["description"] == dumplings.description and template["staff_notes"] == dumplings.staff_notes
        assert template["playbook"]["winback"]["talking_points"] == list(dumplings.playbook.winback.talking_points)
        # Open follow-ups get the scripts with placeholders; worked ones keep their history.
        assert json.loads(followups[ids["followup_open"]]) == list(mooncake.playbook.maintain.talking_points)
        assert "××" in json.loads(followups[ids["followup_contacted"]])[0]

        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            assert "staff_notes" not in {c["name"] for c in sa.inspect(conn).get_columns("events")}
        db.engine.dispose()
