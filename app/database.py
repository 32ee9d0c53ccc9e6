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

import sqlite3
import time
from functools import cache, lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
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


def lock_for_update(session, model, object_id: int, *, only: tuple[str, ...] | None = None):
    """Load one row and hold a write lock on it until the transaction ends.

    On PostgreSQL this is a row lock (waiting at most PG_LOCK_TIMEOUT, set per connection); on SQLite
    the whole database is already write-locked by BEGIN IMMEDIATE. The returned
    object is refreshed from the database, so counts taken after it are current.
    `only` names the columns to refresh: a hot path then reads just those, with a
    Core statement, into the object the session already holds.
    """
    if only is None:
        stmt = (
            sa.select(model)
            .where(model.id == object_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return session.execute(stmt).scalar_one()
    session.flush()  # the session's pending changes first: the statement runs on the connection directly
    row = session.connection().execute(_lock_columns(model.__table__, only), {"id": object_id}).one()
    obj = session.get(model, object_id)  # from the identity map when the caller holds it
    for name, value in zip(only, row, strict=True):
        set_committed_value(obj, name, value)
    return obj


@cache
def _lock_columns(table: sa.Table, names: tuple[str, ...]):
    return sa.select(*(table.c[name] for name in names)).where(table.c.id == sa.bindparam("id")).with_for_update()


def attach_written_row(session, obj):
    """Attach an object whose row was just written with a Core INSERT, as if loaded (no SELECT).

    Set every column first (the id included): any left unset would be loaded again on first access.
    """
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


# (table, the column that takes the new row's id or None, the row's values)
Dependent = tuple[sa.Table, str | None, dict]


@cache
def insert_returning_id(table: sa.Table, names: tuple[str, ...]):
    """INSERT of the named columns, each bound by its name, RETURNING id: a statement `insert_with` can embed.

    Columns with a Python-side default are bound too, to parameters that compute the
    default when the caller leaves them out (an embedded INSERT does not apply them).
    """
    values = {name: sa.bindparam(name, type_=table.c[name].type) for name in names}
    for column in table.columns:
        if column.default is not None and not column.primary_key and column.name not in names:
            values[column.name] = sa.bindparam(column.name, type_=column.type, callable_=_default_of(column))
    return sa.insert(table).values(values).returning(table.c.id)


def _default_of(column: sa.Column):
    default = column.default
    return (lambda: default.arg(None)) if default.is_callable else (lambda: default.arg)


def insert_with(connection, insert, params: dict, dependents: list[Dependent]) -> int | None:
    """Run `insert` (… RETURNING id) and write the rows that belong with the new row; returns its id.

    `insert` binds every value by name (`insert_returning_id` builds one; an embedded
    INSERT cannot take its columns from the parameters as a plain one does).

    A dependent row is written only when the new row was (an ON CONFLICT DO NOTHING
    that inserts nothing writes none of them), and its `column` gets the new id.
    On PostgreSQL this is one statement, the insert as a data-modifying CTE and each
    dependent an INSERT … SELECT from it: one round trip where SQLite (which has no
    data-modifying CTEs) takes one per row. A registration's round trips were about a
    third of its time in the application (bench/profile_registration.py).
    """
    dependents = [(table, column, _with_defaults(table, values, column)) for table, column, values in dependents]
    if connection.dialect.name == "postgresql":
        statement = _insert_with_statement(insert, tuple(
            (table, column, tuple(values)) for table, column, values in dependents))
        bound = dict(params)
        for i, (_table, _column, values) in enumerate(dependents):
            bound.update({f"dependent{i}_{name}": value for name, value in values.items()})
        return connection.execute(statement, bound).scalar()
    new_id = connection.execute(insert, params).scalar()
    if new_id is not None:
        for table, column, values in dependents:
            if column is not None:
                values = {**values, column: str(new_id) if _is_text(table.c[column]) else new_id}
            connection.execute(sa.insert(table), values)
    return new_id


def _with_defaults(table: sa.Table, values: dict, column: str | None) -> dict:
    """The values (less `column`) with Python-side defaults filled in: an INSERT … SELECT does not apply them."""
    values = {name: value for name, value in values.items() if name != column}
    for col in table.columns:
        if col.name in values or col.name == column or col.primary_key or col.default is None:
            continue
        values[col.name] = _default_of(col)()
    return values


def _is_text(column: sa.Column) -> bool:
    return isinstance(column.type, sa.String)


@lru_cache(maxsize=64)
def _insert_with_statement(insert, shapes: tuple[tuple[sa.Table, str | None, tuple[str, ...]], ...]):
    new_row = insert.cte("new_row")
    statement = sa.select(new_row.c.id)
    for i, (table, column, names) in enumerate(shapes):
        columns = [sa.bindparam(f"dependent{i}_{name}", type_=table.c[name].type) for name in names]
        if column is not None:
            names = (column, *names)
            new_id = sa.cast(new_row.c.id, table.c[column].type) if _is_text(table.c[column]) else new_row.c.id
            columns.insert(0, new_id)
        row = sa.select(*columns).select_from(new_row)
        statement = statement.add_cte(sa.insert(table).from_select(list(names), row).cte(f"dependent{i}"))
    return statement
