"""A fresh, migrated database for a benchmark run: nothing is kept from the run before.

PostgreSQL: the database is created when missing (the URL may name a TCP address or a
socket directory, `?host=/var/run/postgresql`) and its `public` schema is dropped and
rebuilt. SQLite: the caller passes a new file. Then `flask db upgrade` and any further
`flask` commands (e.g. `seed-demo`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(database_url: str, *flask_commands: list[str]) -> None:
    if database_url.startswith("postgresql"):
        url = sa.engine.make_url(database_url)
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": url.database}).scalar():
                conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
        engine = sa.create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    for command in (["db", "upgrade"], *flask_commands):
        subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *command], cwd=ROOT, check=True,
                       env={**os.environ, "DATABASE_URL": database_url}, capture_output=True)
