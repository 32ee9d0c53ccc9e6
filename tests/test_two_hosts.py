"""The deployment story: two app hosts (a network namespace each) on one PostgreSQL and one Redis.

Registrations raced across both hosts never oversell, rate limits are counted across both, and
`flask jobs run-due` started on both at once runs each job once. PostgreSQL only: production's database.
"""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from app.events.models import Registration
from app.extensions import db
from app.jobs.models import JobRun
from tests.conftest import DB_KIND
from tests.hosts import two_hosts

pytestmark = [pytest.mark.concurrency,
              pytest.mark.skipif(DB_KIND != "postgresql", reason="the deployment runs on PostgreSQL")]

SEATS, REGISTRANTS = 60, 240


def _register(base: str, slug: str, i: int) -> int:
    # Behind the proxy each phone has its own address (TRUSTED_PROXIES=1), as real registrants do.
    response = requests.post(f"{base}/api/v1/public/events/{slug}/registrations", timeout=60,
                             headers={"X-Forwarded-For": f"10.9.{i // 250}.{i % 250 + 1}"},
                             json={"name": f"两机{i}", "phone": f"1390002{i:04d}", "consent": True})
    return response.status_code


def test_two_hosts_share_capacity_rate_limits_and_jobs(database_url, make):
    event = make.event(capacity=SEATS, waitlist=False, questions=[])
    make.user("staff", username="two.hosts")
    slug, event_id = event.slug, event.id
    db.session.commit()
    db.session.remove()
    started = time.monotonic()
    with two_hosts(database_url, workers=1, extra_env={"RATELIMIT_ENABLED": "1", "TRUSTED_PROXIES": "1"}) as cluster:
        print(f"hosts {'in namespaces' if cluster.network.isolated else 'on two ports'}:",
              [h.base for h in cluster.hosts], f"up in {time.monotonic() - started:.1f} s")
        a, b = (host.base for host in cluster.hosts)
        assert a != b
        for host in cluster.hosts:
            assert requests.get(host.base + "/healthz", timeout=5).json() == {"status": "ok", "db": "ok",
                                                                              "redis": "ok"}

        # 3 (started first, finished last). The scheduled jobs, started on both hosts at the same
        # moment while the hosts serve traffic, as cron does: each job runs once.
        jobs_started = time.monotonic()
        runners = [cluster.run_on(host.index, "jobs", "run-due") for host in cluster.hosts]

        # 1. 240 registrations for 60 seats, alternating between the hosts, 32 at a time.
        bases = itertools.cycle((a, b))
        jobs = [(next(bases), i) for i in range(REGISTRANTS)]
        with ThreadPoolExecutor(max_workers=32) as pool:
            race = time.monotonic()
            codes = list(pool.map(lambda job: _register(job[0], slug, job[1]), jobs))
        print(f"{REGISTRANTS} registrations in {time.monotonic() - race:.1f} s")
        assert codes.count(201) == SEATS and codes.count(409) == REGISTRANTS - SEATS, sorted(set(codes))
        assert {codes[i] for i in range(0, REGISTRANTS, 2)} == {201, 409}  # both hosts sold seats
        assert {codes[i] for i in range(1, REGISTRANTS, 2)} == {201, 409}

        # 2. "5 wrong passwords per username and client address per 15 minutes", counted across both
        #    hosts: one client (one forwarded address) alternating between them is locked after 5.
        wrong = [requests.post(f"{base}/api/v1/auth/tokens", json={"username": "two.hosts", "password": "x" * 12},
                               headers={"X-Forwarded-For": "10.8.0.1"}, timeout=30).status_code
                 for _i, base in zip(range(10), itertools.cycle((a, b)), strict=False)]
        assert wrong == [401] * 5 + [429] * 5

        outputs = [runner.communicate(timeout=120) for runner in runners]
        assert [runner.returncode for runner in runners] == [0, 0], outputs
        print(f"jobs on both hosts in {time.monotonic() - jobs_started:.1f} s")
    ran = [line.split()[0] for out, _err in outputs for line in out.splitlines() if line.split()[2:3] == ["ran"]]
    assert ran and len(ran) == len(set(ran))  # nothing ran on both hosts
    runs = dict(db.session.execute(sa.select(JobRun.job, sa.func.count(JobRun.id)).group_by(JobRun.job)).all())
    assert runs == dict.fromkeys(ran, 1)
    confirmed = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event_id, Registration.status == "confirmed"))
    assert confirmed == SEATS
