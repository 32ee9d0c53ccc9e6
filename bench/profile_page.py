"""The public registration page's cost in-process: CPU per GET, per form POST, and where it goes.

Runs Flask's test client (no HTTP server) against a database with the demo data, so the figures are
the application's own: CPU milliseconds per `GET /e/<slug>` (each GET a new visitor: no cookie, a
session and CSRF token of its own), per form sign-up (GET, then POST with the page's token: the
registration itself included) and a cProfile summary of the GETs.

    .venv/bin/python bench/profile_page.py [DATABASE_URL] [--count 500] [--no-prepare] [--profile]

Default database: postgresql+psycopg://postgres@127.0.0.1:5432/bench_registration (dropped and
rebuilt with seed-demo unless --no-prepare). Not a test: it prints figures. PROFILE_SORT=tottime
sorts the summary by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_registration import new_event  # noqa: E402
from bench.database import fresh_database  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def cpu_per_call(call, count: int, rounds: int = 5) -> float:
    """Median over `rounds` of the CPU milliseconds per call (this machine's speed drifts)."""
    figures = []
    for r in range(rounds):
        cpu = time.process_time()
        for i in range(count):
            call(r * count + i)
        figures.append((time.process_time() - cpu) / count * 1000)
    return statistics.median(figures)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url", nargs="?",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_registration")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--no-prepare", action="store_true", help="reuse the database as it is")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of the GETs")
    parser.add_argument("--profile-post", action="store_true", help="print a cProfile summary of form sign-ups")
    args = parser.parse_args()
    os.environ.update(RATELIMIT_ENABLED="0")
    if not args.no_prepare:
        fresh_database(args.database_url, ["seed-demo"])
    slug = new_event(args.database_url, "剖析报名页（合成数据）", waitlist=True, capacity=100_000)

    from app import create_app
    from app.extensions import db

    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})

    def page(_i: int) -> str:
        response = app.test_client().get(f"/e/{slug}")  # a new visitor each time: no cookie
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    environ = EnvironBuilder(path=f"/e/{slug}", headers={"User-Agent": "bench"}).get_environ()

    def wsgi_page(_i: int) -> None:
        """The GET as a WSGI server would call it: no test client around it."""
        body = b"".join(app(dict(environ, **{"wsgi.input": io.BytesIO()}), lambda *_a: None))
        assert b"csrf_token" in body

    def sign_up(i: int) -> None:
        person = app.test_client()
        token = TOKEN.search(person.get(f"/e/{slug}").get_data(as_text=True))
        assert token, "no CSRF token on the page"
        response = person.post(f"/e/{slug}", data={
            "csrf_token": token.group(1), "name": f"剖析{i}", "phone": f"139{i:08d}", "party_size": "1",
            "consent": "y"})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]

    def json_sign_up(i: int) -> None:
        response = app.test_client().post(f"/api/v1/public/events/{slug}/registrations", json={
            "name": f"剖析{i}", "phone": f"138{i:08d}", "party_size": 1, "consent": True})
        assert response.status_code == 201, response.get_data(as_text=True)[:500]

    for i in range(50):  # warm-up: templates compiled, statements prepared, caches filled
        page(i)
        sign_up(90_000_000 + i)
        json_sign_up(90_000_000 + i)
    get_ms = cpu_per_call(page, args.count)
    wsgi_ms = cpu_per_call(wsgi_page, args.count)
    signup_ms = cpu_per_call(lambda i: sign_up(10_000_000 + i), args.count // 2)
    json_ms = cpu_per_call(lambda i: json_sign_up(10_000_000 + i), args.count // 2)
    print(f"GET /e/<slug>: {get_ms:.2f} ms CPU per page (new visitor each, median of 5 × {args.count})")
    print(f"form sign-up (GET + POST, the registration included): {signup_ms:.2f} ms CPU; "
          f"the POST alone ≈ {signup_ms - get_ms:.2f} ms")
    print(f"JSON sign-up (POST /api/v1/public/events/<slug>/registrations): {json_ms:.2f} ms CPU")
    print(f"GET /e/<slug> called as WSGI (no test client): {wsgi_ms:.2f} ms CPU per page")
    if args.profile or args.profile_post:
        profile = cProfile.Profile()
        profile.enable()
        for i in range(args.count):
            page(i) if args.profile else sign_up(20_000_000 + i)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            os.environ.get("PROFILE_FILTER", "."), 40)
        print(out.getvalue())
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
