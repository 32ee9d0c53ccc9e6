"""Registration throughput under concurrency: gunicorn (2 workers) on SQLite and PostgreSQL.

Drives N concurrent registrants (16, 32, 64) at one event through the JSON endpoint and
through the HTML form, and prints registrations/s, p50/p99 latency, confirmed vs
waitlisted and any errors. It also checks that no event was oversold.

    .venv/bin/python bench/bench_registration.py [--pg-url postgresql://postgres@127.0.0.1:5432/bench_registration]

Not a test: it prints figures. RATELIMIT_ENABLED=0 for the server (load tests only).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import gunicorn  # noqa: E402

CAPACITY = 400
PER_RUN = {16: 400, 32: 800, 64: 800}


def prepare(database_url: str, fresh: bool) -> None:
    """Migrate a fresh database and create the demo organisation."""
    env = {"DATABASE_URL": database_url}
    if fresh and database_url.startswith("postgresql"):
        engine = sa.create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *command], cwd=ROOT, check=True,
                       env={**__import__("os").environ, **env}, capture_output=True)


def new_event(database_url: str, title: str, waitlist: bool) -> str:
    """Create and publish an event directly through the services; returns its slug."""
    from app import create_app
    from app.events import services
    from app.extensions import db
    from app.models import utcnow
    from app.planning.catalogue import builtin_templates
    from app.security import run_as_system

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        run_as_system()
        start = utcnow() + timedelta(days=3)
        event = services.create_event(services.EventInput(
            template_key=sorted(builtin_templates())[0], outlet_code="OH01", starts_at=start,
            ends_at=start + timedelta(hours=2), capacity=CAPACITY, waitlist=waitlist, max_party_size=2,
            title=title, questions=[]))
        services.publish(event)
        db.session.commit()
        slug = event.slug
        db.engine.dispose()
    return slug


def oversold(database_url: str, slug: str) -> tuple[int, int, int]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT e.capacity, COALESCE(SUM(CASE WHEN r.status='confirmed' THEN r.party_size END), 0), "
            "COUNT(CASE WHEN r.status='waitlisted' THEN 1 END) FROM events e LEFT JOIN registrations r "
            "ON r.event_id = e.id WHERE e.slug = :slug GROUP BY e.capacity"), {"slug": slug}).one()
    engine.dispose()
    return row[0], row[1], row[2]


def run(base: str, slug: str, clients: int, total: int, mode: str, offset: int) -> dict:
    sessions = [requests.Session() for _ in range(clients)]

    def one(i: int):
        session = sessions[i % clients]
        phone = f"139{offset + i:08d}"
        started = time.perf_counter()
        if mode == "json":
            r = session.post(f"{base}/api/v1/public/events/{slug}/registrations", timeout=60,
                             json={"name": f"压测{i}", "phone": phone, "consent": True, "party_size": 1 + i % 2})
            outcome = r.json().get("status") if r.status_code in (200, 201) else r.json()["error"]["code"]
        else:
            page = session.get(f"{base}/e/{slug}", timeout=60)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
            r = session.post(f"{base}/e/{slug}", timeout=60, allow_redirects=False, data={
                "csrf_token": token.group(1) if token else "", "name": f"压测{i}", "phone": phone,
                "party_size": str(1 + i % 2), "consent": "y"})
            outcome = "registered" if r.status_code == 303 else f"http {r.status_code}"
        return time.perf_counter() - started, r.status_code, outcome

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, range(total)))
    elapsed = time.perf_counter() - started
    latencies = sorted(r[0] for r in results)
    outcomes: dict[str, int] = {}
    for _latency, _code, outcome in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    errors = sum(1 for _l, code, _o in results if code >= 500)
    return {"rate": total / elapsed, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000, "outcomes": outcomes, "errors": errors}


def bench(name: str, database_url: str) -> None:
    prepare(database_url, fresh=True)
    print(f"\n== {name} ==")
    offset = 0
    with gunicorn(database_url, workers=2) as base:
        for mode in ("json", "form"):
            for clients in (16, 32, 64):
                slug = new_event(database_url, f"压测 {mode} {clients}", waitlist=True)
                total = PER_RUN[clients] if mode == "json" else PER_RUN[clients] // 2
                result = run(base, slug, clients, total, mode, offset)
                offset += total
                capacity, seats, waiting = oversold(database_url, slug)
                flag = "OVERSOLD!" if seats > capacity else "not oversold"
                print(f"{mode:4} {clients:3} clients: {result['rate']:7.1f} reg/s  p50 {result['p50']:6.1f} ms  "
                      f"p99 {result['p99']:6.1f} ms  outcomes {result['outcomes']}  5xx {result['errors']}  "
                      f"seats {seats}/{capacity} waitlisted {waiting} ({flag})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_registration")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            bench("SQLite", f"sqlite:///{tmp}/bench.db")
    admin = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = args.pg_url.rsplit("/", 1)[1]
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    bench("PostgreSQL", args.pg_url)


if __name__ == "__main__":
    main()
