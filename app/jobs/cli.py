"""`flask jobs run-due` (for cron on every host, or the dev server) and `flask jobs list`."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from app.jobs import tasks  # noqa: F401  (registers the jobs)
from app.jobs.runner import JOBS, last_runs, run_due
from app.security import run_as_system
from app.timefmt import iso, local_tz

jobs_cli = AppGroup("jobs", help="Scheduled work: each job runs once per period across all processes.")


def _parse_now(raw: str | None) -> datetime | None:
    if not raw:
        return None
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=local_tz())


@jobs_cli.command("run-due")
@click.option("--at", "--now", "now_text", default=None,
              help="Act as if it were this time (ISO 8601; local time when no offset), for tests and replays.")
@click.option("--job", "only", multiple=True, help="Only this job (repeatable).")
def run_due_command(now_text: str | None, only: tuple[str, ...]) -> None:
    """Run every job whose period is due and not yet claimed by another runner."""
    unknown = sorted(set(only) - set(JOBS))
    if unknown:
        raise click.BadParameter(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(JOBS)}")
    run_as_system()
    failed = False
    for outcome in run_due(_parse_now(now_text), list(only) or None):
        failed |= outcome.state == "failed"
        detail = f" {outcome.result}" if outcome.result else ""
        click.echo(f"{outcome.job:<22} {outcome.run_key or '-':<17} {outcome.state}{detail}")
    if failed:
        raise SystemExit(1)


@jobs_cli.command("list")
def list_command() -> None:
    """The jobs and when each last ran."""
    runs = last_runs()
    for name, job in JOBS.items():
        run = runs.get(name)
        last = f"last {run.run_key} at {iso(run.started_at)}" if run else "never ran"
        click.echo(f"{name:<22} {job.description}; {last}")
