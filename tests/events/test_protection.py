"""Public endpoints are rate limited (per address and per phone), bodies are bounded, answers honest."""

from __future__ import annotations

import logging
import os

import pytest
import redis
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.notify.models import Notification
from app.notify.services import deliver_pending
from tests.conftest import TEST_CONFIG


def test_one_phone_cannot_hammer_the_registration_endpoint(client, make):
    event = make.event(capacity=100)
    body = {"name": "刷单", "phone": "13800000501", "consent": True}
    codes = [client.post(f"/api/v1/public/events/{event.slug}/registrations", json=body).status_code
             for _ in range(6)]
    assert codes[:5] == [201, 200, 200, 200, 200]
    assert codes[5] == 429
    limited = client.post(f"/api/v1/public/events/{event.slug}/registrations",
                          json={**body, "phone": "+86 138 0000 0501"})
    assert limited.status_code == 429  # the same number in another spelling is the same phone
    assert limited.get_json()["error"]["code"] == "rate_limited" and "Retry-After" in limited.headers
    other = client.post(f"/api/v1/public/events/{event.slug}/registrations",
                        json={**body, "phone": "13800000502"})
    assert other.status_code == 201


def test_one_address_is_limited_across_phones(client, make):
    event = make.event(capacity=100)
    codes = [client.post(f"/api/v1/public/events/{event.slug}/registrations",
                         json={"name": "批量", "phone": f"138000006{i:02d}", "consent": True}).status_code
             for i in range(21)]
    assert codes[:20] == [201] * 20 and codes[20] == 429


def test_oversized_bodies_are_refused_before_anything_is_read(client, make):
    event = make.event()
    response = client.post(f"/api/v1/public/events/{event.slug}/registrations",
                           json={"name": "大", "phone": "13800000701", "consent": True, "answers": {"x": "啊" * 20000}})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_rate_limits_can_be_switched_off_for_load_tests(database_url, make):
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    slug = make.event(capacity=100).slug
    db.session.commit()  # hold no lock: this client is not the isolated test client
    client = app.test_client()
    body = {"name": "压测", "phone": "13800000801", "consent": True}
    assert all(client.post(f"/api/v1/public/events/{slug}/registrations", json=body).status_code in (200, 201)
               for _ in range(10))


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        connection = redis.Redis.from_url(url)
        connection.ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_POSTGRES") == "1":  # CI: every service is required
            pytest.fail(f"Redis required but unreachable at {url}")
        pytest.skip(f"Redis not reachable at {url}")
    connection.flushdb()
    yield url
    connection.flushdb()


def test_with_redis_the_lockout_is_shared_by_all_workers(database_url, redis_url, make):
    """Two app instances stand for two gunicorn workers: failures on one lock the user on both."""
    make.user("staff", username="shared.lock")
    db.session.commit()
    config = {**TEST_CONFIG, "DATABASE_URL": database_url, "RATELIMIT_STORAGE_URI": redis_url}
    worker_a, worker_b = create_app(config).test_client(), create_app(config).test_client()
    for _ in range(5):
        worker_a.post("/login", data={"username": "shared.lock", "password": "wrong-wrong"})
    locked = worker_b.post("/login", data={"username": "shared.lock", "password": make.PASSWORD})
    assert locked.status_code == 429


def test_messages_wait_in_the_outbox_and_the_log_shows_only_masked_numbers(client, make, caplog):
    event = make.event(title="通知测试（测试）")
    make.registration(event, name="陈一", phone="13800000901")
    message = db.session.scalars(sa.select(Notification)).one()
    assert message.status == "pending" and message.kind == "registration_confirmed"
    assert "通知测试（测试）" in message.body and "/t/" in message.body
    with caplog.at_level(logging.INFO, logger="app.notify"):
        outcome = deliver_pending()
    assert (outcome["sent"], outcome["failed"]) == (1, 0)
    assert "138****0901" in caplog.text and "13800000901" not in caplog.text
    db.session.refresh(message)
    assert message.status == "sent" and message.sent_at is not None
    assert deliver_pending()["sent"] == 0
