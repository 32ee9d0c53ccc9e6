"""Run each due job once per period, however many runners fire at the same moment.

A runner first claims (job, run_key) by inserting a JobRun row and committing
that insert on its own, BEFORE any work (each step below is its own
`transaction()`, the boundaries the runner keeps); the unique constraint lets exactly
one runner win, on any number of processes or hosts sharing the database.
So `* * * * * flask jobs run-due` in cron on every host is safe. A job that
fails releases its claim (the next run retries); one that crashes mid-way
keeps it, and the next period runs again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.jobs.models import JobRun
from app.models import utcnow
from app.timefmt import to_local
from app.unit_of_work import transaction

log = logging.getLogger("app.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    # Given the local time, the key of the period that is due now, or None when the job is not due.
    period: Callable[[datetime], str | None]
    # Does the work and returns a small JSON-able summary; the runner commits it (or rolls it back on an
    # exception). A job that must keep part of its work however it ends uses transaction() itself.
    work: Callable[[datetime], dict]


JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    JOBS[job.name] = job
    return job


@dataclass
class Outcome:
    job: str
    run_key: str | None
    state: str  # "ran", "already_ran" (another runner has this period), "not_due", "failed"
    result: dict


def claim(job: str, run_key: str) -> int | None:
    """Claim one period of a job in a transaction of its own; the JobRun id, or None if already claimed.

    Committed before any work (a boundary of its own, not the work's), so another runner sees the
    claim at once and SQLite's write lock is not held while the work runs.
    """
    with transaction():
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = (insert(JobRun).values(job=job, run_key=run_key, started_at=utcnow(), result={})
                .on_conflict_do_nothing(index_elements=["job", "run_key"]).returning(JobRun.id))
        return db.session.execute(stmt).scalar()


def _finish(run_id: int, result: dict) -> None:
    with transaction():
        db.session.execute(sa.update(JobRun).where(JobRun.id == run_id).values(finished_at=utcnow(), result=result))


def _release(run_id: int) -> None:
    with transaction():  # the failed work is rolled back already
        db.session.execute(sa.delete(JobRun).where(JobRun.id == run_id))


def run_job(job: Job, now: datetime) -> Outcome:
    key = job.period(to_local(now))
    if key is None:
        return Outcome(job.name, None, "not_due", {})
    run_id = claim(job.name, key)
    if run_id is None:
        return Outcome(job.name, key, "already_ran", {})
    try:
        with transaction():  # the job's work, committed whole (before the run is marked finished)
            result = job.work(now)
    except Exception as exc:  # any failure: log it, free the period for the next run, go on with other jobs
        log.exception("job %s (%s) failed", job.name, key)
        _release(run_id)
        return Outcome(job.name, key, "failed", {"error": str(exc)[:200]})
    _finish(run_id, result)
    return Outcome(job.name, key, "ran", result)


def run_due(now: datetime | None = None, only: list[str] | None = None) -> list[Outcome]:
    """Run every registered job whose period is due and not yet claimed."""
    now = now or utcnow()
    return [run_job(job, now) for name, job in JOBS.items() if not only or name in only]


def last_runs() -> dict[str, JobRun]:
    """The most recent run of each job, for `flask jobs list`."""
    latest = sa.select(JobRun.job, sa.func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    rows = db.session.scalars(sa.select(JobRun).join(latest, latest.c.id == JobRun.id))
    return {run.job: run for run in rows}
