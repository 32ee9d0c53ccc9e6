"""`flask seed-scale`: a synthetic branch at benchmark scale (API.md), marked synthetic, in minutes.

Default: one branch (支行) of 50 outlets, each holding 4 events a month for 3 years (7,200 events,
all but the current month's later ones finished), ~1M customers and prospects, ~1.5M registrations,
their consents, check-ins and follow-ups, and the fixtures of `scale_fixtures`. Everything scales
linearly with --outlets, --years and --events-per-month (the fixtures stay the same size).

Runs once per database: it refuses when the branch SCALE exists (it does not top up), and on a
database holding other outlets, customers or events unless --into-nonempty (ids then start past
the existing ones). Rows are built in plain Python from a fixed random seed and written in bulk
(COPY on PostgreSQL), in one transaction; ANALYZE follows.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.security import generate_password_hash

from app.auth.models import User
from app.catalogue.queries import builtin_templates
from app.customers.models import Customer
from app.demo.events import _answers
from app.demo.scale_events import Event, Run, Turnout, follow_up, hold, write_event
from app.demo.scale_fixtures import describe, plant
from app.demo.scale_rows import (
    BRANCH_CODE,
    BRANCH_LOGIN,
    COLUMNS,
    MARK,
    PASSWORD,
    Codes,
    Outlet,
    People,
    write_customers,
    write_org,
)
from app.demo.scale_writer import Writer, analyze
from app.events.models import Event as EventRow
from app.events.services import consent_purpose, recount_seats_taken
from app.extensions import db
from app.org.models import Branch
from app.org.models import Outlet as OutletRow
from app.security import forget_branch_outlets, run_as_system
from app.timefmt import local_tz
from app.unit_of_work import transaction

SEED = 20261204
REGISTRANTS = (160, 256)  # per event, uniform: ~208 on average
CUSTOMERS_PER_EVENT = 83  # the outlet's known customers, per event it holds (~12,000 per outlet at the default)
NEWCOMERS = 0.27  # share of an event's registrants who are new to the outlet (~8,000 prospects per outlet)
STAFF_PER_OUTLET = 3
# The tables of a million rows or so, whose indexes are rebuilt once at the end (PostgreSQL).
BULK_TABLES = ("customers", "customer_segments", "consents", "registrations", "checkins", "followups",
               "followup_contacts")


@dataclass(frozen=True)
class Plan:
    outlets: int = 50
    years: int = 3
    events_per_month: int = 4
    fixture_scale: float = 1.0

    @property
    def months(self) -> int:
        return self.years * 12


class AlreadySeeded(click.ClickException):
    pass


def refuse_unless_empty(into_nonempty: bool) -> None:
    if db.session.scalar(sa.select(Branch.id).where(Branch.code == BRANCH_CODE)) is not None:
        raise AlreadySeeded(f"seed-scale already ran on this database (branch {BRANCH_CODE} exists); "
                            "use a fresh database")
    if not into_nonempty:
        for model in (OutletRow, Customer, EventRow):
            if db.session.scalar(sa.select(sa.func.count()).select_from(model)):
                raise AlreadySeeded(f"the database holds {model.__tablename__} already; "
                                    "use an empty database or pass --into-nonempty")


def _templates() -> list[dict]:
    # Evergreen and seasonal templates alike: the events' titles say what they were, the dates are synthetic.
    return [t.to_dict() for _key, t in sorted(builtin_templates().items())]


def _month_starts(plan: Plan, now_local: datetime) -> list[tuple[int, int]]:
    year, month = now_local.year, now_local.month
    months = []
    for back in range(plan.months - 1, -1, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        months.append((y, m + 1))
    return months


def _schedule(run: Run, outlet: Outlet, plan: Plan, months: list[tuple[int, int]]) -> list[Event]:
    """The outlet's events, `events_per_month` a month, spread over each month's first four weeks."""
    tz, rng, out = run.tz, run.rng, []
    for n, (year, month) in enumerate(months):
        for i in range(plan.events_per_month):
            day = 1 + i * 28 // plan.events_per_month + (outlet.index + n) % 3
            hour, minute = (9, 30) if (i + outlet.index) % 2 else (14, 0)
            starts = datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)
            template = run.templates[(outlet.index * 7 + n * plan.events_per_month + i) % len(run.templates)]
            out.append(Event(outlet=outlet, template=template, title=f"{template['name']}{MARK}", starts=starts,
                             ends=starts + timedelta(hours=2), capacity=1, status="draft",
                             owner_id=rng.choice(outlet.owners), published_at=starts - timedelta(days=14)))
    return out


def _run_event(run: Run, ev: Event) -> None:
    rng, now = run.rng, run.now
    n = rng.randint(*REGISTRANTS)
    ev.capacity = max(20, round(n * rng.uniform(0.85, 1.25)))
    assert ev.published_at is not None
    opens, closes = ev.published_at + timedelta(hours=1), min(ev.starts, now) - timedelta(minutes=1)
    if ev.published_at > now:
        ev.status, ev.published_at = "draft", None
        write_event(run, ev)
        return
    if ev.ends <= now:
        if rng.random() < 0.01:
            ev.status, ev.cancelled_at = "cancelled", ev.starts - timedelta(days=2)
            closes = ev.cancelled_at - timedelta(hours=1)
            n //= 2
        else:
            ev.status, ev.finished_at = "finished", min(ev.ends + timedelta(hours=2), now)
    else:  # the current month's events to come: registrations so far
        ev.status = "published"
        n = max(1, round(n * (closes - opens) / (ev.starts - opens)))
    write_event(run, ev)
    confirmed = hold(run, ev, Turnout(n, NEWCOMERS, walk_ins=rng.randint(0, 4)), opens, closes)
    follow_up(run, ev, confirmed, "worked")


def _answer_variants(w: Writer, templates: list[dict], rng: random.Random) -> dict[str, list[dict]]:
    return {t["key"]: [w.shared(_answers(t.get("questions") or [], rng)) for _ in range(4)] for t in templates}


def _taken_codes() -> set[str]:
    rows = db.session.scalars(sa.select(User.referral_code).union(sa.select(Customer.referral_code)))
    return set(rows)


def seed_scale(plan: Plan, now: datetime | None = None, *, echo=lambda _msg: None) -> dict:
    """Write the synthetic branch; returns the fixtures (as described in scale_fixtures)."""
    rng = random.Random(SEED)
    now = now or datetime.now(UTC)
    w = Writer(COLUMNS)
    w.start_ids()
    echo(f"foreign keys checked per row: {'no' if w.skip_foreign_key_triggers() else 'yes'}")
    w.drop_indexes(BULK_TABLES)
    codes = Codes(taken=_taken_codes())
    password_hash = generate_password_hash(PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"])
    templates = _templates()
    run = Run(w=w, rng=rng, people=People(rng), codes=codes, now=now, tz=local_tz(), templates=templates,
              purpose=consent_purpose(), answers=_answer_variants(w, templates, rng))
    months = _month_starts(plan, now.astimezone(run.tz))
    first_event = datetime(*months[0], 1, tzinfo=run.tz).astimezone(UTC)
    outlets = write_org(w, plan.outlets, STAFF_PER_OUTLET, password_hash, codes,
                                     first_event - timedelta(days=400))
    per_outlet = plan.months * plan.events_per_month
    started = time.monotonic()
    for outlet in outlets:
        write_customers(w, outlet, CUSTOMERS_PER_EVENT * per_outlet, run.people, codes, rng, first_event)
        for ev in _schedule(run, outlet, plan, months):
            _run_event(run, ev)
        echo(f"  {outlet.code}: {len(outlet.ids):,} people, {time.monotonic() - started:.0f} s")
    ids = plant(run, outlets[0], plan.fixture_scale)
    w.flush()
    echo(f"  rows written, {time.monotonic() - started:.0f} s; rebuilding indexes")
    w.restore_indexes()
    w.reset_sequences()
    recount_seats_taken()  # replica mode (skip_foreign_key_triggers) also skipped the triggers that keep it
    forget_branch_outlets()
    fixtures = describe(ids, outlets[0], BRANCH_LOGIN)
    fixtures["rows"] = dict(w.written)
    return fixtures


@click.command("seed-scale")
@click.option("--outlets", default=50, show_default=True, type=click.IntRange(1, 999))
@click.option("--years", default=3, show_default=True, type=click.IntRange(1, 10))
@click.option("--events-per-month", default=4, hidden=True, type=click.IntRange(1, 20))
@click.option("--fixture-scale", default=1.0, hidden=True, type=click.FloatRange(0.001, 1.0))
@click.option("--fixtures", "fixtures_path", type=click.Path(dir_okay=False, writable=True),
              help="also write the planted fixtures (ids, logins, search terms) to this JSON file")
@click.option("--into-nonempty", is_flag=True, help="seed into a database that holds other data")
@with_appcontext
def seed_scale_command(outlets, years, events_per_month, fixture_scale, fixtures_path, into_nonempty):
    """Create a synthetic branch at benchmark scale (合成数据) and print its fixtures."""
    run_as_system()
    started = time.monotonic()
    plan = Plan(outlets=outlets, years=years, events_per_month=events_per_month, fixture_scale=fixture_scale)
    with transaction():
        refuse_unless_empty(into_nonempty)
        fixtures = seed_scale(plan, echo=click.echo)
    written = time.monotonic() - started
    with transaction():
        analyze(list(COLUMNS))
    fixtures["seconds"] = {"write": round(written, 1), "total": round(time.monotonic() - started, 1)}
    click.echo("Synthetic branch-scale data (合成数据). Rows: " +
               ", ".join(f"{table} {count:,}" for table, count in fixtures["rows"].items()))
    click.echo(json.dumps(fixtures, ensure_ascii=False, indent=2))
    if fixtures_path:
        with open(fixtures_path, "w", encoding="utf-8") as out:
            json.dump(fixtures, out, ensure_ascii=False, indent=2)
