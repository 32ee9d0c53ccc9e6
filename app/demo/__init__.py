"""`flask seed-demo`: a synthetic demo organisation. Idempotent.

Everything it makes is invented: outlet names carry "(演示)", customer
mobiles are in the block 199-0000-xxxx, which this project reserves for
synthetic data, and every customer's note says so.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from app.demo.alliance import seed_alliance
from app.demo.campaigns import seed_campaigns
from app.demo.events import seed_events
from app.demo.org import seed_org
from app.security import run_as_system
from app.timefmt import local_now
from app.unit_of_work import transaction

# Features add their own steps (events, partners' offers …) after the organisation.
SEED_STEPS = [seed_org, seed_alliance, seed_events, seed_campaigns]


def seed_demo(now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Every demo step, dated relative to `now` (the current local time unless given, for tests)."""
    now = now or local_now()
    return [*seed_org(), *seed_alliance(now.date()), *seed_events(now), *seed_campaigns(now)]


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the synthetic demo organisation and print its logins."""
    run_as_system()
    with transaction():
        logins = seed_demo()
    click.echo("Demo data is synthetic (合成演示数据). Logins:")
    for username, password, what in logins:
        click.echo(f"  {username:<14} {password:<12} {what}")
