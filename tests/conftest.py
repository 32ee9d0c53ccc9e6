"""Test fixtures: the app on SQLite or PostgreSQL, a clean database per test, factories.

The database is chosen by TEST_DATABASE_URL (PostgreSQL) or a temporary
SQLite file when it is unset; scripts/run-tests.sh runs the suite on both.
The schema is built by the Alembic migrations, so every run also tests them.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db, limiter
from app.security import run_as_system
from tests.factories import Factories

pytest_plugins = ["tests.route_coverage"]

DB_KIND = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"


def _pg_url(raw: str) -> str:
    if raw.startswith("postgresql://"):
        return "postgresql+psycopg://" + raw[len("postgresql://"):]
    return raw


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = _pg_url(raw)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # start from an empty schema every run
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_STORAGE_URI": "memory://",
    "SESSION_COOKIE_SECURE": False,
    "SERVER_NAME": None,
    # Fast hashing keeps the suite quick; production uses scrypt (config.py).
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
}


class IsolatedClient(FlaskClient):
    """Each request runs in its own context, as in production.

    Flask would otherwise reuse the test's app context (and its `g` and
    database session) for the request. The test's session is committed first
    so its setup is visible and SQLite's write lock is released.
    """

    def open(self, *args, **kwargs):
        if db.session.registry.has():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return application


def _empty_all_tables() -> None:
    # DELETE in dependency order: on a mostly empty database it is far cheaper than TRUNCATE,
    # which rewrites every table's files (PostgreSQL) whether it held rows or not.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def app_ctx(app):
    """An app context acting as SYSTEM for setup and checks; tables are emptied afterwards."""
    with app.app_context():
        run_as_system()
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app) -> Factories:
    return Factories()


@dataclass
class Auth:
    """Log a test client in through the real login form (like flaskr's AuthActions)."""

    client: FlaskClient

    def login(self, username: str, password: str = Factories.PASSWORD, follow: bool = False):
        return self.client.post("/login", data={"username": username, "password": password},
                                follow_redirects=follow)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)
