"""Record audit events in the caller's transaction and verify the chain."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from casework.audit.head import ChainHead
from casework.audit.models import AuditEntry, BackupRestore
from casework.crypto.errors import UnknownKeyError
from casework.crypto.keyring import Keyring
from casework.db import utcnow
from casework.extensions import db

GENESIS = "0" * 64
# Any 64-bit constant: the lock that serialises appends to the chain on PostgreSQL.
POSTGRES_CHAIN_LOCK = 0x6361_7365_776F_726B
CHAIN_HEAD = "casework.audit.chain_head"  # key of the kept head in `session.info`


def canonical(entry: AuditEntry) -> bytes:
    fields = (
        str(entry.seq), entry.at.isoformat(timespec="microseconds"),
        str(entry.actor_id or ""), entry.action, entry.object_type or "",
        str(entry.object_id or ""), entry.outcome, entry.key_id,
    )
    if entry.term_hash:  # entries without one keep the MAC they were written with
        fields += (entry.term_hash,)
    return "\x1f".join(fields).encode()


def compute_mac(keyring: Keyring, entry: AuditEntry, previous_mac: str) -> str:
    key = keyring.get(entry.key_id).key_for("audit")
    return hmac.new(key, canonical(entry) + previous_mac.encode(), hashlib.sha256).hexdigest()


def _current_actor_id() -> uuid.UUID | None:
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user.id if current_user.is_authenticated else None


def _chain_head(session) -> tuple[int, str]:
    """Lock the chain for this transaction and return its last sequence number and MAC.

    Read once per transaction, then kept in `session.info`: the lock (PostgreSQL's advisory
    lock, SQLite's write lock) stops anyone else appending until the transaction ends.
    """
    if CHAIN_HEAD in session.info:
        return session.info[CHAIN_HEAD]
    if session.get_bind().dialect.name == "postgresql":
        # Before flushing pending changes: the chain lock comes ahead of the row locks a
        # flush takes, so two transactions never wait for each other in opposite order.
        with session.no_autoflush:
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(POSTGRES_CHAIN_LOCK)))
    last = session.execute(
        sa.select(AuditEntry.seq, AuditEntry.mac).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return _keep_head(session, *(last or (0, GENESIS)))


def _keep_head(session, seq: int, mac: str) -> tuple[int, str]:
    session.info[CHAIN_HEAD] = (seq, mac)
    return seq, mac


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session, transaction) -> None:
    # A commit, rollback or savepoint's end may release the lock or undo entries; a flush's
    # internal subtransaction does neither.
    if transaction.parent is None or transaction.nested:
        session.info.pop(CHAIN_HEAD, None)


def record(
    action: str,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
    *,
    outcome: str = "ok",
    actor_id: uuid.UUID | None = None,
    term_hash: str | None = None,
) -> AuditEntry:
    """Append an event to the chain inside the current transaction; holds ids, never text."""
    session = db.session
    last_seq, last_mac = _chain_head(session)
    keyring: Keyring = current_app.extensions["casework.keyring"]
    entry = AuditEntry(
        seq=last_seq + 1,
        at=utcnow(),
        actor_id=actor_id or _current_actor_id(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        key_id=keyring.primary_id,
        term_hash=term_hash,
    )
    entry.mac = compute_mac(keyring, entry, last_mac)
    session.add(entry)
    session.flush()
    _keep_head(session, entry.seq, entry.mac)
    return entry


def record_many(events: list[tuple[str, str | None, uuid.UUID | None, uuid.UUID | None]]
                ) -> int:
    """Append many (action, object type, object id, actor id) events in one INSERT.

    For bulk loads (synthetic data for demos and benchmarks): the chain is the same as if
    each had been recorded alone, so `casework audit verify` checks these entries too.
    """
    if not events:
        return 0
    session = db.session
    seq, mac = _chain_head(session)
    keyring: Keyring = current_app.extensions["casework.keyring"]
    rows, now = [], utcnow()
    for action, object_type, object_id, actor_id in events:
        seq += 1
        entry = AuditEntry(seq=seq, at=now, actor_id=actor_id, action=action,
                           object_type=object_type, object_id=object_id, outcome="ok",
                           key_id=keyring.primary_id)
        mac = entry.mac = compute_mac(keyring, entry, mac)
        rows.append({column: getattr(entry, column) for column in AUDIT_COLUMNS})
    session.execute(sa.insert(AuditEntry.__table__), rows)
    _keep_head(session, seq, mac)
    return len(rows)


AUDIT_COLUMNS = tuple(column.key for column in AuditEntry.__table__.columns)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None = None
    problem: str | None = None
    head: ChainHead | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(
    keyring: Keyring, batch_size: int = 5000, expected_head: ChainHead | None = None
) -> ChainReport:
    """Walk the chain in order; report the first entry that is missing, altered or moved.

    `expected_head` is the head a previous verification saw: it must still be there,
    unchanged, so that entries cut from the end of the chain are noticed too.
    """
    previous_mac, expected_seq, checked = GENESIS, 1, 0
    # Plain rows, not ORM objects: verifying reads every entry ever written.
    query = sa.select(*AuditEntry.__table__.columns).order_by(AuditEntry.seq)
    for entry in db.session.execute(query.execution_options(yield_per=batch_size)):
        if entry.seq != expected_seq:
            return ChainReport(checked, expected_seq, "missing or reordered entry")
        try:
            expected = compute_mac(keyring, entry, previous_mac)
        except UnknownKeyError:
            return ChainReport(checked, entry.seq, "unknown key")
        if not hmac.compare_digest(expected, entry.mac):
            return ChainReport(checked, entry.seq, "altered, inserted or reordered entry")
        if expected_head and entry.seq == expected_head.seq and entry.mac != expected_head.mac:
            return ChainReport(checked, entry.seq, "differs from the last verified head")
        previous_mac, expected_seq, checked = entry.mac, expected_seq + 1, checked + 1
    if expected_head and checked < expected_head.seq:
        return ChainReport(checked, checked + 1, "entries removed from the end of the chain")
    return ChainReport(checked, head=ChainHead(checked, previous_mac) if checked else None)


def latest_entries_for(object_ids, *, before_seq: int | None = None,
                       limit: int = 100) -> list[AuditEntry]:
    """Up to `limit` + 1 entries about any of the objects, newest first, older than
    `before_seq` if given: one page of a trail, read backwards along the index on object
    and sequence."""
    if not object_ids:
        return []
    statement = sa.select(AuditEntry).where(AuditEntry.object_id.in_(object_ids))
    if before_seq is not None:
        statement = statement.where(AuditEntry.seq < before_seq)
    return list(db.session.scalars(statement.order_by(AuditEntry.seq.desc()).limit(limit + 1)))


def entries_for(*object_ids: uuid.UUID) -> list[AuditEntry]:
    """Every entry about any of the given objects, oldest first."""
    if not object_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_id.in_(object_ids))
            .order_by(AuditEntry.seq)
        )
    )


def record_restore(keyring: Keyring, *, backup_made_at: str, backup_kind: str,
                   backup_key_id: str, batch_size: int = 5000) -> tuple[ChainReport, AuditEntry]:
    """Verify the chain a restored backup holds, then append the restore's own entry to it.

    The entry is the chain's new head: the caller re-anchors the head kept outside the
    database on it once committed, if the restored chain verified.
    """
    report = verify_chain(keyring, batch_size)
    last_seq = db.session.scalar(sa.select(sa.func.max(AuditEntry.seq))) or 0
    restore = BackupRestore(id=uuid.uuid4(), backup_made_at=backup_made_at,
                            backup_kind=backup_kind, backup_key_id=backup_key_id,
                            restored_head_seq=last_seq)
    db.session.add(restore)
    return report, record("backup_restore", "backup_restore", restore.id)


def last_restore() -> BackupRestore | None:
    """The latest restore recorded, if any (none before the table's migration)."""
    if not sa.inspect(db.session.connection()).has_table(BackupRestore.__tablename__):
        return None
    return db.session.scalar(
        sa.select(BackupRestore).order_by(BackupRestore.restored_at.desc()).limit(1))
