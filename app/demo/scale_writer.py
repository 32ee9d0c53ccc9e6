"""Bulk writing for `flask seed-scale`: rows as plain tuples, written in batches, ids given by us.

PostgreSQL gets COPY (psycopg's `cursor.copy`), the fastest way in: a million rows per table
would take minutes through INSERT. SQLite gets executemany INSERTs through SQLAlchemy Core,
slower but only used at tiny sizes. The ids are allocated here (the next free one per table),
so a registration can name its customer without asking the database; the sequences are moved
past them at the end (`reset_sequences`).

Rows wait in one buffer per table and every buffer is written when any fills up, parents before
children (the metadata's dependency order), because PostgreSQL checks each foreign key as the
row arrives.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence

import sqlalchemy as sa

from app.extensions import db
from app.models import JSONType

BATCH = 20_000


class Writer:
    """Buffers rows per table and writes them in batches, in foreign-key order."""

    def __init__(self, columns: Mapping[str, Sequence[str]]):
        self.session = db.session
        self.dialect = db.session.get_bind().dialect.name
        self.columns = {name: tuple(cols) for name, cols in columns.items()}
        self.tables = {name: db.metadata.tables[name] for name in columns}
        order = [t.name for t in db.metadata.sorted_tables]
        self.order = sorted(columns, key=order.index)
        self.buffers: dict[str, list[tuple]] = {name: [] for name in columns}
        self.written: dict[str, int] = dict.fromkeys(columns, 0)
        self.next_ids: dict[str, int] = {}
        self._rebuild: list[str] = []
        self._thread: threading.Thread | None = None
        self._shared: dict[int, tuple[object, str]] = {}
        self._error: BaseException | None = None
        self._json_at = {name: [i for i, c in enumerate(self.columns[name])
                                if isinstance(self.tables[name].c[c].type, JSONType)] for name in columns}

    def skip_foreign_key_triggers(self) -> bool:
        """PostgreSQL checks every foreign key of every row as it arrives (a trigger per row): most of COPY's
        time. The rows written here name only parents written before them, so a superuser may switch the
        checks off for this transaction (`session_replication_role`, as pg_restore does); anyone else keeps them.
        Replica mode skips every ordinary trigger, the ones keeping `events.seats_taken` too: the caller
        recounts it after the load (`recount_seats_taken`)."""
        if self.dialect != "postgresql":
            return False
        try:
            with self.session.begin_nested():
                self.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        except sa.exc.DBAPIError:
            return False
        return True

    def drop_indexes(self, tables: Sequence[str]) -> None:
        """Drop the secondary indexes and unique constraints of `tables` (not their primary keys) until
        `restore_indexes`: building an index once over a million sorted rows is several times cheaper than
        inserting each row into it (random keys: tickets, phones). Inside the transaction, so a failure
        rolls the drop back too; the unique constraints are checked again when they are rebuilt."""
        if self.dialect != "postgresql":
            return
        for table in tables:
            for name, definition in self.session.execute(sa.text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = CAST(:t AS regclass) AND contype = 'u'"), {"t": table}).all():
                self._rebuild.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
                self.session.execute(sa.text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
            for name, definition in self.session.execute(sa.text(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = :t "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"),
                    {"t": table}).all():
                self._rebuild.append(definition)
                self.session.execute(sa.text(f"DROP INDEX {name}"))

    def restore_indexes(self) -> None:
        if self._rebuild:
            self.session.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        for statement in self._rebuild:
            self.session.execute(sa.text(statement))
        self._rebuild = []

    def shared(self, value):
        """A JSON value many rows share (answers, talking points): dumped once. Held here, so its id() stays its."""
        self._shared[id(value)] = (value, json.dumps(value, ensure_ascii=False))
        return value

    def start_ids(self) -> None:
        """The first id to give in each table: one past the largest there (the database may hold other data)."""
        for name, table in self.tables.items():
            if "id" in table.c:
                self.next_ids[name] = (self.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, row: tuple) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= BATCH:
            self.flush(wait=False)

    def flush(self, wait: bool = True) -> None:
        """Write every buffer. On PostgreSQL the COPY runs in a thread while the caller builds the next rows
        (the server's work and Python's overlap on two cores); the caller does not touch the session
        meanwhile, and the next flush waits for the previous one first."""
        self._join()
        batches = [(name, rows) for name, rows in ((n, self.buffers[n]) for n in self.order) if rows]
        self.buffers = {name: [] for name in self.order}
        for name, rows in batches:
            self.written[name] += len(rows)
        if self.dialect != "postgresql":
            for name, rows in batches:
                self.session.execute(sa.insert(self.tables[name]),
                                     [dict(zip(self.columns[name], row, strict=True)) for row in rows])
            return
        # The session's own connection (its transaction), taken here: the thread has no app context.
        raw = self.session.connection().connection.driver_connection
        if wait:
            self._copy_all(raw, batches)
        else:
            self._thread = threading.Thread(target=self._copy_all, args=(raw, batches))
            self._thread.start()

    def _copy_all(self, raw, batches: list[tuple[str, list[tuple]]]) -> None:
        try:
            for name, rows in batches:
                self._copy(raw, name, rows)
        except BaseException as error:  # raised again in the caller's thread by _join
            self._error = error

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _copy(self, raw, name: str, rows: list[tuple]) -> None:
        # COPY's text format reads a JSON column from its text: the values go as JSON strings.
        at, columns, shared = self._json_at[name], self.columns[name], self._shared
        with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                if at:
                    values = list(row)
                    for i in at:
                        known = shared.get(id(values[i]))
                        values[i] = known[1] if known else json.dumps(values[i], ensure_ascii=False)
                    copy.write_row(values)
                else:
                    copy.write_row(row)

    def reset_sequences(self) -> None:
        """Move each id sequence past the ids given here (PostgreSQL; SQLite takes max(id) + 1 itself)."""
        if self.dialect != "postgresql":
            return
        for name, table in self.tables.items():
            if "id" in table.c:
                self.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"))


def analyze(tables: Sequence[str]) -> None:
    """Fresh planner statistics: after millions of rows the old ones (of empty tables) pick bad plans."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        for name in tables:
            session.execute(sa.text(f"ANALYZE {name}"))
    else:
        session.execute(sa.text("ANALYZE"))
