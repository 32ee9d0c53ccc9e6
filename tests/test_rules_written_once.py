"""Each business rule is spelled once (issue 14, item 3): the raw condition may appear only where it is defined.

A re-spelling elsewhere fails here with the file and line, and says which name to use instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# rule -> (pattern of its raw spelling, the only files allowed to hold it, the name to use instead)
RULES = {
    "attended": (r"checked_in_at\s*\.\s*(is_not|isnot)\s*\(\s*None\s*\)|count\([^)]*checked_in_at\)",
                 {"events/models.py"}, "Registration.attended"),
    "usable offer": (r'[pP]artner\.status == "active"|valid_until\s*>=\s*(?!valid_from)|valid_from\s*<='
                     r'|<=\s*[\w.]*valid_until',
                     {"alliance/models.py"}, "Offer.usable_on(day) / Offer.running_on(day)"),
    "public event": (r'"published",\s*"finished"|"draft",\s*"cancelled"', {"events/models.py"},
                     "Event.is_public"),
    # Vouchers per person (alliance) match a phone across events: another rule, allowed there.
    "this phone's registration": (r"(Registration|_REGISTRATIONS\.c)\.phone ==",
                                  {"events/models.py", "alliance/services.py"},
                                  "Registration.of_phone(event_id, phone)"),
    # The template track record (往绩) is a result: computed by followups, read by planning's pages.
    "track record": (r"def \w*track_record", {"followups/queries.py"}, "followups.queries.template_track_record"),
}


def _hits(pattern: str) -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                found.append((path.relative_to(APP).as_posix(), number, line.strip()))
    return found


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_is_spelled_once(rule):
    pattern, homes, name = RULES[rule]
    hits = _hits(pattern)
    assert {path for path, _n, _l in hits} & homes, f"{rule}: its definition moved; update this test"
    strays = [f"app/{path}:{number}: {line}" for path, number, line in hits if path not in homes]
    assert not strays, f"{rule} is spelled again; use {name} instead:\n" + "\n".join(strays)


def test_attended_means_confirmed_and_checked_in_in_python_and_sql(make):
    import sqlalchemy as sa

    from app.events.models import Registration
    from app.extensions import db
    from app.models import utcnow

    event = make.event()
    rows = [make.registration(event, phone=f"1990000{n:04d}") for n in range(3)]
    came, waiting, _absent = rows
    came.checked_in_at = utcnow()
    waiting.status, waiting.checked_in_at = "waitlisted", utcnow()  # not a state the app makes: the rule decides
    db.session.commit()
    in_sql = set(db.session.scalars(sa.select(Registration.id).where(Registration.attended)))
    assert in_sql == {came.id} == {r.id for r in rows if r.attended}


def test_an_offer_is_usable_between_its_dates_while_it_and_its_partner_are_active(make):
    """Python and SQL answer alike: not before valid_from, not after valid_until, not switched off or paused."""
    from datetime import timedelta

    import sqlalchemy as sa

    from app.alliance.models import Offer, Partner
    from app.extensions import db
    from app.timefmt import local_today

    today = local_today()
    active, paused = make.partner(), make.partner()
    paused.status = "paused"
    offers = {name: Offer(partner_id=partner.id, title=name, valid_from=today + timedelta(days=start),
                          valid_until=today + timedelta(days=end), active=on)
              for name, partner, start, end, on in (("now", active, -1, 1, True), ("last_day", active, -3, 0, True),
                                                    ("later", active, 2, 9, True), ("over", active, -9, -1, True),
                                                    ("off", active, -1, 1, False), ("paused", paused, -1, 1, True))}
    db.session.add_all(offers.values())
    db.session.commit()

    def in_sql(rule):
        return set(db.session.scalars(sa.select(Offer.title).join(Partner).where(rule(today))))

    assert in_sql(Offer.usable_on) == {n for n, o in offers.items() if o.usable_on(today)} == {"now", "last_day"}
    assert in_sql(Offer.running_on) == {n for n, o in offers.items() if o.running_on(today)} == {
        "now", "last_day", "later"}


def test_seats_taken_is_one_figure_for_capacity_and_pages(make):
    """Confirmed parties hold seats; waitlisted and cancelled ones do not: the same on the event page's counts
    and in the capacity decision."""
    from app.events import services as event_services
    from app.events.registration import cancel_registration, seats_taken
    from app.extensions import db

    event = make.event(capacity=5, max_party_size=3)
    make.registration(event, phone="19900006001", party_size=3)
    cancel_registration(make.registration(event, phone="19900006002", party_size=1))
    db.session.commit()
    make.registration(event, phone="19900006003", party_size=2)
    waiting = make.registration(event, phone="19900006004", party_size=2)
    assert waiting.status == "waitlisted"
    assert seats_taken(event.id) == event_services.event_counts(event)["seats_taken"] == 5
    assert event_services.event_counts(event)["seats_left"] == 0
