"""SMS throughput: 10,000 queued reminders handed to a local SMS platform by 2 concurrent senders.

A fresh, migrated database gets N synthetic `event_reminder` rows (one bulk insert); a local gateway
(tests/sms_gateway.py: checks every signature, records every id) listens; then S sender processes
(`deliver_pending()`, as `flask jobs run-due` runs it on each host) start at once. Prints messages/s
and checks that every id arrived exactly once and every row is `sent`; exits 1 otherwise.

    .venv/bin/python bench/messages_throughput.py [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_messages]
                                                  [--sqlite] [--messages 10000] [--senders 2] [--delay-ms 0]

`--delay-ms` makes the gateway take that long per message (a slower platform). Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import fresh_database  # noqa: E402
from tests.sms_gateway import sms_gateway  # noqa: E402

SECRET = "bench-gateway-secret"
SYNTHETIC_BLOCK = "1990000"  # a valid, unallocated-looking synthetic block (NOTES.md: 199… is valid)


def _app(database_url: str):
    from app import create_app

    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})


def queue(database_url: str, count: int) -> None:
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import utcnow
    from app.notify.models import Notification, new_external_id
    from app.unit_of_work import transaction

    app = _app(database_url)
    with app.app_context(), transaction():
        now = utcnow()
        rows = [{"kind": "event_reminder", "channel": "sms", "recipient": f"{SYNTHETIC_BLOCK}{i % 10000:04d}",
                 "subject": "", "body": f"【网点活动通】提醒：您报名的活动明天 14:00 开始（合成数据 {i}）",
                 "payload": {"synthetic": True}, "status": "pending", "attempts": 0, "created_at": now,
                 "external_id": new_external_id()} for i in range(count)]
        db.session.execute(sa.insert(Notification), rows)


def sender(database_url: str) -> None:
    """One sender process: deliver everything due, print its counts as JSON."""
    from app.notify.services import deliver_pending
    from app.security import run_as_system

    app = _app(database_url)
    with app.app_context():
        run_as_system()
        started = time.monotonic()
        counts = deliver_pending()
        print(json.dumps({**counts, "seconds": round(time.monotonic() - started, 2)}))


def check(database_url: str, counts) -> list[str]:
    import sqlalchemy as sa

    from app.extensions import db
    from app.notify.models import Notification

    app = _app(database_url)
    with app.app_context():
        rows = dict(db.session.execute(sa.select(Notification.external_id, Notification.status)).all())
    problems = []
    duplicated = [i for i, n in counts.items() if n > 1]
    lost = [i for i in rows if counts.get(i, 0) == 0]
    unknown = [i for i in counts if i not in rows]
    not_sent = [i for i, status in rows.items() if status != "sent"]
    for name, ids in (("duplicated", duplicated), ("lost", lost), ("unknown", unknown), ("not sent", not_sent)):
        if ids:
            problems.append(f"{len(ids)} {name}, e.g. {ids[:3]}")
    return problems


def run(database_url: str, label: str, count: int, senders: int, delay_ms: float) -> bool:
    fresh_database(database_url)
    started = time.monotonic()
    queue(database_url, count)
    print(f"{label}: queued {count} reminders in {time.monotonic() - started:.1f} s")
    with sms_gateway(SECRET) as gateway:
        gateway.delay = delay_ms / 1000
        env = {**os.environ, "SMS_BACKEND": "http", "SMS_GATEWAY_URL": gateway.url, "SMS_GATEWAY_SECRET": SECRET,
               "QUIET_HOURS": "off", "DATABASE_URL": database_url}
        started = time.monotonic()
        processes = [subprocess.Popen([sys.executable, __file__, "--sender", database_url], cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, text=True) for _ in range(senders)]
        outputs = [p.communicate(timeout=1800)[0] for p in processes]
        elapsed = time.monotonic() - started
        counts = gateway.counts()
        bad_signatures = gateway.bad_signatures
    per_sender = [json.loads(out.strip().splitlines()[-1]) for out in outputs if out.strip()]
    problems = check(database_url, counts)
    if bad_signatures:
        problems.append(f"{bad_signatures} posts with a bad signature")
    if any(p.returncode for p in processes):
        problems.append("a sender process failed")
    print(f"{label}: {senders} senders delivered {sum(counts.values())} messages ({len(counts)} distinct ids) "
          f"in {elapsed:.1f} s = {len(counts) / elapsed:.0f} messages/s; per sender: "
          + ", ".join(f"{s['sent']} sent" for s in per_sender))
    print(f"{label}: " + ("OK: none duplicated, none lost" if not problems else "PROBLEMS: " + "; ".join(problems)))
    return not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_messages")
    parser.add_argument("--sqlite", action="store_true", help="also run on a fresh SQLite file")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--sender", metavar="DATABASE_URL", help=argparse.SUPPRESS)  # a sender process
    args = parser.parse_args()
    if args.sender:
        sender(args.sender)
        return 0
    ok = True
    if not args.skip_pg:
        ok &= run(args.pg_url, "PostgreSQL", args.messages, args.senders, args.delay_ms)
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            ok &= run(f"sqlite:///{tmp}/bench.db", "SQLite", args.messages, args.senders, args.delay_ms)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
