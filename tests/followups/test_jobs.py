"""Scheduled work: each job runs once per period under concurrent runners; auto-finish; the daily digest."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.events.models import Event
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.jobs import runner
from app.jobs.models import JobRun
from app.jobs.runner import run_due
from app.notify.models import Notification
from app.security import run_as_system
from app.timefmt import local_today, local_tz
from tests.server import ROOT


def _at(hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime.combine(local_today() + timedelta(days=days), time(hour, minute), local_tz())


@pytest.fixture
def due_work(make, happen):
    """Staff JA has two due follow-ups (one overdue), staff JB none; one event ended 60 hours ago, unfinished."""
    outlet = make.outlet("JO")
    staff = make.user("staff", outlet=outlet, username="ja.staff", name="林晓")
    make.user("staff", outlet=outlet, username="jb.staff", name="王芳")
    done = make.event(outlet, title="已办沙龙（测试）", owner=staff)
    make.registration(done, name="张三", phone="19900007001")
    make.registration(done, name="李四", phone="19900007002")
    happen.move_to_past(done)
    finish_event(done)
    db.session.commit()
    first, second = db.session.scalars(sa.select(FollowUp).order_by(FollowUp.id)).all()
    first.due_date = local_today() - timedelta(days=3)
    second.due_date = local_today()
    stale = make.event(outlet, title="忘了结束的活动（测试）", owner=staff)
    make.registration(stale, name="王五", phone="19900007003")
    # 60 hours: over the 24-hour threshold for any clock time of "today" the tests run the jobs at
    happen.move_to_past(stale, ended_hours_ago=60)
    recent = happen.move_to_past(make.event(outlet, title="刚结束的活动（测试）"), ended_hours_ago=2)
    db.session.commit()
    return {"staff_id": staff.id, "stale_id": stale.id, "recent_id": recent.id}


def _runs() -> dict[str, int]:
    return dict(db.session.execute(sa.select(JobRun.job, sa.func.count(JobRun.id)).group_by(JobRun.job)).all())


def test_concurrent_runners_run_each_job_once(app, due_work):
    now = _at(9, 30)
    db.session.remove()  # the runners need the write lock
    start = threading.Barrier(6)
    outcomes, errors = [], []

    def runner_thread():
        try:
            with app.app_context():
                run_as_system()
                start.wait(timeout=30)
                outcomes.extend(run_due(now))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=runner_thread) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    ran = sorted(o.job for o in outcomes if o.state == "ran")
    assert ran == ["auto_finish", "deliver_notifications", "event_reminders", "followup_digest", "retention_purge"]
    assert sum(o.state == "already_ran" for o in outcomes) == 25
    assert _runs() == {"auto_finish": 1, "deliver_notifications": 1, "event_reminders": 1, "followup_digest": 1,
                       "retention_purge": 1}
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.kind == "followup_digest")) == 1
    assert db.session.get(Event, due_work["stale_id"]).status == "finished"


@pytest.mark.concurrency
def test_runner_processes_started_together_never_double_run(database_url, due_work):
    db.session.remove()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key-not-for-production",
           "APP_ENV": "development"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run-due", "--now", _at(9, 30).isoformat()]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=180) for p in processes]
    assert [p.returncode for p in processes] == [0] * 4, outputs
    lines = [line for out, _err in outputs for line in out.splitlines()]
    assert sum(" ran " in f"{line} " for line in lines) == 5
    assert _runs() == {"auto_finish": 1, "deliver_notifications": 1, "event_reminders": 1, "followup_digest": 1,
                       "retention_purge": 1}
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.kind == "followup_digest")) == 1


def test_auto_finish_waits_the_configured_hours(app, due_work):
    # Anchored on the real clock: the recent event ended two hours before now, whatever the time of day.
    hour = datetime.now(local_tz()).replace(minute=0, second=0, microsecond=0)
    outcome = runner.run_job(runner.JOBS["auto_finish"], hour + timedelta(hours=1))
    assert outcome.state == "ran" and outcome.result["finished"] == [due_work["stale_id"]]
    assert db.session.get(Event, due_work["stale_id"]).status == "finished"
    assert db.session.get(Event, due_work["recent_id"]).status == "published"
    assert db.session.scalar(sa.select(sa.func.count(FollowUp.id)).where(
        FollowUp.event_id == due_work["stale_id"])) == 1
    assert runner.run_job(runner.JOBS["auto_finish"], hour + timedelta(hours=1, minutes=40)).state == "already_ran"
    app.config["AUTO_FINISH_HOURS"] = 1
    try:
        later = runner.run_job(runner.JOBS["auto_finish"], hour + timedelta(hours=2, minutes=5))
    finally:
        app.config["AUTO_FINISH_HOURS"] = 24
    assert later.result["finished"] == [due_work["recent_id"]]


def test_the_digest_tells_each_staff_member_their_due_work_once_a_day(due_work):
    assert runner.run_job(runner.JOBS["followup_digest"], _at(7, 30)).state == "not_due"
    outcome = runner.run_job(runner.JOBS["followup_digest"], _at(8, 5))
    assert outcome.state == "ran" and outcome.result == {"notified": 1, "items": 2}
    message = db.session.scalars(sa.select(Notification).where(Notification.kind == "followup_digest")).one()
    assert message.recipient == "ja.staff" and message.user_id == due_work["staff_id"]
    assert message.body.startswith("林晓，您今天有 2 条跟进待办（其中逾期 1 条）：")
    assert "张三（挽回，已办沙龙（测试），逾期 3 天）" in message.body
    assert "李四（挽回，已办沙龙（测试），今天到期）" in message.body
    assert message.payload["due"] == 2 and message.payload["overdue"] == 1
    assert runner.run_job(runner.JOBS["followup_digest"], _at(17, 0)).state == "already_ran"
    assert runner.run_job(runner.JOBS["followup_digest"], _at(8, 0, days=1)).state == "ran"


def test_a_failed_job_frees_its_period_for_the_next_run(monkeypatch):
    def broken(_now):
        raise RuntimeError("gateway down")

    job = runner.Job("broken_job", "fails", lambda local: local.strftime("%Y-%m-%d"), broken)
    failed = runner.run_job(job, _at(9))
    assert failed.state == "failed" and "gateway down" in failed.result["error"]
    assert _runs() == {}
    fixed = runner.Job("broken_job", "works now", job.period, lambda _now: {"ok": True})
    assert runner.run_job(fixed, _at(9, 1)).state == "ran"
    assert _runs() == {"broken_job": 1}


def test_the_cli_lists_jobs_and_runs_due_ones(app, due_work):
    db.session.commit()
    cli = app.test_cli_runner()
    result = cli.invoke(args=["jobs", "run-due", "--now", _at(9, 15).isoformat(), "--job", "followup_digest"])
    assert result.exit_code == 0, result.output
    assert "followup_digest" in result.output and "ran" in result.output
    listing = cli.invoke(args=["jobs", "list"])
    assert "auto_finish" in listing.output and "never ran" in listing.output
    assert f"last {local_today().isoformat()}" in listing.output
    bad = cli.invoke(args=["jobs", "run-due", "--job", "nope"])
    assert bad.exit_code != 0
