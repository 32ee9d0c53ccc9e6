"""Database behaviour that the business rules rely on, per dialect.

SQLite: WAL, a busy timeout and `BEGIN IMMEDIATE` for every transaction, so a
request that reads and then writes holds the write lock from its first read
(a deferred BEGIN fails with "database is locked" under bursts; see NOTES.md).
PostgreSQL: row locks with `SELECT … FOR UPDATE` and a lock wait bounded for
the whole connection (set once when it opens, not per transaction).

Pooled connections are checked before use only when they have sat idle for a
while: a ping on every checkout (`pool_pre_ping`) is one more round trip per
request, about a tenth of a check-in's time under load, to catch a server
restart that idle connections are the ones to notice.
"""

from __future__ import annotations

import functools
import sqlite3
import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value

SQLITE_BUSY_TIMEOUT_MS = 20_000
PG_LOCK_TIMEOUT = "5s"
PING_AFTER_IDLE_SECONDS = 10.0


@sa.event.listens_for(Engine, "connect")
def _configure_connection(dbapi_connection, record) -> None:
    record.info["checked_in_at"] = time.monotonic()
    if not isinstance(dbapi_connection, sqlite3.Connection):
        if type(dbapi_connection).__module__.startswith("psycopg"):
            # Committed at once so that a later rollback cannot undo it.
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            dbapi_connection.execute(f"SET lock_timeout = '{PG_LOCK_TIMEOUT}'")
            dbapi_connection.autocommit = autocommit
        return
    # Let SQLAlchemy's "begin" hook below emit BEGIN instead of pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@sa.event.listens_for(sa.pool.Pool, "checkin")
def _note_idle_start(_dbapi_connection, record) -> None:
    if record is not None:
        record.info["checked_in_at"] = time.monotonic()


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Test a connection that sat idle; a dead one is replaced by the pool (up to three tries)."""
    if time.monotonic() - record.info.get("checked_in_at", 0.0) < PING_AFTER_IDLE_SECONDS:
        return
    if isinstance(dbapi_connection, sqlite3.Connection):
        return  # a file cannot go away under an open connection
    try:
        _ping(dbapi_connection)
    except Exception as exc:  # any driver error means this connection is unusable
        raise sa.exc.DisconnectionError() from exc


def _ping(dbapi_connection) -> None:
    dbapi_connection.execute("SELECT 1")
    dbapi_connection.rollback()


@sa.event.listens_for(Engine, "begin")
def _begin_immediate_on_sqlite(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def lock_for_update(session, model, object_id: int):
    """Load one row and hold a write lock on it until the transaction ends.

    On PostgreSQL this is a row lock (waiting at most PG_LOCK_TIMEOUT, set per connection); on SQLite
    the whole database is already write-locked by BEGIN IMMEDIATE. The returned
    object is refreshed from the database, so counts taken after it are current.
    """
    stmt = (
        sa.select(model)
        .where(model.id == object_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.execute(stmt).scalar_one()


def lock_columns(session, obj, names: tuple[str, ...]) -> None:
    """Lock `obj`'s row until the transaction ends and refresh only the named columns from it (the rest stay
    as loaded): `lock_for_update` for a hot path, one Core statement built once per (table, columns) where an
    ORM refresh builds its SELECT and cache key anew and loads the row through the ORM each time (2 % of a
    worker's samples per registration under load, docs/performance.md "Side by side on a slower machine")."""
    row = session.connection().execute(_lock_statement(type(obj).__table__, names), {"id": obj.id}).one()
    for name, value in zip(names, row, strict=True):
        set_committed_value(obj, name, value)


@functools.cache
def _lock_statement(table: sa.Table, names: tuple[str, ...]) -> sa.Select:
    return sa.select(*(table.c[name] for name in names)).where(
        table.c.id == sa.bindparam("id", type_=sa.Integer)).with_for_update()
