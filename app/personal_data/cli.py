"""`flask privacy purge [--dry-run]`: erase prospects past RETENTION_DAYS."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from app.personal_data.services import purge_expired
from app.security import run_as_system
from app.timefmt import local_tz
from app.unit_of_work import transaction

privacy_cli = AppGroup("privacy", help="Personal data: retention.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list who would be erased.")
@click.option("--at", "at_text", default=None, help="Act as if it were this time (ISO 8601), for tests and replays.")
def purge_command(dry_run: bool, at_text: str | None) -> None:
    """Erase the personal data of prospects whose last event ended more than RETENTION_DAYS ago."""
    run_as_system()
    now = None
    if at_text:
        now = datetime.fromisoformat(at_text)
        now = now if now.tzinfo else now.replace(tzinfo=local_tz())
    with transaction():
        result = purge_expired(now, dry_run=dry_run)
    days = current_app.config["RETENTION_DAYS"]
    verb = "would erase" if dry_run else "erased"
    ids = ", ".join(str(i) for i in result.customer_ids) or "-"
    click.echo(f"{verb} {len(result.customer_ids)} prospect(s) whose last event ended before "
               f"{result.cutoff.date().isoformat()} (RETENTION_DAYS={days}): {ids}")
