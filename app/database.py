"""Database behaviour that the business rules rely on, per dialect.

SQLite: WAL, a busy timeout and `BEGIN IMMEDIATE` for every transaction, so a
request that reads and then writes holds the write lock from its first read
(a deferred BEGIN fails with "database is locked" under bursts; see NOTES.md).
PostgreSQL: row locks with `SELECT … FOR UPDATE` and a bounded lock wait.
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 20_000
PG_LOCK_TIMEOUT = "5s"


@sa.event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" hook below emit BEGIN instead of pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@sa.event.listens_for(Engine, "begin")
def _begin_immediate_on_sqlite(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def lock_for_update(session, model, object_id: int):
    """Load one row and hold a write lock on it until the transaction ends.

    On PostgreSQL this is a row lock (waiting at most PG_LOCK_TIMEOUT); on SQLite
    the whole database is already write-locked by BEGIN IMMEDIATE. The returned
    object is refreshed from the database, so counts taken after it are current.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(f"SET LOCAL lock_timeout = '{PG_LOCK_TIMEOUT}'"))
    stmt = (
        sa.select(model)
        .where(model.id == object_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.execute(stmt).scalar_one()


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
