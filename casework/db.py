"""Declarative base, identifiers and per-connection database settings."""

from __future__ import annotations

import uuid
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


SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
    "PRAGMA busy_timeout=15000",
)


def configure_sqlite(engine: sa.Engine) -> None:
    """Apply the durability pragmas on every connection and use IMMEDIATE transactions.

    The driver's own transaction handling is switched off so SAVEPOINTs work, and each
    transaction takes the write lock at BEGIN: a read-then-write transaction in WAL mode
    could otherwise fail with "database is locked" instead of waiting its turn.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


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
