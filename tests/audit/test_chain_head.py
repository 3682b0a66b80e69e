"""The chain head is read once per transaction, and forgotten when entries may be undone."""

from __future__ import annotations

import uuid

import pytest
from flask import current_app
from sqlalchemy import event

from casework import audit
from casework.audit.service import verify_chain
from casework.extensions import db


@pytest.fixture
def head_reads(db_session):
    """How many times the chain head has been selected so far."""
    reads = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM audit_entries ORDER BY audit_entries.seq DESC" in " ".join(statement.split()):
            reads.append(statement)

    engine = db_session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    yield reads
    event.remove(engine, "before_cursor_execute", count)


def chain_is_intact() -> bool:
    return verify_chain(current_app.extensions["casework.keyring"]).ok


def test_entries_of_one_transaction_read_the_head_once(db_session, head_reads):
    entries = [audit.record("view", "call", uuid.uuid4()) for _ in range(3)]
    assert len(head_reads) == 1
    assert [entry.seq for entry in entries] == [entries[0].seq + n for n in range(3)]
    db.session.commit()
    audit.record("view", "call", uuid.uuid4())
    assert len(head_reads) == 2  # a new transaction reads the head again
    assert chain_is_intact()


def test_an_entry_undone_with_its_savepoint_leaves_no_gap(db_session):
    first = audit.record("view", "call", uuid.uuid4())
    savepoint = db.session.begin_nested()
    audit.record("view", "call", uuid.uuid4())
    savepoint.rollback()
    after = audit.record("view", "call", uuid.uuid4())
    assert after.seq == first.seq + 1
    assert chain_is_intact()


def test_an_entry_undone_with_its_transaction_leaves_no_gap(db_session):
    kept = audit.record("view", "call", uuid.uuid4())
    db.session.commit()
    audit.record("view", "call", uuid.uuid4())
    db.session.rollback()
    assert audit.record("view", "call", uuid.uuid4()).seq == kept.seq + 1
    assert chain_is_intact()
