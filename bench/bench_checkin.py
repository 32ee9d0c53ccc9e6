"""Check-in throughput at the door: gunicorn (2 workers) on SQLite and PostgreSQL.

For 4 and 16 concurrent scanners (bench/loadgen.py, each with a staff bearer token) it scans
every ticket of a fresh event once ("first": 201 checked_in), then
all of them again ("repeat": 200 already_checked_in), and prints check-ins/s, p50/p99
latency, the result counts and errors. It then times the 500-row sign-in sheet (GET
/events/{id}/signin-sheet.pdf through the server, and the render alone in-process).

    .venv/bin/python bench/bench_checkin.py [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_checkin]
                                            [--tickets 1000] [--threads 1] [--skip-sqlite] [--skip-pg]

Not a test: it prints figures. RATELIMIT_ENABLED=0 for the server (load tests only).
For scale: pretix's check-in API does ~58/s with p99 0.46 s at 16 clients (NOTES.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.database import fresh_database  # noqa: E402
from tests.server import gunicorn  # noqa: E402

SHEET_ROWS = 500
OUTLET = "BCH1"


def _app(database_url: str):
    from app import create_app

    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})


def seed(database_url: str, events: list[tuple[str, int]]) -> tuple[str, dict[str, tuple[int, list[str]]]]:
    """An outlet, a staff token and one published event per (title, tickets); returns tokens per title."""
    from app.auth import services as auth_services
    from app.catalogue.builtin import builtin_templates
    from app.events import services
    from app.events.registration import RegistrationInput, register
    from app.extensions import db
    from app.models import utcnow
    from app.org.models import Outlet
    from app.security import run_as_system

    app = _app(database_url)
    created: dict[str, tuple[int, list[str]]] = {}
    with app.app_context():
        run_as_system()
        db.session.add(Outlet(code=OUTLET, name="压测网点（测试）"))
        db.session.flush()
        user = auth_services.create_user("bench.staff", "staff", "bench-password-1", outlet_code=OUTLET)
        secret, _token = auth_services.issue_token(user, label="bench")
        db.session.commit()
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡"
        given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国"
        for title, count in events:
            start = utcnow() + timedelta(hours=1)
            event = services.create_event(services.EventInput(
                template_key=sorted(builtin_templates())[0], outlet_code=OUTLET, starts_at=start,
                ends_at=start + timedelta(hours=3), capacity=count * 3, waitlist=False, max_party_size=3,
                title=title, questions=[]))
            services.publish(event)
            tokens = []
            for i in range(count):
                name = surnames[i % len(surnames)] + given[(i * 7) % len(given)] + given[(i * 3) % len(given)]
                registration, _ = register(event, RegistrationInput(
                    name=name, phone=f"139{len(created):02d}{i:06d}", consent=True, party_size=1 + i % 3))
                tokens.append(registration.ticket_token)
            db.session.commit()
            created[title] = (event.id, tokens)
        db.engine.dispose()
    return secret, created


def drive(base: str, secret: str, event_id: int, tokens: list[str], clients: int) -> loadgen.Result:
    """Scan every ticket once, spread over `clients` concurrent scanners."""
    auth = {"Authorization": f"Bearer {secret}"}

    async def scan(i: int) -> tuple[int, str]:
        response = await loadgen.Client(base).request("POST", "/api/v1/checkins", headers=auth, json_body={
            "ticket": f"{base}/t/{tokens[i]}", "device": f"bench {i % clients}", "event_id": event_id})
        body = response.json()
        return response.status, f"{response.status} {body.get('result') or body.get('error', {}).get('code')}"

    return loadgen.run(len(tokens), clients, scan)


def sheet_times(base: str, secret: str, database_url: str, event_id: int) -> tuple[list[float], list[float]]:
    """Seconds for the sign-in sheet through the server (3 GETs) and for the render alone in-process."""
    over_http = []
    for _ in range(3):
        started = time.perf_counter()
        response = requests.get(f"{base}/events/{event_id}/signin-sheet.pdf", timeout=120,
                                headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), response.status_code
        over_http.append(time.perf_counter() - started)
    from app.checkin.exports import signin_rows
    from app.events.models import Event
    from app.extensions import db
    from app.models import utcnow
    from app.pdf import render_template_pdf

    app = _app(database_url)
    in_process = []
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        rows = signin_rows(event)
        assert len(rows) == SHEET_ROWS
        for _ in range(3):
            started = time.perf_counter()
            render_template_pdf("checkin/signin_sheet.html", event=event, rows=rows,
                                people=sum(r.party_size for r in rows), printed_at=utcnow())
            in_process.append(time.perf_counter() - started)
        db.session.remove()
        db.engine.dispose()
    return over_http, in_process


def bench(name: str, database_url: str, tickets: int, threads: int) -> None:
    fresh_database(database_url)
    runs = [(f"压测签到 {clients} 台", clients) for clients in (4, 16)]
    secret, events = seed(database_url, [(title, tickets) for title, _c in runs] + [("压测签到表", SHEET_ROWS)])
    print(f"\n== {name}: gunicorn 2 workers × {threads} thread(s), {tickets} tickets per run ==")
    with gunicorn(database_url, workers=2, threads=threads) as base:
        requests.post(f"{base}/api/v1/checkins", json={"ticket": "warm-up"}, timeout=30,
                      headers={"Authorization": f"Bearer {secret}"})
        for title, clients in runs:
            event_id, tokens = events[title]
            for phase in ("first", "repeat"):
                r = drive(base, secret, event_id, tokens, clients)
                print(f"{clients:2d} scanners {phase:6}: {r.rate:7.1f} check-ins/s  p50 {r.p50_ms:6.1f} ms  "
                      f"p99 {r.p99_ms:6.1f} ms  results {dict(r.outcomes)}  errors {r.errors}")
        print(f"ceiling: GET /healthz {loadgen.healthz_ceiling(base, clients=16).rate:.0f} requests/s with 16 clients")
        over_http, in_process = sheet_times(base, secret, database_url, events["压测签到表"][0])
    print(f"sign-in sheet, {SHEET_ROWS} rows: GET {min(over_http):.2f} s best / {statistics.median(over_http):.2f} s "
          f"median; render alone {min(in_process):.2f} s best / {statistics.median(in_process):.2f} s median")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_checkin")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            bench("SQLite", f"sqlite:///{tmp}/bench.db", args.tickets, args.threads)
    if not args.skip_pg:
        bench("PostgreSQL", args.pg_url, args.tickets, args.threads)


if __name__ == "__main__":
    main()
