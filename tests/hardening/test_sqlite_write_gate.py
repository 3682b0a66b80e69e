"""SQLite writers of one process take turns at the database's write gate, and always leave it.

A gate left closed would stop every later write of the server, so each way a writing
transaction can end (commit, rollback, a connection closed or invalidated mid-transaction,
a failed BEGIN) must open it again; reads never close it.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from casework.db import configure_sqlite, reading_connection, write_gate

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
