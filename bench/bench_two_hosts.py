"""Two app hosts on one PostgreSQL and one Redis, and what happens when a piece fails mid-burst.

    .venv/bin/python bench/bench_two_hosts.py [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_two_hosts]
        [--registrants 1200] [--seats 300] [--clients 32] [--no-failures]

Each host is a network namespace with its own address (tests/hosts.py; two ports of 127.0.0.1
where namespaces cannot be made), 2 gunicorn workers each, rate limits on and shared in Redis,
TRUSTED_PROXIES=1 with one X-Forwarded-For address per registrant, as behind the proxy.

Prints, for the race: registrations/s, p50/p99, confirmed vs seats (never oversold); for the
shared limit: the statuses of 10 wrong passwords for one username alternating between the hosts;
for the jobs: what `flask jobs run-due` printed on each host when started together.

Then (unless --no-failures), on a private PostgreSQL cluster (initdb in a temporary directory, so
the machine's server is never restarted), three bursts of registrations, each with one failure
injected a third of the way in: a gunicorn worker killed (SIGKILL), Redis killed, PostgreSQL
restarted (`pg_ctl restart -m fast`). For each: the statuses seen, how long until the next
success, and whether every registration answered 201 is in the database and nothing else is.

Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_registration, loadgen  # noqa: E402
from bench.database import fresh_database  # noqa: E402
from tests.hosts import two_hosts  # noqa: E402
from tests.server import free_port  # noqa: E402

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None) if Path(
    "/usr/lib/postgresql").exists() else None
HOST_ENV = {"RATELIMIT_ENABLED": "1", "TRUSTED_PROXIES": "1"}


def new_event(database_url: str, title: str, capacity: int, waitlist: bool) -> str:
    """An event published through the services (the registration benchmark's), one person per registration."""
    return bench_registration.new_event(database_url, title, waitlist, capacity=capacity, max_party_size=1)


def burst(bases: list[str], slug: str, total: int, clients: int, offset: int,
          at: int | None = None, action=None) -> tuple[loadgen.Result, dict]:
    """`total` registrations alternating between the hosts; `action()` fires once request `at` starts."""
    tokens: list[str] = []
    timeline: list[tuple[float, int]] = []
    fired: dict = {}

    async def one(i: int) -> tuple[int, str]:
        if action is not None and i == at and not fired:
            fired["at"] = time.monotonic()
            threading.Thread(target=action, daemon=True).start()
        person = loadgen.Client(bases[i % len(bases)])
        n = offset + i
        try:
            r = await person.request("POST", f"/api/v1/public/events/{slug}/registrations", json_body={
                "name": f"两机{n}", "phone": f"139{n:08d}", "consent": True},
                headers={"X-Forwarded-For": f"10.{n // 62500 % 250}.{n // 250 % 250}.{n % 250 + 1}"})
        except IndexError:  # the connection closed without an answer (a worker killed mid-request)
            timeline.append((time.monotonic(), 599))
            return 599, "closed without an answer"
        timeline.append((time.monotonic(), r.status))
        if r.status == 201:
            tokens.append(r.json()["ticket_token"])
            return r.status, r.json()["status"]
        try:
            return r.status, r.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return r.status, f"http {r.status}"

    result = loadgen.run(total, clients, one)
    info = {"tokens": tokens}
    if fired:
        after = sorted(t for t in timeline if t[0] >= fired["at"])
        failures = [t for t in after if t[1] >= 500]
        first_failure = failures[0][0] if failures else None
        back = next((t for t in after if t[1] in (200, 201) and (first_failure is None or t[0] > first_failure)),
                    None)
        info["seconds_to_next_success"] = round(back[0] - fired["at"], 2) if back else None
    return result, info


def ledger(database_url: str, slug: str, tokens: list[str]) -> str:
    """Is every registration answered 201 in the database, and is nothing else there?"""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = set(conn.execute(sa.text(
            "SELECT r.ticket_token FROM registrations r JOIN events e ON e.id = r.event_id "
            "WHERE e.slug = :slug"), {"slug": slug}).scalars())
        capacity, confirmed = conn.execute(sa.text(
            "SELECT e.capacity, COUNT(CASE WHEN r.status = 'confirmed' THEN 1 END) FROM events e "
            "LEFT JOIN registrations r ON r.event_id = e.id WHERE e.slug = :slug GROUP BY e.capacity"),
            {"slug": slug}).one()
    engine.dispose()
    missing = len(set(tokens) - rows)
    extra = len(rows - set(tokens))
    return (f"{len(tokens)} answered 201, {len(rows)} in the database: {missing} lost, {extra} without a 201 "
            f"answer; confirmed {confirmed} of {capacity} seats{' OVERSOLD' if confirmed > capacity else ''}")


def show(label: str, result: loadgen.Result) -> None:
    print(f"  {label}: {result.rate:.0f}/s, p50 {result.p50_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, "
          f"outcomes {dict(result.outcomes)}, errors {result.errors}")


def deployment(database_url: str, registrants: int, seats: int, clients: int) -> None:
    fresh_database(database_url, ["seed-demo"])
    slug = new_event(database_url, "两机压测（合成数据）", seats, waitlist=False)
    with two_hosts(database_url, workers=2, extra_env=HOST_ENV) as cluster:
        bases = [h.base for h in cluster.hosts]
        kind = "network namespaces" if cluster.network.isolated else "two ports of 127.0.0.1"
        print(f"two hosts ({kind}): {', '.join(bases)}; PostgreSQL and Redis at {cluster.network.service_address}")
        result, info = burst(bases, slug, registrants, clients, offset=0)
        show(f"{registrants} registrations for {seats} seats, {clients} clients", result)
        print("  " + ledger(database_url, slug, info["tokens"]))
        wrong = [requests.post(f"{base}/api/v1/auth/tokens", json={"username": "oh01.staff1", "password": "x" * 12},
                               headers={"X-Forwarded-For": f"10.8.0.{i + 1}"}, timeout=30).status_code
                 for i, base in zip(range(10), itertools.cycle(bases), strict=False)]
        print(f"  10 wrong passwords for one username, alternating hosts: {wrong}")
        runners = [cluster.run_on(h.index, "jobs", "run-due") for h in cluster.hosts]
        for host, runner in zip(cluster.hosts, runners, strict=True):
            out, _err = runner.communicate(timeout=300)
            states = Counter(line.split()[2] for line in out.splitlines() if len(line.split()) > 2)
            print(f"  jobs run-due on host {host.index}: {dict(states)}")


class PrivatePostgres:
    """A throw-away PostgreSQL cluster owned by the `postgres` user, on a free port."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        shutil.chown(self.dir, "postgres")

    def _as_postgres(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> PrivatePostgres:
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self._ctl("start")
        return self

    def _ctl(self, *args: str) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.dir / "log"),
                          "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200",
                          *args)

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/bench"


def _kill_a_worker(master_pid: int) -> None:
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    if children:
        os.kill(int(children[0]), signal.SIGKILL)


def redis_back(cluster, bases: list[str], slug: str, limit_seconds: float = 90) -> None:
    """Start Redis again (empty, on the same address) and time until each host counts in it again."""
    cluster.redis.start()
    started = time.monotonic()
    healthy = shared = None
    while time.monotonic() - started < limit_seconds and shared is None:
        for base in bases:
            requests.get(f"{base}/api/v1/public/events/{slug}", timeout=10)
        if healthy is None and all(requests.get(b + "/healthz", timeout=10).json()["status"] == "ok" for b in bases):
            healthy = time.monotonic() - started
        if shared is None and cluster.redis.client().keys("LIMITS*"):
            shared = time.monotonic() - started
        time.sleep(0.5)
    print(f"- Redis started again: /healthz ok on both hosts after {healthy and round(healthy, 1)} s; "
          f"rate-limit counters back in Redis after {shared and round(shared, 1)} s")


def failures(total: int, clients: int) -> None:
    if PG_BIN is None or shutil.which("runuser") is None:
        print("failures: skipped (needs PostgreSQL's initdb/pg_ctl and runuser for a private cluster)")
        return
    pg = PrivatePostgres().start()
    try:
        fresh_database(pg.url, ["seed-demo"])
        with two_hosts(pg.url, workers=2, extra_env=HOST_ENV) as cluster:
            bases = [h.base for h in cluster.hosts]
            print(f"failures injected a third into a burst of {total} registrations ({clients} clients), "
                  "private PostgreSQL cluster:")
            scenarios = [
                ("a gunicorn worker of host 0 killed (SIGKILL)", lambda: _kill_a_worker(cluster.hosts[0].process.pid)),
                ("Redis killed", cluster.redis.kill),
                ("PostgreSQL restarted (pg_ctl restart -m fast)", pg.restart),
            ]
            for n, (label, action) in enumerate(scenarios):
                slug = new_event(pg.url, f"故障演练{n}（合成数据）", capacity=total, waitlist=True)
                result, info = burst(bases, slug, total, clients, offset=(n + 1) * 100_000, at=total // 3,
                                     action=action)
                print(f"- {label}:")
                show("statuses", result)
                print(f"  first success after the first failure: {info.get('seconds_to_next_success')} s "
                      "after the failure was injected")
                print("  " + ledger(pg.url, slug, info["tokens"]))
                health = [requests.get(b + "/healthz", timeout=10) for b in bases]
                print(f"  /healthz afterwards: {[(h.status_code, h.json()) for h in health]}")
                if action == cluster.redis.kill:
                    redis_back(cluster, bases, slug)
    finally:
        pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_two_hosts")
    parser.add_argument("--registrants", type=int, default=1200)
    parser.add_argument("--seats", type=int, default=300)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--burst", type=int, default=600, help="registrations per failure burst")
    parser.add_argument("--no-failures", action="store_true")
    parser.add_argument("--failures-only", action="store_true")
    args = parser.parse_args()
    if not args.failures_only:
        deployment(args.pg_url, args.registrants, args.seats, args.clients)
    if not args.no_failures:
        failures(args.burst, args.clients)


if __name__ == "__main__":
    main()
