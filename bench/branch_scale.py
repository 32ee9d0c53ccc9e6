"""Three years of a branch's data (issue 18 items 3–4): the pages people use, timed at 1/10 and at full size.

    .venv/bin/python bench/branch_scale.py [--sizes tenth,full] [--reuse] [--requests 40] [--clients 4]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale] [--seed seed-scale|seed-demo]
        [--app-root CHECKOUT]   # serve another checkout's code on the same data, e.g. main before a change

For each size (tenth: `flask seed-scale --outlets 5`, full: `--outlets 50`) a PostgreSQL database of its
own (`<pg-url>_<outlets>`, e.g. bench_scale_5 and bench_scale_50) is made fresh (`flask db upgrade`, the
seed, VACUUM ANALYZE); `--reuse` keeps one that is already seeded (seeding the full size takes minutes), after
applying any new migration. Then gunicorn (tests/server.py: 2 sync workers, RATELIMIT_ENABLED=0) serves
it, and `--clients` concurrent users (bench/loadgen.py, API tokens: the app takes a bearer token on pages
and files too) ask each answer `--requests` times after a warm-up, printing p50/p95:

- the dashboard (this month and this year) of the outlet's manager, of the branch over its outlets and of an
  admin over every outlet;
- the event lists of an outlet (upcoming, past, the API's); 今日待办 (/today) of the staff member whose
  open follow-ups are nearest 200; customer search by name and by last four digits (page and API);
- one event's stats (API) and its report PDF; `finish` of the event with 2,000 attendees (once: it is put
  back to published with its follow-ups deleted first, so a reused database works);
- the registrations XLSX of the 5,000-person event and the dashboard XLSX, with the server workers' peak
  resident memory (VmHWM, reset through /proc/<pid>/clear_refs before each) and its rise over the level before.

The outlet, logins and events are seed-scale's planted fixtures (its --fixtures file, kept in instance/);
without one (seed-demo, --database) they are found by SQL, the nearest to 200 open items, 2,000 attendees
and 5,000 registrations.

Targets (issue 18): every page and API answer p95 < 300 ms, report PDF < 3 s, finish < 5 s, exports
memory < 200 MB (the rise: a worker starts at ~197 MB); with both sizes, the growth ratio full / tenth
of each answer (target ≤ 2×).

Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.database import fresh_database  # noqa: E402
from tests.server import gunicorn  # noqa: E402

SIZES = {"tenth": 5, "full": 50}
PAGE_TARGET_MS, PDF_TARGET_MS, FINISH_TARGET_MS, EXPORT_MB = 300, 3000, 5000, 200
NO_TIME_TARGET = float("inf")  # exports: the target is their memory (the rise of a worker's RSS), not a time


@dataclass
class Targets:
    """What the benchmark asks for, found in the seeded data by SQL."""

    outlet_code: str
    tokens: dict[str, str]  # role → bearer token
    stats_event: int
    finish_event: int
    finish_attendees: int
    xlsx_event: int
    xlsx_rows: int
    staff_open: int
    name_query: str
    last4: str
    customers: int
    events: int
    registrations: int
    followups: int


@dataclass
class Timing:
    name: str
    p50: float
    p95: float
    count: int
    statuses: str
    target: float
    memory_mb: float | None = None  # the workers' highest peak RSS during the requests
    growth_mb: float | None = None  # the largest rise of a worker's RSS over its level before: the export's own


def seeded(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(sa.text("SELECT count(*) FROM events")).scalar())
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def fixtures_path(url: str) -> Path:
    return ROOT / "instance" / f"{sa.engine.make_url(url).database}.fixtures.json"


def prepare(url: str, outlets: int, seed: str, reuse: bool) -> None:
    started = time.monotonic()
    if reuse and seeded(url):
        subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, check=True,
                       env={**os.environ, "DATABASE_URL": url}, capture_output=True)
        print(f"reusing {url.rsplit('/', 1)[-1]} (migrated to head)")
    else:
        command = ([seed, "--outlets", str(outlets), "--fixtures", str(fixtures_path(url))]
                   if seed == "seed-scale" else [seed])
        fresh_database(url, command)
        print(f"seeded {url.rsplit('/', 1)[-1]} with `flask {' '.join(command)}` in {time.monotonic() - started:.0f} s")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        # This server runs with autovacuum off; a server in use has its tables vacuumed (visibility map:
        # index-only scans) and analysed (plans) by autovacuum.
        conn.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()


def _one(conn, sql: str, **params):
    return conn.execute(sa.text(sql), params).first()


def find_targets(url: str) -> Targets:
    """Pick the outlet, users and events to time; reset the event to finish; issue API tokens.

    seed-scale's planted fixtures (its --fixtures file) name them; without one (seed-demo, a given
    database) they are found by SQL: the nearest to 200 open follow-ups, 2,000 attendees, 5,000 rows.
    """
    path = fixtures_path(url)
    fixtures = json.loads(path.read_text()) if path.exists() else None
    from app import create_app
    from app.auth import services as auth
    from app.auth.models import User
    from app.extensions import db
    from app.security import run_as_system

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        run_as_system()
        conn = db.session.connection()
        staff_id, staff_open = _one(conn, """
            SELECT f.assignee_id, count(*) FROM followups f JOIN users u ON u.id = f.assignee_id
            WHERE f.status = 'open' AND u.role IN ('staff', 'manager') AND u.active
              AND (CAST(:fixed AS varchar) IS NULL OR u.username = :fixed)
            GROUP BY f.assignee_id ORDER BY abs(count(*) - 200), f.assignee_id LIMIT 1""",
                                    fixed=fixtures["logins"]["staff"] if fixtures else None) or (None, 0)
        outlet_id, outlet_code = _one(conn, """
            SELECT o.id, o.code FROM outlets o LEFT JOIN users u ON u.id = :staff
            ORDER BY (o.id = u.outlet_id) DESC, (SELECT count(*) FROM events e WHERE e.outlet_id = o.id) DESC
            LIMIT 1""", staff=staff_id)
        finish_event, attendees = _one(conn, """
            SELECT e.id, count(r.id) FROM events e JOIN registrations r ON r.event_id = e.id AND r.status = 'confirmed'
              AND r.checked_in_at IS NOT NULL
            WHERE e.status IN ('published', 'finished') AND e.starts_at < now()
            AND (CAST(:fixed AS integer) IS NULL OR e.id = :fixed)
            GROUP BY e.id ORDER BY abs(count(r.id) - 2000), e.id LIMIT 1""",
                                      fixed=fixtures["finish_event"]["id"] if fixtures else None)
        conn.execute(sa.text("DELETE FROM followups WHERE event_id = :e"), {"e": finish_event})
        conn.execute(sa.text("UPDATE events SET status = 'published', finished_at = NULL WHERE id = :e"),
                     {"e": finish_event})
        xlsx_event, xlsx_rows = _one(conn, """
            SELECT event_id, count(*) FROM registrations WHERE CAST(:fixed AS integer) IS NULL OR event_id = :fixed
            GROUP BY event_id ORDER BY abs(count(*) - 5000), event_id LIMIT 1""",
                                   fixed=fixtures["xlsx_event"]["id"] if fixtures else None)
        stats_event = _one(conn, """
            SELECT e.id FROM events e WHERE e.outlet_id = :o AND e.status = 'finished' AND e.id <> :f
            ORDER BY (SELECT count(*) FROM followups f WHERE f.event_id = e.id) DESC, e.id LIMIT 1""",
                           o=outlet_id, f=finish_event)[0]
        name, last4 = _one(conn, "SELECT name, phone_last4 FROM customers WHERE outlet_id = :o ORDER BY id "
                           "OFFSET (SELECT count(*) / 2 FROM customers WHERE outlet_id = :o) LIMIT 1", o=outlet_id)
        sizes = [conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() or 0
                 for t in ("customers", "events", "registrations", "followups")]
        users = {"manager": db.session.scalar(sa.select(User).where(
                     User.role == "manager", User.outlet_id == outlet_id, User.active).order_by(User.id)),
                 "admin": db.session.scalar(sa.select(User).where(User.role == "admin", User.active)
                                            .order_by(User.id)),
                 "staff": db.session.get(User, staff_id) if staff_id else None,
                 "branch": db.session.scalar(sa.select(User).where(User.role == "branch", User.active)
                                             .order_by(User.id))}
        if users["admin"] is None:
            users["admin"] = auth.create_user("bench_admin", "admin", "bench-password-1")
        tokens = {role: auth.issue_token(user, label="bench", days=1)[0] for role, user in users.items() if user}
        db.session.commit()
        db.engine.dispose()
    return Targets(outlet_code=outlet_code, tokens=tokens, stats_event=stats_event, finish_event=finish_event,
                   finish_attendees=attendees, xlsx_event=xlsx_event, xlsx_rows=xlsx_rows, staff_open=staff_open,
                   name_query=fixtures["customer_search"]["name"] if fixtures else name[:1],
                   last4=fixtures["customer_search"]["last4"] if fixtures else last4,
                   customers=sizes[0], events=sizes[1], registrations=sizes[2],
                   followups=sizes[3])


def workers(port: int) -> list[int]:
    """The gunicorn worker processes serving this port (the master's children)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"127.0.0.1:{port}".encode() in (entry / "cmdline").read_bytes():
                    status = (entry / "status").read_text()
                    found[int(entry.name)] = int(status.split("PPid:")[1].split()[0])
            except OSError:
                continue
    return [pid for pid, parent in found.items() if parent in found]


def _kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peaks(pids: list[int]) -> dict[int, int]:
    """Reset each worker's VmHWM to its current RSS; returns those RSS figures (kB)."""
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    return {pid: _kb(pid, "VmRSS") for pid in pids}


def peaks_mb(before: dict[int, int]) -> tuple[float, float]:
    """The highest peak RSS of a worker since the reset, and the largest growth over a worker's RSS before."""
    peaks = {pid: _kb(pid, "VmHWM") for pid in before}
    return max(peaks.values()) / 1024, max(peaks[pid] - before[pid] for pid in before) / 1024


def timed(base: str, token: str, method: str, path: str, total: int, clients: int) -> tuple[list[float], list[int]]:
    """`total` requests by `clients` concurrent users; latencies in ms and the statuses."""
    latencies: list[float] = []
    statuses: list[int] = []

    async def main() -> None:
        queue = iter(range(total))

        async def user() -> None:
            client = loadgen.Client(base)
            for _ in queue:
                started = time.perf_counter()
                response = await client.request(method, path, headers={"Authorization": f"Bearer {token}"})
                latencies.append((time.perf_counter() - started) * 1000)
                statuses.append(response.status)

        await asyncio.gather(*(user() for _ in range(clients)))

    asyncio.run(main())
    return latencies, statuses


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(base: str, pids: list[int], name: str, token: str, path: str, total: int, clients: int,
            target: float, method: str = "GET", memory: bool = False, warm: int = 2) -> Timing:
    if warm:
        timed(base, token, method, path, warm, min(warm, clients))
    before = reset_peaks(pids) if memory else {}
    latencies, statuses = timed(base, token, method, path, total, clients)
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    timing = Timing(name, percentile(latencies, 0.5), percentile(latencies, 0.95), total,
                    " ".join(f"{s}×{n}" for s, n in counts.items()), target)
    if memory:
        timing.memory_mb, timing.growth_mb = peaks_mb(before)
    flag = "ok" if timing.p95 < target and (timing.growth_mb or 0) < EXPORT_MB else "OVER TARGET"
    memory_text = (f"  peak RSS {timing.memory_mb:5.0f} MB (+{timing.growth_mb:.0f})"
                   if timing.memory_mb is not None else "")
    print(f"  {name:44} p50 {timing.p50:8.1f} ms  p95 {timing.p95:8.1f} ms{memory_text}  [{timing.statuses}]  {flag}",
          flush=True)
    return timing


def server_from(app_root: str | None):
    """tests/server.py's gunicorn, serving this checkout or another one (`--app-root`, e.g. main before a change)."""
    if not app_root:
        return gunicorn
    spec = importlib.util.spec_from_file_location("other_server", Path(app_root) / "tests" / "server.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.gunicorn


def run_size(url: str, t: Targets, total: int, clients: int, app_root: str | None = None) -> list[Timing]:
    tok = t.tokens
    pages = [
        ("dashboard, manager (month + year)", "manager", "/dashboard"),
        ("dashboard, branch over its outlets", "branch", "/dashboard"),
        ("dashboard, admin over all outlets", "admin", "/dashboard"),
        ("event list of the outlet (upcoming)", "manager", "/events"),
        ("event list of the outlet (past)", "manager", "/events?when=past"),
        ("API event list of the outlet", "manager", f"/api/v1/events?outlet_code={t.outlet_code}"),
        (f"今日待办 /today (staff, {t.staff_open} open)", "staff", "/today"),
        ("follow-up list, mine", "staff", "/followups"),
        ("customer search by name (page)", "manager", f"/customers?q={_quote(t.name_query)}"),
        ("customer search by last four (page)", "manager", f"/customers?q={t.last4}"),
        ("API customer search by name", "manager", f"/api/v1/customers?q={_quote(t.name_query)}"),
        ("API customer search by last four", "manager", f"/api/v1/customers?q={t.last4}"),
        ("API event stats", "manager", f"/api/v1/events/{t.stats_event}/stats"),
    ]
    results: list[Timing] = []
    with server_from(app_root)(url, workers=2) as base:
        pids = workers(int(base.rsplit(":", 1)[1]))
        start_rss = ", ".join(f"{_kb(pid, 'VmRSS') / 1024:.0f}" for pid in pids)
        print(f"  gunicorn workers {pids}, RSS at start {start_rss} MB", flush=True)
        for name, role, path in pages:
            if role in tok:
                results.append(measure(base, pids, name, tok[role], path, total, clients, PAGE_TARGET_MS))
        results.append(measure(base, pids, "event report PDF", tok["manager"],
                               f"/events/{t.stats_event}/report.pdf", max(8, total // 5), clients, PDF_TARGET_MS))
        results.append(measure(base, pids, f"finish, {t.finish_attendees} attendees (once)", tok["admin"],
                               f"/api/v1/events/{t.finish_event}/finish", 1, 1, FINISH_TARGET_MS, method="POST",
                               warm=0))
        results.append(measure(base, pids, f"registrations XLSX, {t.xlsx_rows} rows", tok["admin"],
                               f"/events/{t.xlsx_event}/registrations.xlsx", max(4, total // 10), clients,
                               NO_TIME_TARGET, memory=True))
        results.append(measure(base, pids, "dashboard XLSX, manager", tok["manager"], "/dashboard.xlsx",
                               max(8, total // 5), clients, NO_TIME_TARGET, memory=True))
        results.append(measure(base, pids, "dashboard XLSX, branch over its outlets", tok.get("branch", tok["admin"]),
                               "/dashboard.xlsx", max(8, total // 5), clients, NO_TIME_TARGET, memory=True))
    return results


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def side_by_side(runs: dict[str, list[Timing]]) -> None:
    small, large = runs["tenth"], runs["full"]
    print("\n== 1/10 and full size side by side (p95, ms; growth = full / tenth, target ≤ 2×) ==")
    print(f"  {'answer':44} {'1/10':>9} {'full':>9} {'growth':>7}")
    for a, b in zip(small, large, strict=True):
        growth = b.p95 / a.p95 if a.p95 else float("nan")
        label = a.name.split(",")[0] if a.name.startswith(("finish", "registrations XLSX", "今日待办")) else a.name
        print(f"  {label:44} {a.p95:9.1f} {b.p95:9.1f} {growth:6.2f}×{'' if growth <= 2 else '  OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="tenth,full", help="tenth (5 outlets), full (50) or both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale")
    parser.add_argument("--seed", default="seed-scale", help="seed-scale, or seed-demo to try the harness")
    parser.add_argument("--reuse", action="store_true", help="keep a database that is already seeded")
    parser.add_argument("--requests", type=int, default=40, help="requests per page or API answer")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database", help="time this database as it is (no seeding), instead of --sizes")
    parser.add_argument("--app-root", help="serve the app from this checkout (e.g. `git archive` of main)")
    args = parser.parse_args()
    runs = {}
    for size in ["given"] if args.database else args.sizes.split(","):
        outlets = SIZES.get(size, 0)
        url = args.database or f"{args.pg_url}_{outlets}"
        print(f"\n== {size}: {outlets or 'as given'} outlets ==", flush=True)
        if not args.database:
            prepare(url, outlets, args.seed, args.reuse)
        targets = find_targets(url)
        print(f"data: {targets.customers:,} customers, {targets.events:,} events, {targets.registrations:,} "
              f"registrations, {targets.followups:,} follow-ups; outlet {targets.outlet_code}; "
              f"{args.clients} users, {args.requests} requests each", flush=True)
        runs[size] = run_size(url, targets, args.requests, args.clients, args.app_root)
    if {"tenth", "full"} <= set(runs):
        side_by_side(runs)


if __name__ == "__main__":
    main()
