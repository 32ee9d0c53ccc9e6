"""Side by side with pretix 2026.8 on the same PostgreSQL: registrations against its order creation, check-ins
against its check-ins, in turns (issue 14 item 7: ours ≥ 12× and ≥ 7×; issue 18 item 2: our p99 < 250 ms for
registrations at 32 clients and < 150 ms for check-ins at 16).

    .venv/bin/python bench/compare_pretix.py            # or: make bench-pretix
        [--rounds 2] [--duration 20] [--reg-clients 32] [--checkin-clients 16]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_compare] [--pretix-venv /work/pretix-venv]
        [--app-root CHECKOUT]       # ours from another checkout, e.g. the commit before a change

What it does (bench/pretix/README.md has the details and the caveats):
1. bench/pretix/setup.sh: pretix in its own virtualenv outside the repository, its pretix.cfg (database
   pretix_bench on the same cluster, Redis db 9), its migrations (once).
2. bench/pretix/setup_pretix.py in pretix's virtualenv: one fresh event per round with a free product and
   a large quota, paid orders to check in, a check-in list, an API token.
3. Ours: a fresh database (`flask db upgrade`, seed-demo, the synthetic history of bench_registration.py,
   ANALYZE), one event per round, an event with registrations to check in, a staff token.
4. Both under gunicorn, 2 sync workers each, no debug; wrk (-t N -c N, bench/pretix/*.lua) drives
   pretix, then ours, for each round: order creation / public registration at --reg-clients, then the
   check-in RPC / our check-in at --checkin-clients. Every request carries its own datum (a new e-mail or
   phone, a ticket not scanned before).
5. After each run the database is matched to the answers: every 201 made exactly one row, no other
   request did (except those still in flight when wrk stopped, which the server may finish), no
   duplicates. Exits 1 when a check fails; the ratios are printed against the targets, not enforced.

Not a test: it prints figures. RATELIMIT_ENABLED=0 for our server (load tests only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench" / "pretix"
TARGETS = {"registration": 12.0, "checkin": 7.0}
# Issue 18 item 2: our p99 at the default concurrency (32 registrants, 16 scanners), in seconds.
P99_TARGETS = {"registration": 0.250, "checkin": 0.150}
WARM_TICKETS = 200  # per side, scanned during the warm-up only
OUR_CAPACITY = 100_000  # our largest; pretix's quota is 10,000,000: neither fills up


@dataclass
class Run:
    """One wrk run against one server, and what the database says about it afterwards."""

    side: str
    kind: str
    round: int
    clients: int
    wrk: dict
    cpu: dict = field(default_factory=dict)
    check: str = ""
    ok: bool = True

    @property
    def seconds(self) -> float:
        return self.wrk["duration_us"] / 1e6

    @property
    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for thread in self.wrk["threads"]:
            for status in thread["bad"].values():
                counts[status] = counts.get(status, 0) + 1
        return counts

    @property
    def created(self) -> int:
        """Answers 201 (what every endpoint here answers when it did its job)."""
        return self.wrk["requests"] - sum(self.statuses.values())

    @property
    def rate(self) -> float:
        return self.created / self.seconds

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status <= 299)

    @property
    def wrapped(self) -> int:
        return sum(thread.get("wrapped", 0) for thread in self.wrk["threads"])

    def cpu_per_201(self) -> float:
        """Milliseconds of CPU (server and database) per 201."""
        return 1000 * (self.cpu["app"] + self.cpu["db"]) / self.created if self.created else float("inf")

    def line(self) -> str:
        w = self.wrk

        def per(part: str) -> float:
            return 1000 * self.cpu[part] / max(self.created, 1)

        other = {s: n for s, n in sorted(self.statuses.items())}
        socket = w["connect"] + w["read"] + w["write"]
        return (f"round {self.round}  {self.kind:12} {self.side:6} c{self.clients:<3} {self.rate:8.1f}/s  "
                f"p50 {w['p50_us'] / 1000:7.1f} ms  p99 {w['p99_us'] / 1000:7.1f} ms  201: {self.created:6d}  "
                f"non-2xx {self.non_2xx}  other answers {other or '-'}  timeouts {w['timeout']}  "
                f"socket errors {socket}\n{'':8}CPU per 201: {self.cpu_per_201():.1f} ms (app {per('app'):.1f} "
                f"+ database {per('db'):.1f}); wrk {self.cpu['client']:.1f} s in all")


@dataclass
class Expected:
    """Which data a run's requests carried: answered 201, answered otherwise, or unanswered."""

    must: set = field(default_factory=set)
    may: set = field(default_factory=set)
    sent: int = 0


def expected(result: dict, share_sizes: dict[int, int] | None = None) -> Expected:
    """Keys (thread, n) of a wrk run: n-th datum of a thread; for ticket lists, the datum scanned."""
    out = Expected()
    for thread in result["threads"]:
        tid = thread["tid"]
        unanswered = set(thread["unanswered"])
        bad = {int(n) for n in thread["bad"]}
        for n in range(1, thread["sent"] + 1):
            key_n = n if share_sizes is None else (n - 1) % share_sizes[tid] + 1
            if n in unanswered:
                out.may.add((tid, key_n))
            elif n not in bad:
                out.must.add((tid, key_n))
        out.sent += thread["sent"]
    return out


def verdict(found: list, exp: Expected, what: str) -> tuple[bool, str]:
    """Every 201 made its row, nothing else did (bar requests in flight at the stop), no duplicates."""
    keys = set(found)
    duplicates = len(found) - len(keys)
    missing = exp.must - keys
    extra = keys - exp.must - exp.may
    finished = len(keys & exp.may)
    good = not (duplicates or missing or extra)
    text = (f"{what}: {len(found)} in the database = {len(exp.must)} answered 201 + {finished} of "
            f"{len(exp.may)} unanswered (in flight at the stop)")
    if not good:
        text += f"; FAILED: {duplicates} duplicates, {len(missing)} 201s without a row, {len(extra)} rows without a 201"
    return good, text


# --- wrk ---------------------------------------------------------------------------------------------

def wrk(url: str, script: str, args: list[str], clients: int, seconds: int) -> dict:
    command = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds}s", "--timeout", "60s",
               "-s", str(HERE / script), url, "--", *[str(a) for a in args]]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=HERE).stdout
    line = next((line for line in out.splitlines() if line.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    return json.loads(line.removeprefix("WRKJSON "))


def settle(run_result: dict) -> None:
    """Let the requests in flight at wrk's stop finish before the database is read (and the next run starts)."""
    time.sleep(min(30.0, max(2.0, 2 * run_result["max_us"] / 1e6)))


def shares(path: Path, threads: int) -> tuple[dict[int, int], dict[str, tuple[int, int]]]:
    """How checkin.lua splits a ticket file: per thread its share's size, per ticket its (thread, n)."""
    tickets = path.read_text().split()
    sizes = {t: len(tickets[t - 1::threads]) for t in range(1, threads + 1)}
    keys = {ticket: (j % threads + 1, j // threads + 1) for j, ticket in enumerate(tickets)}
    return sizes, keys


# --- CPU: on a shared 2-core machine the rate moves with the neighbours' load, CPU per request less ---

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int | str) -> tuple[int, float] | None:
    """(process group, CPU seconds so far) of a process, from /proc; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def group_cpu(pgid: int) -> float:
    """CPU seconds of a gunicorn: its master and workers (one process group)."""
    found = (process_cpu(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit())
    return sum(cpu for group, cpu in filter(None, found) if group == pgid)


def backends_cpu(admin_url: str, database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to `database` (same host: /proc)."""
    engine = sa.create_engine(admin_url)
    with engine.connect() as conn:
        pids = conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND "
                                    "backend_type = 'client backend'"), {"d": database}).scalars().all()
    engine.dispose()
    return {pid: cpu for pid in pids if (cpu := (process_cpu(pid) or (0, 0.0))[1])}


@dataclass
class CpuMeter:
    """CPU used by one side during a run: its gunicorn, its database backends and the wrk that drove it."""

    pgid: int
    admin_url: str
    database: str

    def start(self) -> None:
        self._app, self._db = group_cpu(self.pgid), backends_cpu(self.admin_url, self.database)
        self._client = _children_cpu()

    def stop(self) -> dict[str, float]:
        db_now = backends_cpu(self.admin_url, self.database)
        # a backend born during the run counts whole; one that ended during it is lost (both sides keep theirs)
        db = sum(cpu - self._db.get(pid, 0.0) for pid, cpu in db_now.items())
        return {"app": group_cpu(self.pgid) - self._app, "db": db, "client": _children_cpu() - self._client}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- servers -----------------------------------------------------------------------------------------

@contextmanager
def server(name: str, command: list[str], env: dict, cwd: Path, health: str, log: Path):
    """Run a gunicorn until the block ends; yields its base URL and process group once `health` answers 200."""
    port = free_port()
    command = [*command, "--bind", f"127.0.0.1:{port}"]
    with log.open("w") as log_file:
        process = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True, stdout=log_file,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # pretix's workers take long to start on a busy 2-core machine
        while True:
            try:
                if requests.get(base + health, timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start; see {log}")
            time.sleep(0.5)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def gunicorn_args(workers: int) -> list[str]:
    return ["--workers", str(workers), "--log-level", "warning", "--timeout", "60"]


# --- pretix's side -----------------------------------------------------------------------------------

def pretix_env(venv: Path) -> dict:
    return {**os.environ, "PRETIX_CONFIG_FILE": str(venv / "pretix.cfg")}


def prepare_pretix(venv: Path, rounds: int, tickets: int, work: Path) -> dict:
    subprocess.run(["bash", str(HERE / "setup.sh"), str(venv)], check=True)
    total = rounds * tickets + WARM_TICKETS
    subprocess.run([str(venv / "bin/python"), str(HERE / "setup_pretix.py"), "--rounds", str(rounds + 1),
                    "--orders", str(total), "--out", str(work)], check=True, env=pretix_env(venv), cwd=work)
    info = json.loads((work / "pretix.json").read_text())
    split_tickets(work / "pretix_secrets.txt", rounds, tickets, work / "pretix")
    return info


def split_tickets(path: Path, rounds: int, per_round: int, prefix: Path) -> None:
    """The warm-up's tickets and each round's: never the same ticket in two runs."""
    tickets = path.read_text().split()
    Path(f"{prefix}_warm.txt").write_text("\n".join(tickets[:WARM_TICKETS]) + "\n")
    for r in range(1, rounds + 1):
        chunk = tickets[WARM_TICKETS + (r - 1) * per_round:WARM_TICKETS + r * per_round]
        Path(f"{prefix}_round{r}.txt").write_text("\n".join(chunk) + "\n")


def pretix_orders(url: str, slug: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT o.email, count(p.id) FROM pretixbase_order o JOIN pretixbase_event e ON e.id = o.event_id "
            "LEFT JOIN pretixbase_orderposition p ON p.order_id = o.id WHERE e.slug = :slug GROUP BY o.id"),
            {"slug": slug}).all()
    engine.dispose()
    keys = []
    for email, positions in rows:  # r<round>t<thread>n<n>@bench.example
        tid, n = email.split("@")[0].split("t", 1)[1].split("n")
        keys.append((int(tid), int(n)) if positions == 1 else ("positions", email, positions))
    return keys


def pretix_checkins(url: str, list_id: int, keys: dict[str, tuple[int, int]]) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        secrets = conn.execute(sa.text(
            "SELECT p.secret FROM pretixbase_checkin c JOIN pretixbase_orderposition p ON p.id = c.position_id "
            "WHERE c.list_id = :list AND c.successful AND c.type = 'entry'"), {"list": list_id}).scalars().all()
    engine.dispose()
    return [keys[s] for s in secrets if s in keys]


# --- our side ----------------------------------------------------------------------------------------

def prepare_ours(database_url: str, rounds: int, tickets: int, work: Path) -> dict:
    # imported here: main() first puts the checkout being measured (--app-root) on sys.path
    from bench.bench_registration import new_event, prepare

    prepare(database_url)  # fresh, migrated, seed-demo, a synthetic history, ANALYZE (bench_registration.py)
    events = [new_event(database_url, f"压测 对比 第{r}轮", waitlist=False, capacity=OUR_CAPACITY, max_party_size=1)
              for r in range(1, rounds + 2)]  # the last one for the warm-up
    secret, event_id = checkin_event(database_url, rounds * tickets + WARM_TICKETS)
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        ids = dict(conn.execute(sa.text("SELECT slug, id FROM events WHERE slug IN :slugs").bindparams(
            sa.bindparam("slugs", expanding=True)), {"slugs": events}).all())
        tokens = conn.execute(sa.text("SELECT ticket_token FROM registrations WHERE event_id = :e ORDER BY id"),
                              {"e": event_id}).scalars().all()
    engine.dispose()
    (work / "ours_tokens.txt").write_text("\n".join(tokens) + "\n")
    split_tickets(work / "ours_tokens.txt", rounds, tickets, work / "ours")
    return {"rounds": [{"slug": s, "id": ids[s]} for s in events], "checkin_event": event_id, "token": secret}


def checkin_event(database_url: str, count: int) -> tuple[str, int]:
    """A staff login with an API token, and a published event of OH01 with `count` confirmed registrations.

    The event is made as bench_registration.py makes its events (three days ahead: the scans say
    `confirm_outside_day`), so this needs nothing of the app beyond what that script does and the
    login services. The registrations (and their customers) are inserted in bulk, as add_history()
    does: one by one through the services would take minutes. Tokens have the real shape (22 characters).
    """
    from app import create_app
    from app.auth import services as auth_services
    from app.extensions import db
    from app.security import run_as_system
    from bench.bench_registration import new_event

    slug = new_event(database_url, "压测 对比 签到", waitlist=False, capacity=min(OUR_CAPACITY, max(count, 1)),
                     max_party_size=1)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        run_as_system()
        user = auth_services.create_user("bench.scanner", "staff", "bench-password-1", outlet_code="OH01")
        secret, _token = auth_services.issue_token(user, label="bench compare")
        db.session.commit()
        db.engine.dispose()
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        event_id, outlet_id = conn.execute(sa.text("SELECT id, outlet_id FROM events WHERE slug = :s"),
                                           {"s": slug}).one()
        conn.execute(sa.text(
            "INSERT INTO customers (outlet_id, name, phone, phone_last4, tier, is_customer, referral_code, "
            "created_at, updated_at) SELECT :outlet, '签到客户' || n, '135' || lpad(n::text, 8, '0'), "
            "lpad((n % 10000)::text, 4, '0'), 'standard', false, 'K' || lpad(n::text, 7, '0'), now(), now() "
            "FROM generate_series(1, :count) AS n"), {"outlet": outlet_id, "count": count})
        conn.execute(sa.text(
            "INSERT INTO registrations (event_id, customer_id, name, phone, phone_last4, party_size, answers, "
            "status, source, was_customer, ticket_token, over_capacity, created_at, confirmed_at) "
            "SELECT :event, id, name, phone, phone_last4, 1, '{}', 'confirmed', 'public', false, "
            "substr(md5('bench-compare-' || phone), 1, 22), false, now(), now() FROM customers "
            "WHERE outlet_id = :outlet AND phone LIKE '135%' ORDER BY id"), {"event": event_id, "outlet": outlet_id})
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    return secret, event_id


def our_registrations(url: str, event_id: int) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT phone, status FROM registrations WHERE event_id = :e"),
                            {"e": event_id}).all()
    engine.dispose()
    # 139<round><thread:2><n:5>; anything not confirmed would be a wrong answer here (the event never fills)
    return [(int(phone[4:6]), int(phone[6:])) if status == "confirmed" else ("status", phone, status)
            for phone, status in rows]


def our_checkins(url: str, event_id: int, keys: dict[str, tuple[int, int]]) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tokens = conn.execute(sa.text(
            "SELECT r.ticket_token FROM checkins c JOIN registrations r ON r.id = c.registration_id "
            "WHERE c.event_id = :e AND c.kind = 'checkin'"), {"e": event_id}).scalars().all()
        marked = conn.execute(sa.text(
            "SELECT count(*) FROM registrations WHERE event_id = :e AND checked_in_at IS NOT NULL"),
            {"e": event_id}).scalar()
    engine.dispose()
    if marked != len(tokens):  # the registration's state and its history must agree
        return [("state", "checked_in_at", marked, "history", len(tokens))]
    return [keys[t] for t in tokens if t in keys]


# --- the comparison ----------------------------------------------------------------------------------

def checkpoint(admin_url) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("CHECKPOINT"))
    engine.dispose()


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="turns per pair (pretix, ours, pretix, ours, ...)")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--reg-clients", type=int, default=32)
    parser.add_argument("--checkin-clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, for both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_compare",
                        help="our database (emptied first)")
    parser.add_argument("--pretix-venv", type=Path, default=Path(os.environ.get("PRETIX_VENV", "/work/pretix-venv")))
    parser.add_argument("--pretix-db", default=os.environ.get("PRETIX_DB", "pretix_bench"))
    parser.add_argument("--pretix-tickets", type=int, default=2500, help="pretix orders to check in, per round")
    parser.add_argument("--our-tickets", type=int, default=30000, help="our registrations to check in, per round")
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="the checkout of ours to measure (e.g. a worktree of the commit before a change); "
                             "its .venv if it has one")
    parser.add_argument("--warmup", type=int, default=8, help="seconds of warm-up per endpoint and server")
    args = parser.parse_args()
    if args.rounds > 9 or max(args.reg_clients, args.checkin_clients) > 99:
        parser.error("at most 9 rounds and 99 clients (the phone numbers' layout)")
    app_root = args.app_root.resolve()
    sys.path.insert(0, str(app_root))  # its app, its bench/bench_registration.py (the data), its migrations
    our_python = next(p for p in (app_root / ".venv/bin/python", ROOT / ".venv/bin/python") if p.exists())
    started = time.monotonic()
    print(f"start: {load()}; ours from {app_root}", flush=True)
    os.environ["PRETIX_DB"] = args.pretix_db
    our_url = args.pg_url
    pretix_url = sa.engine.make_url(our_url).set(database=args.pretix_db).render_as_string(hide_password=False)

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="compare-pretix-")))
        px = prepare_pretix(args.pretix_venv, args.rounds, args.pretix_tickets, work)
        ours = prepare_ours(our_url, args.rounds, args.our_tickets, work)
        print(f"prepared both in {time.monotonic() - started:.0f} s; {load()}", flush=True)

        pretix_base, pretix_pid = stack.enter_context(server(
            "pretix", [str(args.pretix_venv / "bin/gunicorn"), *gunicorn_args(args.workers), "pretix.wsgi:application"],
            pretix_env(args.pretix_venv), work, "/healthcheck/", work / "pretix.log"))
        our_env = {**os.environ, "DATABASE_URL": our_url, "SECRET_KEY": "bench-compare", "RATELIMIT_ENABLED": "0",
                   "APP_ENV": "development"}
        our_env.pop("REDIS_URL", None)
        our_base, our_pid = stack.enter_context(server(
            "ours", [str(our_python), "-m", "gunicorn", *gunicorn_args(args.workers), "wsgi:app"],
            our_env, app_root, "/healthz", work / "ours.log"))

        org = px["organizer"]

        def px_orders(slug: str) -> str:
            return f"{pretix_base}/api/v1/organizers/{org}/events/{slug}/orders/"

        def our_register(slug: str) -> str:
            return f"{our_base}/api/v1/public/events/{slug}/registrations"

        px_redeem = f"{pretix_base}/api/v1/organizers/{org}/checkinrpc/redeem/"
        our_checkin = f"{our_base}/api/v1/checkins"
        warm_px, warm_ours = px["rounds"][-1], ours["rounds"][-1]

        # Warm-up (not measured): each worker loads its code and fills its caches; round digit 9 on spare events.
        warm_clients = 2 * args.workers
        wrk(px_orders(warm_px["event"]), "register.lua", ["pretix", 9, warm_px["item"], px["token"]],
            warm_clients, args.warmup)
        wrk(our_register(warm_ours["slug"]), "register.lua", ["ours", 9], warm_clients, args.warmup)
        wrk(px_redeem, "checkin.lua", ["pretix", work / "pretix_warm.txt", warm_clients, px["checkin"]["list"],
                                       px["token"]], warm_clients, args.warmup)
        wrk(our_checkin, "checkin.lua", ["ours", work / "ours_warm.txt", warm_clients, ours["checkin_event"],
                                         ours["token"]], warm_clients, args.warmup)
        time.sleep(3)
        print(f"warmed up; {load()}\n", flush=True)

        admin_url = sa.engine.make_url(our_url).set(database="postgres")
        meters = {"pretix": CpuMeter(pretix_pid, admin_url, args.pretix_db),
                  "ours": CpuMeter(our_pid, admin_url, sa.engine.make_url(our_url).database)}
        runs: list[Run] = []

        def measure(side: str, kind: str, r: int, c: int, url: str, script: str, wrk_args: list) -> Run:
            """One wrk run with its CPU; returns once the requests in flight at the stop are done.

            A CHECKPOINT first, for both sides alike: what the previous run (or the preparation's bulk
            writes) left dirty is written out before, not during, this run, and the cluster's timed
            checkpoint (checkpoint_timeout) starts counting again, so it does not fall inside a run."""
            checkpoint(admin_url)
            meters[side].start()
            result = wrk(url, script, wrk_args, c, args.duration)
            run = Run(side, kind, r, c, result, cpu=meters[side].stop())
            settle(result)
            return run

        def checked(run: Run, outcome: tuple[bool, str]) -> None:
            run.ok, run.check = outcome
            runs.append(run)
            print(run.line(), flush=True)

        for r in range(1, args.rounds + 1):
            c = args.reg_clients
            px_event, our_event = px["rounds"][r - 1], ours["rounds"][r - 1]
            run = measure("pretix", "registration", r, c, px_orders(px_event["event"]), "register.lua",
                          ["pretix", r, px_event["item"], px["token"]])
            checked(run, verdict(pretix_orders(pretix_url, px_event["event"]), expected(run.wrk), "orders"))
            run = measure("ours", "registration", r, c, our_register(our_event["slug"]), "register.lua", ["ours", r])
            checked(run, verdict(our_registrations(our_url, our_event["id"]), expected(run.wrk), "registrations"))

            c = args.checkin_clients
            sizes, keys = shares(work / f"pretix_round{r}.txt", c)
            run = measure("pretix", "checkin", r, c, px_redeem, "checkin.lua",
                          ["pretix", work / f"pretix_round{r}.txt", c, px["checkin"]["list"], px["token"]])
            checked(run, verdict(pretix_checkins(pretix_url, px["checkin"]["list"], keys), expected(run.wrk, sizes),
                                 "check-ins"))
            sizes, keys = shares(work / f"ours_round{r}.txt", c)
            run = measure("ours", "checkin", r, c, our_checkin, "checkin.lua",
                          ["ours", work / f"ours_round{r}.txt", c, ours["checkin_event"], ours["token"]])
            checked(run, verdict(our_checkins(our_url, ours["checkin_event"], keys), expected(run.wrk, sizes),
                                 "check-ins"))
            print(f"{'':8}{load()}", flush=True)
    return report(runs, started)


def report(runs: list[Run], started: float) -> int:
    slow = [run for run in runs if run.wrk["p99_us"] / 1e6 > run.seconds / 5]
    if slow:  # the first answers come only after a p50: a short run then counts too few of them
        print(f"\nnote: p99 is more than a fifth of the run's length in {len(slow)} run(s) "
              f"({', '.join(f'{r.side} {r.kind} round {r.round}' for r in slow)}): their rates are low by up to "
              f"p50/duration; lengthen --duration on a machine this busy")
    print("\ncorrectness (database against answers):")
    for run in runs:
        flag = "ok " if run.ok else "BAD"
        wrapped = f"; {run.wrapped} repeat scans (tickets ran out: raise --*-tickets)" if run.wrapped else ""
        print(f"  {flag} round {run.round} {run.kind:12} {run.side:6} {run.check}{wrapped}")
    print("\nours / pretix (201s per second, each round's pair measured one after the other; CPU per 201 of the\n"
          "server and its database backends, which the neighbours' load moves less):")
    for kind, label in (("registration", "registrations vs order creation"), ("checkin", "check-ins vs check-ins")):
        pairs: dict[int, dict[str, Run]] = {}
        for run in runs:
            if run.kind == kind:
                pairs.setdefault(run.round, {})[run.side] = run
        rates = [ratio(p["ours"].rate, p["pretix"].rate) for p in pairs.values()]
        cpus = [ratio(p["pretix"].cpu_per_201(), p["ours"].cpu_per_201()) for p in pairs.values()]
        ours_median = statistics.median(p["ours"].rate for p in pairs.values())
        pretix_median = statistics.median(p["pretix"].rate for p in pairs.values())
        overall = ratio(ours_median, pretix_median)
        target = TARGETS[kind]
        if not all(p["pretix"].created for p in pairs.values()):
            print(f"  {label}: pretix answered no 201 in some run: no ratio (lengthen --duration)")
            continue
        print(f"  {label}: rate per round {', '.join(f'{x:.1f}×' for x in rates)}; medians {ours_median:.1f}/s vs "
              f"{pretix_median:.1f}/s = {overall:.1f}× (target ≥ {target:.0f}×: "
              f"{'met' if overall >= target else 'NOT met'})"
              f"; CPU per 201, pretix/ours, per round: {', '.join(f'{x:.1f}×' for x in cpus)}")
        p99s = [p["ours"].wrk["p99_us"] / 1e6 for p in pairs.values()]
        clients = sorted({p["ours"].clients for p in pairs.values()})
        limit = P99_TARGETS[kind]
        print(f"  {label}: our p99 per round {', '.join(f'{x * 1000:.0f} ms' for x in p99s)} at "
              f"{'/'.join(map(str, clients))} clients (target < {limit * 1000:.0f} ms: "
              f"{'met' if max(p99s) < limit else 'NOT met'})")
    print(f"\nend: {load()}; {time.monotonic() - started:.0f} s in all")
    return 0 if all(run.ok for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
