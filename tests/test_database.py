"""Connection handling: a dead pooled connection is replaced, lock waits are bounded."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import database
from app.extensions import db
from tests.conftest import DB_KIND

pytestmark = pytest.mark.skipif(DB_KIND != "postgresql", reason="server connections exist on PostgreSQL only")


def _pooled_backend_pid() -> int:
    db.session.remove()
    db.engine.dispose()  # a pool with one connection, so the next request checks out this one
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.remove()  # back to the pool, idle
    return pid


def _terminate(database_url: str, pid: int) -> None:
    """What a PostgreSQL restart or an idle-connection reaper does to a pooled connection."""
    killer = sa.create_engine(database_url)
    with killer.begin() as conn:
        assert conn.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


@pytest.fixture(autouse=True)
def _fresh_pool():
    yield
    db.session.remove()
    db.engine.dispose()  # leave no connection this module touched to the tests after it


def test_a_connection_killed_while_idle_is_replaced_without_an_error(client, database_url, monkeypatch):
    victim = _pooled_backend_pid()
    _terminate(database_url, victim)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "db": "ok"}
    assert db.session.scalar(sa.text("SELECT pg_backend_pid()")) != victim


def test_a_connection_lost_while_in_use_is_a_503_and_the_next_request_works(client, database_url, monkeypatch):
    # Killed within the idle limit, so nothing checks it first: the request that meets it fails cleanly.
    _terminate(database_url, _pooled_backend_pid())
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)
    failed = client.get("/api/v1/public/events/no-such-event")
    assert failed.status_code == 503
    assert failed.get_json()["error"]["code"] == "unavailable"
    assert client.get("/api/v1/public/events/no-such-event").status_code == 404


@pytest.mark.parametrize(("idle_limit", "pings_expected"), [(3600.0, 0), (0.0, 1)])
def test_only_a_connection_idle_past_the_limit_is_pinged(client, monkeypatch, idle_limit, pings_expected):
    _pooled_backend_pid()
    pings = []
    real_ping = database._ping
    monkeypatch.setattr(database, "_ping", lambda conn: (pings.append(conn), real_ping(conn)))
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", idle_limit)
    assert client.get("/healthz").status_code == 200
    assert len(pings) == pings_expected


def test_lock_waits_are_bounded_on_every_connection():
    assert db.session.scalar(sa.text("SHOW lock_timeout")) == database.PG_LOCK_TIMEOUT
    db.session.rollback()
    assert db.session.scalar(sa.text("SHOW lock_timeout")) == database.PG_LOCK_TIMEOUT


SOCKET_DIRECTORY = "/var/run/postgresql"


@pytest.mark.skipif(not __import__("os").path.exists(f"{SOCKET_DIRECTORY}/.s.PGSQL.5432"),
                    reason="no local PostgreSQL socket")
def test_the_app_connects_through_the_unix_socket_the_readme_recommends(database_url):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    url = sa.engine.make_url(database_url)
    if url.host not in ("127.0.0.1", "localhost") or url.port not in (None, 5432):
        pytest.skip("the test database is not the local server")
    # As written in the README: no host part, the socket directory as a query parameter.
    socket_url = f"postgresql://{url.username}@/{url.database}?host={SOCKET_DIRECTORY}"
    app = create_app({**TEST_CONFIG, "DATABASE_URL": socket_url})
    health = app.test_client().get("/healthz").get_json()
    with app.app_context():
        address = db.session.scalar(sa.text("SELECT inet_client_addr()"))
        db.session.remove()
        db.engine.dispose()
    assert health == {"status": "ok", "db": "ok"}
    assert address is None  # PostgreSQL reports no client address for a socket connection (TCP: 127.0.0.1)
