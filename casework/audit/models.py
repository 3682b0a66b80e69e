"""The append-only audit trail: ids only, each entry chained to the one before by an HMAC."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import utcnow
from casework.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_object_seq", "object_id", "seq"),)

    seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                     primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(sa.String(48))
    object_type: Mapped[str | None] = mapped_column(sa.String(32))
    object_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(sa.String(16), default="ok")
    key_id: Mapped[str] = mapped_column(sa.String(32))
    mac: Mapped[str] = mapped_column(sa.String(64))
    # A search's keyed hash (casework.crypto.search_hash), never the term searched for.
    term_hash: Mapped[str | None] = mapped_column(sa.String(64))


class BackupRestore(db.Model):
    """A restore of the database from a backup; its audit entry re-anchors the chain."""

    __tablename__ = "backup_restores"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    restored_at: Mapped[datetime] = mapped_column(default=utcnow)
    backup_made_at: Mapped[str] = mapped_column(sa.String(40))
    backup_kind: Mapped[str] = mapped_column(sa.String(16))
    backup_key_id: Mapped[str] = mapped_column(sa.String(32))
    # The chain as the backup left it: the restore's entry follows this one.
    restored_head_seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer,
                                                                                "sqlite"))
