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
        self._json_at = {name: [i for i, c in enumerate(self.columns[name])
                                if isinstance(self.tables[name].c[c].type, JSONType)] for name in columns}

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
            self.flush()

    def flush(self) -> None:
        for name in self.order:
            rows = self.buffers[name]
            if rows:
                self._write(name, rows)
                self.written[name] += len(rows)
                self.buffers[name] = []

    def _write(self, name: str, rows: list[tuple]) -> None:
        columns = self.columns[name]
        if self.dialect == "postgresql":
            self._copy(name, columns, rows)
        else:
            self.session.execute(sa.insert(self.tables[name]), [dict(zip(columns, row, strict=True)) for row in rows])

    def _copy(self, name: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        # COPY's text format reads a JSON column from its text: the values go as JSON strings.
        at = self._json_at[name]
        raw = self.session.connection().connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                if at:
                    values = list(row)
                    for i in at:
                        values[i] = json.dumps(values[i], ensure_ascii=False)
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
