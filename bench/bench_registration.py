"""Registration throughput under concurrency: gunicorn (2 workers) on SQLite and PostgreSQL.

Drives N concurrent registrants (16, 32, 64) at one event through the JSON endpoint and
through the HTML form, and prints registrations/s, p50/p99 latency, confirmed vs
waitlisted and any errors. It also checks that no event was oversold.

    .venv/bin/python bench/bench_registration.py [--pg-url postgresql://postgres@127.0.0.1:5432/bench_registration]
        [--skip-sqlite] [--modes json,form] [--clients 16,32,64] [--repeat 1] [--threads 1]
    .venv/bin/python bench/bench_registration.py --compare-form [--pg-url …] [--form-clients 32] [--rounds 3]
        [--signups 800]

`--compare-form` (issue 18 item 1) runs, on PostgreSQL against the same gunicorn (2 workers) and with
the same client, JSON sign-ups and form sign-ups (GET the page, read its CSRF token, POST; one
sign-up = GET + POST) in turns, and prints both rates, the form's share of the JSON rate and the
p99 per request, each round and their medians.

A 2-core machine's speed drifts by a third from one minute to the next; `--repeat 5`
prints each run and their median, which is the figure to compare.

Not a test: it prints figures. RATELIMIT_ENABLED=0 for the server (load tests only).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.database import fresh_database  # noqa: E402
from tests.server import gunicorn  # noqa: E402

CAPACITY = 400
PER_RUN = {16: 800, 32: 1600, 64: 1600}  # long enough for steady figures on a noisy 2-core machine


def prepare(database_url: str) -> None:
    """A fresh, migrated database with the demo organisation (and, on PostgreSQL, a history)."""
    fresh_database(database_url, ["seed-demo"])
    if database_url.startswith("postgresql"):
        add_history(database_url)


HISTORY_CUSTOMERS, HISTORY_REGISTRATIONS = 20_000, 10_000


def add_history(database_url: str) -> None:
    """A branch's past (synthetic): 20,000 customers and an earlier event's 10,000 registrations, then ANALYZE.

    A server in use has both, and statistics from autovacuum. This machine's
    PostgreSQL runs with autovacuum off, and on empty tables without statistics
    each worker's prepared statements keep the generic plans chosen while the
    tables were empty: a registration's lookups then filter a whole event's
    registrations and an outlet's customers instead of using the unique indexes
    (measured: one lookup 0.2 ms → 1 ms after 5,000 registrations, falling
    throughput from run to run).
    """
    past = new_event(database_url, "压测 往期活动（合成数据）", waitlist=True)
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        outlet_id, event_id = conn.execute(sa.text(
            "SELECT outlet_id, id FROM events WHERE slug = :slug"), {"slug": past}).one()
        conn.execute(sa.text(
            "INSERT INTO customers (outlet_id, name, phone, phone_last4, tier, is_customer, referral_code, "
            "created_at, updated_at) SELECT :outlet, '往期客户' || n, '137' || lpad(n::text, 8, '0'), "
            "lpad((n % 10000)::text, 4, '0'), 'standard', n % 3 = 0, 'H' || lpad(n::text, 7, '0'), now(), now() "
            "FROM generate_series(1, :count) AS n"), {"outlet": outlet_id, "count": HISTORY_CUSTOMERS})
        conn.execute(sa.text(
            "INSERT INTO registrations (event_id, customer_id, name, phone, phone_last4, party_size, answers, "
            "status, source, was_customer, ticket_token, over_capacity, created_at) "
            "SELECT :event, id, name, phone, phone_last4, 1, '{}', "
            "CASE WHEN id % 4 = 0 THEN 'waitlisted' ELSE 'confirmed' END, 'public', is_customer, "
            "md5(phone), false, now() FROM customers WHERE phone LIKE '137%' ORDER BY id LIMIT :count"),
            {"event": event_id, "count": HISTORY_REGISTRATIONS})
        if conn.execute(sa.text("SHOW autovacuum")).scalar() == "off":
            print("note: autovacuum is off on this server; the benchmark runs ANALYZE itself")
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()


def new_event(database_url: str, title: str, waitlist: bool, *, capacity: int = CAPACITY,
              max_party_size: int = 2) -> str:
    """Create and publish an event directly through the services; returns its slug."""
    from app import create_app
    from app.catalogue.builtin import builtin_templates
    from app.events import services
    from app.extensions import db
    from app.models import utcnow
    from app.security import run_as_system

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        run_as_system()
        start = utcnow() + timedelta(days=3)
        event = services.create_event(services.EventInput(
            template_key=sorted(builtin_templates())[0], outlet_code="OH01", starts_at=start,
            ends_at=start + timedelta(hours=2), capacity=capacity, waitlist=waitlist, max_party_size=max_party_size,
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


def run(base: str, slug: str, clients: int, total: int, mode: str, offset: int,
        per_request: list[float] | None = None) -> loadgen.Result:
    """`total` registrations by `clients` concurrent people; each person is a new phone.

    `per_request` collects the latency of every HTTP request (a form sign-up is two)."""

    async def timed(person: loadgen.Client, *args, **kwargs) -> loadgen.Response:
        started = time.perf_counter()
        response = await person.request(*args, **kwargs)
        if per_request is not None:
            per_request.append(time.perf_counter() - started)
        return response

    async def one(i: int) -> tuple[int, str]:
        person = loadgen.Client(base)
        phone = f"139{offset + i:08d}"
        if mode == "json":
            r = await timed(person, "POST", f"/api/v1/public/events/{slug}/registrations", json_body={
                "name": f"压测{i}", "phone": phone, "consent": True, "party_size": 1 + i % 2})
            outcome = r.json().get("status") if r.status in (200, 201) else r.json()["error"]["code"]
            return r.status, outcome
        page = await timed(person, "GET", f"/e/{slug}")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        r = await timed(person, "POST", f"/e/{slug}", form={
            "csrf_token": token.group(1) if token else "", "name": f"压测{i}", "phone": phone,
            "party_size": str(1 + i % 2), "consent": "y"})
        return r.status, "registered" if r.status == 303 else f"http {r.status}"

    return loadgen.run(total, clients, one)


def p99_ms(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000 if ordered else 0.0


def server_cpu(port: int, database_url: str) -> float:
    """CPU seconds so far of the gunicorn serving `port` (master and workers) and of the database's backends.

    On a shared 2-core machine the rates move with the neighbours' load; CPU per sign-up moves less."""
    from bench.compare_pretix import backends_cpu, group_cpu, process_cpu

    bind = f"127.0.0.1:{port}".encode()
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and bind in Path(f"/proc/{entry.name}/cmdline").read_bytes():
                found = process_cpu(entry.name)
                if found:
                    url = sa.engine.make_url(database_url)
                    admin = url.set(drivername="postgresql+psycopg", database="postgres")
                    return group_cpu(found[0]) + sum(backends_cpu(
                        admin.render_as_string(hide_password=False), str(url.database)).values())
        except OSError:
            continue
    return float("nan")


def compare_form(database_url: str, clients: int, signups: int, rounds: int) -> None:
    """Issue 18 item 1: JSON and form sign-ups in turns, same server, same client; the form's share of the rate.

    One form sign-up is GET /e/<slug>, reading its CSRF token, then POST: two requests, p99 per request."""
    prepare(database_url)
    print(f"\n== form vs JSON sign-ups, {clients} clients, {signups} sign-ups a run, {rounds} rounds ==")
    rates: dict[str, list[float]] = {"json": [], "form": []}
    tails: dict[str, list[float]] = {"json": [], "form": []}
    cpus: dict[str, list[float]] = {"json": [], "form": []}
    offset = 50_000_000
    with gunicorn(database_url, workers=2, threads=1) as base:
        loadgen.healthz_ceiling(base, clients=clients, total=500)  # warm-up
        for round_no in range(1, rounds + 1):
            for mode in ("json", "form"):
                slug = new_event(database_url, f"压测 对比 {mode} {round_no}（合成数据）", waitlist=True)
                latencies: list[float] = []
                cpu = server_cpu(urlsplit(base).port or 80, database_url)
                result = run(base, slug, clients, signups, mode, offset, latencies)
                cpus[mode].append((server_cpu(urlsplit(base).port or 80, database_url) - cpu) / signups * 1000)
                offset += signups
                rates[mode].append(result.rate)
                tails[mode].append(p99_ms(latencies))
                capacity, seats, _waiting = oversold(database_url, slug)
                print(f"round {round_no} {mode:4}: {result.rate:6.1f} sign-ups/s  {len(latencies)} requests  "
                      f"p99 per request {tails[mode][-1]:6.1f} ms  CPU {cpus[mode][-1]:5.1f} ms/sign-up  "
                      f"outcomes {dict(result.outcomes)}  "
                      f"5xx {result.errors}  seats {seats}/{capacity}{' OVERSOLD!' if seats > capacity else ''}")
            print(f"round {round_no} form/json: {rates['form'][-1] / rates['json'][-1]:.0%}")
    json_rate, form_rate = statistics.median(rates["json"]), statistics.median(rates["form"])
    print(f"medians: json {json_rate:.1f}/s (p99 {statistics.median(tails['json']):.1f} ms), "
          f"form {form_rate:.1f}/s (p99 per request {statistics.median(tails['form']):.1f} ms, "
          f"worst {max(tails['form']):.1f} ms); form/json {form_rate / json_rate:.0%} "
          f"(per round: {', '.join(f'{f / j:.0%}' for f, j in zip(rates['form'], rates['json'], strict=True))})")
    json_cpu, form_cpu = statistics.median(cpus["json"]), statistics.median(cpus["form"])
    print(f"CPU per sign-up (gunicorn + PostgreSQL backends), medians: json {json_cpu:.1f} ms, form {form_cpu:.1f} ms; "
          f"json/form {json_cpu / form_cpu:.0%} (the rate ratio a CPU-bound machine would show)")


def bench(name: str, database_url: str, modes: list[str], client_counts: list[int], threads: int,
          repeat: int) -> None:
    prepare(database_url)
    print(f"\n== {name} ==")
    offset = 0
    print(f"gunicorn: 2 workers × {threads} thread(s)")
    with gunicorn(database_url, workers=2, threads=threads) as base:
        ceiling = loadgen.healthz_ceiling(base, clients=32)
        print(f"ceiling: GET /healthz (one trivial query) {ceiling.rate:.0f} requests/s at 32 clients, "
              f"p99 {ceiling.p99_ms:.1f} ms")
        for mode in modes:
            for clients in client_counts:
                rates = []
                total = PER_RUN.get(clients, 1600) // (1 if mode == "json" else 2)  # a form run is two requests each
                for _ in range(repeat):
                    slug = new_event(database_url, f"压测 {mode} {clients}", waitlist=True)
                    result = run(base, slug, clients, total, mode, offset)
                    offset += total
                    rates.append(result.rate)
                    capacity, seats, waiting = oversold(database_url, slug)
                    flag = "OVERSOLD!" if seats > capacity else "not oversold"
                    print(f"{mode:4} {clients:3} clients: {result.rate:7.1f} reg/s  p50 {result.p50_ms:6.1f} ms  "
                          f"p99 {result.p99_ms:6.1f} ms  outcomes {dict(result.outcomes)}  5xx {result.errors}  "
                          f"seats {seats}/{capacity} waitlisted {waiting} ({flag})")
                if repeat > 1:  # this machine's speed drifts by a third from minute to minute
                    print(f"{mode:4} {clients:3} clients: {repeat} runs, median {statistics.median(rates):.1f} reg/s, "
                          f"best {max(rates):.1f}, worst {min(rates):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_registration")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--modes", default="json,form", help="json, form or both (comma-separated)")
    parser.add_argument("--clients", default="16,32,64", help="concurrency levels, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode and concurrency (prints the median)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    parser.add_argument("--compare-form", action="store_true",
                        help="PostgreSQL only: JSON and form sign-ups in turns, their rates, ratio and p99")
    parser.add_argument("--rounds", type=int, default=3, help="--compare-form: json/form pairs (medians printed)")
    parser.add_argument("--signups", type=int, default=800, help="--compare-form: sign-ups per run")
    parser.add_argument("--form-clients", type=int, default=32, help="--compare-form: concurrent customers")
    args = parser.parse_args()
    if args.compare_form:
        compare_form(args.pg_url, args.form_clients, args.signups, args.rounds)
        return
    modes = args.modes.split(",")
    client_counts = [int(n) for n in args.clients.split(",")]
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            bench("SQLite", f"sqlite:///{tmp}/bench.db", modes, client_counts, args.threads, args.repeat)
    bench("PostgreSQL", args.pg_url, modes, client_counts, args.threads, args.repeat)


if __name__ == "__main__":
    main()
