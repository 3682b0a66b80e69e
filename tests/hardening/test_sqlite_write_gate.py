"""SQLite writers of one process take turns at the database's write gate, and always leave it.

A gate left closed would stop every later write of the server, so each way a writing
transaction can end (commit, rollback, a connection closed or invalidated mid-transaction,
a failed BEGIN) must open it again; reads never close it.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from casework.db import (
    StaleSnapshotError,
    configure_sqlite,
    deferred_writes,
    reading_connection,
    write_gate,
)

NOTES = sa.Table("gate_notes", sa.MetaData(), sa.Column("text", sa.String(40)))


@pytest.fixture
def engine(tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the write gate is SQLite's")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    configure_sqlite(engine)
    with engine.begin() as connection:
        NOTES.create(connection)
    yield engine
    engine.dispose()


def gate_of(engine):
    return write_gate(engine.url.database)


def notes(engine) -> list[str]:
    with reading_connection(engine) as connection:
        return sorted(connection.scalars(sa.select(NOTES.c.text)))


def test_a_writing_transaction_holds_the_gate_until_it_commits(engine):
    with engine.connect() as connection:
        connection.begin()
        connection.execute(NOTES.insert().values(text="first"))
        assert gate_of(engine).busy
        connection.commit()
        assert not gate_of(engine).busy
    assert notes(engine) == ["first"]


def test_rollback_and_a_connection_closed_mid_transaction_open_the_gate(engine):
    with engine.connect() as connection:
        connection.begin()
        connection.execute(NOTES.insert().values(text="undone"))
        connection.rollback()
        assert not gate_of(engine).busy
    connection = engine.connect()
    connection.begin()
    connection.execute(NOTES.insert().values(text="abandoned"))
    connection.close()
    assert not gate_of(engine).busy
    connection = engine.connect()
    connection.begin()
    connection.invalidate()
    assert not gate_of(engine).busy
    assert notes(engine) == []


def test_reads_pass_while_a_writer_holds_the_gate(engine):
    with engine.begin() as writer:
        writer.execute(NOTES.insert().values(text="pending"))
        assert notes(engine) == []  # a reading connection sees the last committed state
    assert notes(engine) == ["pending"]


def test_a_writer_of_another_thread_waits_its_turn_and_both_writes_land(engine):
    errors: list[BaseException] = []

    def second_writer():
        try:
            with engine.begin() as connection:
                connection.execute(NOTES.insert().values(text="second"))
        except BaseException as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)

    with engine.begin() as connection:
        connection.execute(NOTES.insert().values(text="first"))
        thread = threading.Thread(target=second_writer)
        thread.start()
    thread.join()
    assert errors == []
    assert notes(engine) == ["first", "second"]
    assert not gate_of(engine).busy


def test_a_thread_already_writing_is_not_kept_waiting_by_its_own_gate(engine):
    gate = gate_of(engine)
    with engine.begin() as connection:
        connection.execute(NOTES.insert().values(text="first"))
        other = object()
        assert gate.enter(other) is False  # would wait for itself: SQLite decides instead
        gate.leave(other)
        assert gate.busy  # leaving for a connection that never entered changes nothing
    assert not gate.busy


def test_a_failed_begin_opens_the_gate(engine):
    blocker = sa.create_engine(engine.url)  # another process's writer, as SQLite sees it
    with blocker.connect() as outside:
        outside.exec_driver_sql("PRAGMA busy_timeout=0")
        outside.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            short = sa.create_engine(engine.url, connect_args={"timeout": 0})
            configure_sqlite(short)

            @sa.event.listens_for(short, "connect")
            def _no_wait(dbapi_connection, _record):
                dbapi_connection.execute("PRAGMA busy_timeout=0")

            with pytest.raises(sa.exc.OperationalError, match="locked"):
                with short.begin():
                    pass
            assert not gate_of(engine).busy
            short.dispose()
        finally:
            outside.exec_driver_sql("ROLLBACK")
    blocker.dispose()


def outside_writer(engine):
    """A writer that does not wait at all: it fails at once if the write lock is taken."""
    other = sa.create_engine(engine.url, connect_args={"timeout": 0})

    @sa.event.listens_for(other, "connect")
    def _no_wait(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    return other


def test_a_long_read_of_a_page_view_does_not_delay_a_write(engine):
    other = outside_writer(engine)
    with deferred_writes(), engine.connect() as reader:
        reader.begin()
        assert reader.execute(sa.select(sa.func.count()).select_from(NOTES)).scalar() == 0
        assert not gate_of(engine).busy  # a writer of this process goes straight in
        with engine.begin() as writer:
            writer.execute(NOTES.insert().values(text="in process"))
        with other.begin() as writer:  # nor does the reader hold SQLite's write lock
            writer.execute(NOTES.insert().values(text="outside"))
        reader.commit()
    other.dispose()
    assert notes(engine) == ["in process", "outside"]


def test_a_page_view_that_writes_takes_the_gate_at_its_first_write(engine):
    with deferred_writes(), engine.connect() as viewer:
        viewer.begin()
        viewer.execute(sa.select(NOTES.c.text)).all()
        assert not gate_of(engine).busy
        viewer.execute(NOTES.insert().values(text="viewed"))
        assert gate_of(engine).busy
        viewer.commit()
    assert not gate_of(engine).busy
    assert notes(engine) == ["viewed"]


def test_a_page_view_whose_reads_went_stale_is_refused_before_it_writes(engine):
    with deferred_writes(), engine.connect() as viewer:
        viewer.begin()
        viewer.execute(sa.select(NOTES.c.text)).all()
        with deferred_writes(False), engine.begin() as writer:
            writer.execute(NOTES.insert().values(text="saved meanwhile"))
        with pytest.raises(StaleSnapshotError):
            viewer.execute(NOTES.insert().values(text="stale"))
        assert not gate_of(engine).busy
        viewer.rollback()
    assert notes(engine) == ["saved meanwhile"]


def test_a_page_view_that_writes_first_needs_no_fresh_snapshot(engine):
    with engine.begin() as writer:
        writer.execute(NOTES.insert().values(text="before"))
    with deferred_writes(), engine.begin() as viewer:
        viewer.execute(NOTES.update().values(text="touched"))
    assert notes(engine) == ["touched"]
