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
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from tests.server import gunicorn  # noqa: E402

CAPACITY = 400
PER_RUN = {16: 800, 32: 1600, 64: 1600}  # long enough for steady figures on a noisy 2-core machine


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


def run(base: str, slug: str, clients: int, total: int, mode: str, offset: int) -> loadgen.Result:
    """`total` registrations by `clients` concurrent people; each person is a new phone."""

    async def one(i: int) -> tuple[int, str]:
        person = loadgen.Client(base)
        phone = f"139{offset + i:08d}"
        if mode == "json":
            r = await person.request("POST", f"/api/v1/public/events/{slug}/registrations", json_body={
                "name": f"压测{i}", "phone": phone, "consent": True, "party_size": 1 + i % 2})
            outcome = r.json().get("status") if r.status in (200, 201) else r.json()["error"]["code"]
            return r.status, outcome
        page = await person.request("GET", f"/e/{slug}")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        r = await person.request("POST", f"/e/{slug}", form={
            "csrf_token": token.group(1) if token else "", "name": f"压测{i}", "phone": phone,
            "party_size": str(1 + i % 2), "consent": "y"})
        return r.status, "registered" if r.status == 303 else f"http {r.status}"

    return loadgen.run(total, clients, one)


def bench(name: str, database_url: str) -> None:
    prepare(database_url, fresh=True)
    print(f"\n== {name} ==")
    offset = 0
    with gunicorn(database_url, workers=2) as base:
        ceiling = loadgen.healthz_ceiling(base, clients=32)
        print(f"ceiling: GET /healthz (one trivial query) {ceiling.rate:.0f} requests/s at 32 clients, "
              f"p99 {ceiling.p99_ms:.1f} ms")
        for mode in ("json", "form"):
            for clients in (16, 32, 64):
                slug = new_event(database_url, f"压测 {mode} {clients}", waitlist=True)
                total = PER_RUN[clients] if mode == "json" else PER_RUN[clients] // 2
                result = run(base, slug, clients, total, mode, offset)
                offset += total
                capacity, seats, waiting = oversold(database_url, slug)
                flag = "OVERSOLD!" if seats > capacity else "not oversold"
                print(f"{mode:4} {clients:3} clients: {result.rate:7.1f} reg/s  p50 {result.p50_ms:6.1f} ms  "
                      f"p99 {result.p99_ms:6.1f} ms  outcomes {dict(result.outcomes)}  5xx {result.errors}  "
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
