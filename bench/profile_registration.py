"""Where a public registration's time goes: statements, CPU per request, and the costliest functions.

Runs in-process (Flask's test client, no HTTP server) against a fresh database, so the
figures are the application's own: SQL statements issued per registration (listed once),
wall and CPU milliseconds per registration, and a cProfile summary by cumulative time.

    .venv/bin/python bench/profile_registration.py [DATABASE_URL] [--count 300]

Default database: postgresql+psycopg://postgres@127.0.0.1:5432/bench_registration (dropped and
rebuilt). Not a test: it prints figures. PROFILE_SORT=tottime sorts the summary by own time,
PROFILE_FILTER=. lists every function, not only ours, the session's and psycopg's.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_registration import new_event, prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url", nargs="?",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_registration")
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    os.environ.update(RATELIMIT_ENABLED="0", APP_ENV="development")
    prepare(args.database_url)
    slug = new_event(args.database_url, "剖析报名（测试）", waitlist=True)

    from app import create_app
    from app.extensions import db

    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    client = app.test_client()
    statements: list[str] = []
    # How long each registration holds the event's row lock: from sending the lock to the commit's return.
    # Registrations of one event take turns there, so this part, not the whole request, bounds one event's rate.
    lock_taken: list[float] = []
    lock_held: list[float] = []

    def on_statement(_c, _cur, sql, *_a) -> None:
        statements.append(sql)
        if sql.startswith("SELECT events.status") and "FOR UPDATE" in sql:
            lock_taken.append(time.perf_counter())

    def on_commit(_session) -> None:
        if len(lock_taken) > len(lock_held):
            lock_held.append(time.perf_counter() - lock_taken[-1])

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", on_statement)
    sa.event.listen(sa.orm.Session, "after_commit", on_commit)

    def register(i: int) -> None:
        response = client.post(f"/api/v1/public/events/{slug}/registrations",
                               json={"name": f"剖析{i}", "phone": f"1390000{i:04d}", "consent": True})
        assert response.status_code == 201, response.get_data(as_text=True)

    for i in range(20):  # warm-up: caches, prepared statements
        register(i)
    statements.clear()
    register(20)
    print(f"statements per registration: {len(statements)}")
    for sql in statements:
        print("  ", " ".join(sql.split())[:110])
    statements.clear()

    lock_taken.clear()
    lock_held.clear()
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(100, 100 + args.count):
        register(i)
    print(f"per registration: {(time.perf_counter() - start) / args.count * 1000:.2f} ms wall, "
          f"{(time.process_time() - cpu) / args.count * 1000:.2f} ms CPU, "
          f"{len(statements) / args.count:.1f} statements; the event's lock held "
          f"{statistics.median(lock_held) * 1000:.2f} ms (median of {len(lock_held)})")

    profile = cProfile.Profile()
    profile.enable()
    for i in range(5000, 5000 + args.count):
        register(i)
    profile.disable()
    out = io.StringIO()
    ours_and_the_database = os.environ.get("PROFILE_FILTER", r"/app/|sqlalchemy/orm/session|psycopg/cursor")
    order = os.environ.get("PROFILE_SORT", "cumulative")
    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(ours_and_the_database, 25)
    print(out.getvalue())
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
