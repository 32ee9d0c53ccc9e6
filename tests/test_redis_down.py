"""Redis (the shared rate-limit counters) down or black-holed: every rate-limited endpoint keeps serving.

A private redis-server is started, used, then killed under a running gunicorn; each limited endpoint is
requested: never a 500, never a hang, limits still counted (per process), /healthz says "degraded".
"""

from __future__ import annotations

import re
import socket
import time

import pytest
import requests

from app.extensions import db
from tests.redis_server import RedisServer
from tests.server import free_port, gunicorn

pytestmark = pytest.mark.concurrency

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _form_post(session: requests.Session, url: str, data: dict) -> requests.Response:
    page = session.get(url, timeout=10)
    assert page.status_code == 200, (url, page.status_code)
    return session.post(url, data={**data, "csrf_token": CSRF.search(page.text).group(1)}, timeout=10,
                        allow_redirects=False)


def _every_limited_endpoint(base: str, slug: str, phone: str, username: str, password: str) -> dict[str, int]:
    """One request to each rate-limited endpoint (the public page and JSON, both registrations, ticket,
    login, token); the status of each, and how long the slowest took."""
    statuses = {}
    started = time.monotonic()
    statuses["GET /e/<slug>"] = requests.get(f"{base}/e/{slug}", timeout=10).status_code
    statuses["GET /api/v1/public/events/<slug>"] = requests.get(
        f"{base}/api/v1/public/events/{slug}", timeout=10).status_code
    form = _form_post(requests.Session(), f"{base}/e/{slug}",
                      {"name": "表单甲", "phone": phone[:-2] + "8" + phone[-1], "consent": "y"})
    statuses["POST /e/<slug>"] = form.status_code
    api = requests.post(f"{base}/api/v1/public/events/{slug}/registrations", timeout=10,
                        json={"name": "接口乙", "phone": phone, "consent": True})
    statuses["POST /api/v1/public/events/<slug>/registrations"] = api.status_code
    if api.status_code == 201:
        statuses["GET /t/<token>"] = requests.get(f"{base}/t/{api.json()['ticket_token']}", timeout=10).status_code
    statuses["POST /login"] = _form_post(requests.Session(), f"{base}/login",
                                         {"username": username, "password": password}).status_code
    statuses["POST /api/v1/auth/tokens"] = requests.post(
        f"{base}/api/v1/auth/tokens", json={"username": username, "password": password}, timeout=10).status_code
    statuses["seconds"] = round(time.monotonic() - started, 2)
    return statuses


EXPECTED = {"GET /e/<slug>": 200, "GET /api/v1/public/events/<slug>": 200, "POST /e/<slug>": 303,
            "POST /api/v1/public/events/<slug>/registrations": 201, "GET /t/<token>": 200,
            "POST /login": 303, "POST /api/v1/auth/tokens": 201}


def test_with_redis_killed_every_limited_endpoint_still_serves(database_url, make, tmp_path):
    event = make.event(capacity=50, questions=[])
    username = make.user("staff", username="redis.down").username
    slug = event.slug
    db.session.commit()
    db.session.remove()
    log = (tmp_path / "gunicorn.log").open("w+")
    with RedisServer() as redis_server, gunicorn(database_url, workers=1, stderr=log, extra_env={
            "REDIS_URL": redis_server.url, "RATELIMIT_ENABLED": "1"}) as base:
        assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok", "db": "ok", "redis": "ok"}
        up = _every_limited_endpoint(base, slug, "13900001001", username, make.PASSWORD)
        assert {k: v for k, v in up.items() if k != "seconds"} == EXPECTED
        assert redis_server.client().keys("LIMITS*")  # the counters live in Redis while it is up

        redis_server.kill()
        down = _every_limited_endpoint(base, slug, "13900001002", username, make.PASSWORD)
        assert {k: v for k, v in down.items() if k != "seconds"} == EXPECTED, down
        assert down["seconds"] < 5
        health = requests.get(f"{base}/healthz", timeout=5)
        assert health.status_code == 200  # the app serves: a load balancer must keep this host
        assert health.json() == {"status": "degraded", "db": "ok", "redis": "down"}
        requests.get(f"{base}/healthz", timeout=5)

        # The limits still hold, counted by the process: a 6th wrong password for one username is refused.
        wrong = [requests.post(f"{base}/api/v1/auth/tokens", json={"username": "nobody", "password": "x" * 12},
                               timeout=10).status_code for _ in range(6)]
        assert wrong == [401] * 5 + [429]
    log.seek(0)
    text = log.read()
    assert text.count("Rate limit storage unreachable") == 1, text  # logged once, not per request
    assert text.count("Redis is unreachable") == 1, text
    assert " 500 " not in text and "Traceback" not in text, text


def test_a_black_holed_redis_does_not_hang_requests(database_url, make):
    """Redis's address accepts connections but never answers (a dead host behind a firewall)."""
    event = make.event(capacity=50, questions=[])
    username = make.user("staff", username="redis.hole").username
    slug = event.slug
    db.session.commit()
    db.session.remove()
    hole = socket.socket()
    hole.bind(("127.0.0.1", free_port()))
    hole.listen(64)  # the kernel completes handshakes; nobody ever reads or writes
    try:
        url = f"redis://127.0.0.1:{hole.getsockname()[1]}/0"
        with gunicorn(database_url, workers=1, extra_env={"REDIS_URL": url, "RATELIMIT_ENABLED": "1"}) as base:
            statuses = _every_limited_endpoint(base, slug, "13900001003", username, make.PASSWORD)
            started = time.monotonic()
            health = requests.get(f"{base}/healthz", timeout=10)
            health_seconds = time.monotonic() - started
    finally:
        hole.close()
    assert {k: v for k, v in statuses.items() if k != "seconds"} == EXPECTED, statuses
    assert statuses["seconds"] < 8  # the first request waits out the timeouts (~1 s), the rest skip Redis
    assert health.status_code == 200 and health.json()["redis"] == "down" and health_seconds < 3
