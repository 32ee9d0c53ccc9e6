"""A real multi-process server for concurrency tests: gunicorn with several workers on the test database.

It serves tests/recording_wsgi.py (wsgi:app plus a log of the routes it handled, for tests/route_coverage.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.route_coverage import read_route_log

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int = 4, threads: int = 1, extra_env: dict | None = None,
             stderr=None):
    """Serve wsgi:app with `workers` processes; yields the base URL; stops the server afterwards.

    Redis is only used when `extra_env` names a REDIS_URL; `stderr` may be a file for the server's log.
    """
    port = free_port()
    route_log = Path(tempfile.mkdtemp(prefix="route-log-")) / "routes.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "RATELIMIT_ENABLED": "0",  # the load of a test is not an attack
        "APP_ENV": "development",
        "ROUTE_LOG": str(route_log),  # tests/recording_wsgi.py logs the routes served (route coverage)
        **(extra_env or {}),
    }
    if "REDIS_URL" not in (extra_env or {}):
        env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60", "tests.recording_wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core machine can take half a minute
        while True:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        read_route_log(route_log)
        shutil.rmtree(route_log.parent, ignore_errors=True)
