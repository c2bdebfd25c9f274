"""PostgreSQL: rollup tables rebuilt beside the ones readers use, then put in their place at once.

A full rebuild writes every row of a dozen tables. Emptying them first (TRUNCATE) locked them until
the rebuild committed, so every dashboard query issued meanwhile waited seconds for it. Here the
rebuild fills fresh tables of the same definition in a schema of its own (its search_path finds them
first, so the rollup's statements, raw SQL and ORM alike, write and read them by their usual names),
builds their indexes and constraints once, after the rows (under Django's names: index names are per
schema), and only then, in its last statement before commit, drops the old tables and moves the fresh
ones into their schema. Readers read the old tables until that moment and the new ones after it; the
identity sequences move with their tables (same names, ids continue), and nothing is ever deleted row
by row. The whole rebuild stays one transaction: a failure anywhere leaves the old tables as they were
and no schema behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction

log = logging.getLogger(__name__)

# The schema the fresh tables are built in; it exists only inside a rebuild's transaction.
BUILD_SCHEMA = "metrics_rollup_build"
# A reader that holds one old table and asks for another the swap has already locked deadlocks with it;
# PostgreSQL cancels the swap (it waited first), which starts again: only the swap, not the rebuild.
SWAP_ATTEMPTS = 5
DEADLOCK = "40P01"


@dataclass
class _Table:
    name: str
    schema: str
    # CREATE INDEX statements (indexes that back no constraint) and ADD CONSTRAINT clauses (primary
    # keys, unique and foreign keys), as the old table has them: built after the rows.
    indexes: list[str]
    constraints: list[tuple[str, str]]
    # Identity column -> (its sequence's last value, whether it was called), so ids continue.
    sequences: dict[str, tuple[int, bool]]


def _describe(cursor, names: Sequence[str]) -> list[_Table]:
    tables = []
    for name in names:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = %s::regclass",
            [name],
        )
        schema = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
            WHERE i.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
            ORDER BY i.indexrelid::regclass::text
            """,
            [name],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        # Primary key first, then unique constraints, then foreign keys (which need the referenced keys).
        cursor.execute(
            """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'x')
            ORDER BY array_position(ARRAY['p', 'u', 'x', 'f'], contype::text), conname
            """,
            [name],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attidentity <> '' AND NOT attisdropped",
            [name],
        )
        sequences = {}
        for (column,) in cursor.fetchall():
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [name, column])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 (a sequence's own name)
            sequences[column] = cursor.fetchone()
        tables.append(_Table(name, schema, indexes, constraints, sequences))
    # Another table's foreign key into one of these would have to be dropped with it: refuse instead.
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname FROM pg_constraint
        WHERE contype = 'f' AND confrelid = ANY(%s::regclass[]) AND NOT conrelid = ANY(%s::regclass[])
        """,
        [list(names), list(names)],
    )
    outside = cursor.fetchall()
    if outside:
        raise RuntimeError(f"tables outside the rebuild reference rollup tables: {outside}")
    return tables


@dataclass
class Built:
    """Fresh tables built (and committed) aside, in ``schema``, for another transaction's swap to move in."""

    schema: str
    tables: list[_Table]


def _start(names: Sequence[str], schema: str) -> tuple[list[_Table], str]:
    """Create ``schema`` with an empty copy of each table; this connection's search_path finds them first."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = _describe(cursor, names)
        cursor.execute("SHOW search_path")
        search_path = cursor.fetchone()[0]
        cursor.execute(f"CREATE SCHEMA {schema}")
        for t in tables:
            fresh, old = f"{schema}.{quote(t.name)}", f"{quote(t.schema)}.{quote(t.name)}"
            # Columns, defaults, NOT NULL and CHECK constraints (same names), identity columns with sequences of
            # their own (named as the old ones, in this schema); no indexes yet.
            cursor.execute(
                f"CREATE TABLE {fresh} (LIKE {old} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS "
                "INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)"
            )
            for column, (last_value, called) in t.sequences.items():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)", [fresh, column, last_value, called]
                )
        cursor.execute(f"SET LOCAL search_path = {schema}, {search_path}")
    return tables, search_path


@contextmanager
def fresh_tables(names: Sequence[str], *, aside: Callable[[], Sequence[Built]] = tuple) -> Iterator[None]:
    """Inside the block, ``names`` are fresh, empty tables of the same definition; on leaving they replace the old.

    Must run inside a transaction. Within the block the connection's search_path finds the fresh
    tables first (every statement naming these tables reads and writes them); readers elsewhere keep
    reading the old ones. On leaving, the fresh tables get their indexes and constraints, and the swap
    takes every old table's lock in one statement, drops them and moves the fresh ones in (with the
    tables built by other connections, which ``aside()`` waits for and returns); the caller then
    commits, and readers see the new rows from that moment (a statement waiting for the lock then
    reads the new table). If the block raises, nothing is swapped (the caller's rollback removes the
    fresh tables and the schema).
    """
    tables, search_path = _start(names, BUILD_SCHEMA)
    yield
    _finish(tables, BUILD_SCHEMA, search_path)
    _swap([Built(BUILD_SCHEMA, tables), *aside()])


@contextmanager
def built_aside(names: Sequence[str], schema: str) -> Iterator[Built]:
    """Like ``fresh_tables`` for a second connection: the tables are finished but not swapped.

    The caller commits them (in ``schema``, which nobody reads) and hands the ``Built`` to the
    rebuild's own transaction, whose ``fresh_tables(..., aside=...)`` moves them in with its own.
    """
    tables, search_path = _start(names, schema)
    built = Built(schema, tables)
    yield built
    _finish(tables, schema, search_path)


def drop_aside(prefix: str, keep: str = "") -> None:
    """Drop schemas named ``prefix``... left by a rebuild that failed after its second connection committed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) AND nspname <> %s", [prefix, keep]
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(f"DROP SCHEMA {connection.ops.quote_name(schema)} CASCADE")


def _finish(tables: list[_Table], schema: str, search_path: str) -> None:
    """The fresh tables' keys, constraints and indexes, each built once over all its rows."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for t in tables:
            fresh = f"{schema}.{quote(t.name)}"
            for name, definition in t.constraints:
                # Referenced tables are named as the search path finds them: the fresh ones first.
                cursor.execute(f"ALTER TABLE {fresh} ADD CONSTRAINT {quote(name)} {definition}")
            on = f" ON {_qualified(t)} "
            for definition in t.indexes:
                if on not in definition:
                    raise RuntimeError(f"unexpected index definition: {definition}")
                cursor.execute(definition.replace(on, f" ON {fresh} ", 1))
        cursor.execute(f"SET LOCAL search_path = {search_path}")


def _qualified(t: _Table) -> str:
    """The table as pg_get_indexdef writes it (schema-qualified, quoted only where needed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(%s) || '.' || quote_ident(%s)", [t.schema, t.name])
        return cursor.fetchone()[0]


def _swap(groups: list[Built]) -> None:
    quote = connection.ops.quote_name
    old = ", ".join(f"{quote(t.schema)}.{quote(t.name)}" for g in groups for t in g.tables)
    for attempt in range(1, SWAP_ATTEMPTS + 1):
        try:
            # A savepoint: a deadlock cancels the swap alone, releasing the locks it took, and the fresh
            # tables stay built for the next attempt.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {old} IN ACCESS EXCLUSIVE MODE")
                # DROP refuses a table with foreign-key checks still pending in this transaction (rows the
                # caller wrote to the old tables before the rebuild): run them now, then defer again as
                # Django's constraints are (DEFERRABLE INITIALLY DEFERRED).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"DROP TABLE {old}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for g in groups:
                    for t in g.tables:
                        cursor.execute(f"ALTER TABLE {g.schema}.{quote(t.name)} SET SCHEMA {quote(t.schema)}")
                    cursor.execute(f"DROP SCHEMA {g.schema}")
            return
        except OperationalError as error:
            if attempt == SWAP_ATTEMPTS or getattr(error.__cause__, "sqlstate", None) != DEADLOCK:
                raise
            log.warning("rollup rebuild's swap deadlocked with a reader (attempt %d); swapping again", attempt)
