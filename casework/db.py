"""Declarative base, identifiers and per-connection database settings."""

from __future__ import annotations

import contextvars
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use casework.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), uuid.UUID: sa.Uuid()},
    )


class UUIDPrimaryKey:
    """A primary key generated in the application, so it is known before INSERT.

    Encrypted fields bind their ciphertext to the record's UUID, which therefore must exist
    as soon as the object does; the `init` listener below assigns it at construction.
    """

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


@event.listens_for(UUIDPrimaryKey, "init", propagate=True)
def _assign_uuid(target, args, kwargs):
    # The constructor assigns keyword arguments in order, and an encrypted field is sealed
    # to the record's id the moment it is assigned: so the id must come first.
    others = {name: value for name, value in kwargs.items() if name != "id"}
    record_id = kwargs.get("id") or uuid.uuid4()
    kwargs.clear()
    kwargs.update(id=record_id, **others)


BUSY_TIMEOUT_SECONDS = 15
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}",
)


class WriteGate:
    """One writing transaction at a time per SQLite database in this process.

    SQLite lets a transaction that finds the write lock taken wait in its busy handler,
    which sleeps in steps of up to 100 ms and so wakes long after the lock is free. Writers
    of one process queue here instead and start the moment the previous one has committed
    or rolled back; writers in other processes still wait in the busy handler.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._owner: int | None = None  # the thread in its writing transaction
        self._holder: int | None = None  # id() of the DBAPI connection of that transaction
        # How many gated writing transactions have ended: a reader that saw the count before
        # its first read and sees it unchanged now knows its snapshot is still the latest.
        self.generation = 0

    def enter(self, dbapi_connection) -> bool:
        """Wait for the turn of this connection's transaction; False if it goes ungated.

        A thread that already writes through another connection would wait for itself:
        that transaction goes to SQLite's busy handler, as it would without the gate. So
        does one that waited the whole busy timeout here.
        """
        if self._owner == threading.get_ident():
            return False
        if not self._lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            return False
        self._owner, self._holder = threading.get_ident(), _raw_id(dbapi_connection)
        return True

    @property
    def busy(self) -> bool:
        """Whether a writing transaction of this process is under way."""
        return self._lock.locked()

    def leave(self, dbapi_connection) -> None:
        """Let the next writer in once this connection's transaction has ended."""
        if self._holder is not None and self._holder == _raw_id(dbapi_connection):
            self._owner = self._holder = None
            self.generation += 1
            self._lock.release()


def _raw_id(connection) -> int:
    """The driver's connection, whether given as is or wrapped by the pool."""
    return id(getattr(connection, "dbapi_connection", connection))


_gates: dict[str, WriteGate] = {}
_gates_lock = threading.Lock()


def write_gate(database: str) -> WriteGate:
    """The gate of one database file, shared by every engine of this process that opens it."""
    with _gates_lock:
        return _gates.setdefault(database, WriteGate())


def configure_sqlite(engine: sa.Engine) -> None:
    """Apply the durability pragmas on every connection and choose how transactions begin.

    The driver's own transaction handling is switched off so SAVEPOINTs work. A writing
    transaction takes the write lock at BEGIN (IMMEDIATE): a read-then-write transaction in
    WAL mode could otherwise fail with "database is locked" instead of waiting its turn.
    Writing transactions of this process take turns at the database's `WriteGate` first.
    Reading transactions (`reading_connection`) never write, take no lock and pass straight
    in; so do those begun under `deferred_writes` (requests that mostly read, such as page
    views), until their first write, when they queue at the gate (`_upgrade`).
    """
    gate = write_gate(str(engine.url.database or ":memory:"))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.info.pop(DEFERRED_STATE, None)
        connection.info.pop(UPGRADED, None)
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        if _writes_deferred.get():
            connection.exec_driver_sql("BEGIN DEFERRED")
            connection.info[DEFERRED_STATE] = _NO_SNAPSHOT
            return
        dbapi_connection = connection.connection
        gate.enter(dbapi_connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.leave(dbapi_connection)
            raise

    @event.listens_for(engine, "before_cursor_execute")
    def _before_statement(connection, _cursor, statement, _parameters, _context, _many):
        state = connection.info.get(DEFERRED_STATE)
        if state is None:
            return
        if _only_reads(statement):
            if state is _NO_SNAPSHOT:
                connection.info[DEFERRED_STATE] = gate.generation
            return
        _upgrade(connection, gate, state)

    @event.listens_for(engine, "handle_error")
    def _on_error(context):
        # A deferred transaction that read, then found the write lock held by another
        # process, cannot wait for it: its snapshot will be stale once that one commits.
        error = context.original_exception
        upgraded = context.connection is not None and context.connection.info.get(UPGRADED)
        if upgraded and isinstance(error, sqlite3.OperationalError) and \
                getattr(error, "sqlite_errorcode", None) in (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT):
            raise StaleSnapshotError() from error

    _leave_gate_after(engine.dialect, gate)


def _leave_gate_after(dialect, gate: WriteGate) -> None:
    """Open the gate once COMMIT or ROLLBACK has run (the engine's own `commit` and
    `rollback` events come before it), also when the pool rolls back or closes a connection."""

    def after(operation):
        def run(dbapi_connection, *args, **kwargs):
            try:
                return operation(dbapi_connection, *args, **kwargs)
            finally:
                gate.leave(dbapi_connection)

        return run

    dialect.do_commit = after(dialect.do_commit)
    dialect.do_rollback = after(dialect.do_rollback)
    dialect.do_close = after(dialect.do_close)


READ_ONLY_OPTION = "casework_read_only"
# connection.info: how far a deferred transaction has come (see `_upgrade`).
DEFERRED_STATE = "casework_deferred"
UPGRADED = "casework_upgraded"
_NO_SNAPSHOT = object()
SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT = 5, 517
_READING_STATEMENTS = ("SELECT", "WITH", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK",
                       "EXPLAIN", "BEGIN")
# Whether transactions begun in this context start DEFERRED and take the write gate only at
# their first write (requests that should only read) or IMMEDIATE behind the gate (the rest).
_writes_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "casework_writes_deferred", default=False)


class StaleSnapshotError(Exception):
    """A reading transaction tried to write after others had: it must start again."""


def _only_reads(statement: str) -> bool:
    return statement.lstrip()[:9].upper().startswith(_READING_STATEMENTS)


def _upgrade(connection: sa.Connection, gate: WriteGate, state) -> None:
    """Turn a deferred transaction into a writing one at its first write, or refuse.

    SQLite gives a deferred transaction its snapshot at its first read and lets it write
    only if nobody has committed since: otherwise the write fails at once (SQLITE_BUSY_
    SNAPSHOT), as waiting cannot help. So the transaction queues at the gate like any
    writer and then checks that no writer of this process has ended since its first read;
    if one has, it is refused before it writes, and the request is run again from the start
    as a writing one (`casework.web.requests.CaseworkFlask`). One that has not read yet has
    no snapshot to lose, and waits for the write lock like an IMMEDIATE transaction.
    """
    dbapi_connection = connection.connection
    connection.info.pop(DEFERRED_STATE, None)
    gate.enter(dbapi_connection)
    if state is _NO_SNAPSHOT:
        return
    if state != gate.generation:
        gate.leave(dbapi_connection)
        raise StaleSnapshotError()
    connection.info[UPGRADED] = True  # another process's commit can still make it stale


@contextmanager
def deferred_writes(enabled: bool = True) -> Iterator[None]:
    """Begin this context's transactions DEFERRED (reads take no lock) or IMMEDIATE."""
    token = _writes_deferred.set(enabled)
    try:
        yield
    finally:
        _writes_deferred.reset(token)

# The engine of CASEWORK_REPORTS_DATABASE_URL (a read replica), when one is set.
REPORTS_BIND = "reports"


def reports_engine(db) -> sa.Engine:
    """Where the board's aggregate queries run: the read replica if set, else the primary."""
    return db.engines.get(REPORTS_BIND, db.engine)


@contextmanager
def reading_connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection of its own for long reads that must not hold up writers.

    On SQLite its transaction begins DEFERRED: it reads one WAL snapshot and never takes the
    write lock, so operators keep saving calls while, say, a year's report is counted.
    PostgreSQL readers never block writers, so there it is simply a separate transaction.
    Writing through it is a mistake the database would let pass, so callers only read.
    """
    with engine.connect() as connection:
        connection.execution_options(**{READ_ONLY_OPTION: True})
        with connection.begin():
            yield connection


# Enough rows per index for good estimates while keeping ANALYZE to a fraction of a second
# on a million calls, so a server can run it as it starts.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics(engine: sa.Engine) -> None:
    """Gather the statistics the query planner chooses indexes by.

    SQLite never gathers them by itself: without them the repeat-caller lookup walks all of
    an operator's calls instead of using the blind indexes. PostgreSQL's autovacuum does,
    but only some time after a bulk load.
    """
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        connection.exec_driver_sql("ANALYZE")
