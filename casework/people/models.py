"""Survivors, their "special circumstances", and the history of their details.

A survivor's row holds their current details; a call keeps its own copy of what was said
on it (`Call.survivor_details`), so a later call never changes what an earlier one shows.
When a shared survivor's current details change, the values they replace are kept,
encrypted, in `SurvivorDetailChange` with who changed them, when, and why.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.crypto import encrypted_column
from casework.crypto.blind_index import blind_index_column
from casework.db import UUIDPrimaryKey, utcnow
from casework.extensions import db

CODE = sa.String(32)
# Where a change of a survivor's details came from: a call that said something new, a
# correction of a mistake, two records found to be one person.
CHANGE_SOURCES = ("call", "correction", "merge")


class Survivor(UUIDPrimaryKey, db.Model):
    """The person harmed or at risk: a child or an adult survivor of violence."""

    __tablename__ = "survivors"

    name = encrypted_column()
    name_index = blind_index_column(source="name", kind="name")
    phone = encrypted_column()
    phone_index = blind_index_column(source="phone", kind="phone")
    address = encrypted_column()
    sex: Mapped[str | None] = mapped_column(CODE)
    age: Mapped[int | None] = mapped_column(sa.SmallInteger)
    birth_date: Mapped[date | None]
    age_band: Mapped[str] = mapped_column(CODE, default="unknown")
    is_child_vn: Mapped[bool | None]  # under 16: a child in Vietnamese law
    is_minor: Mapped[bool | None]  # under 18
    ethnicity: Mapped[str | None] = mapped_column(CODE)
    is_ethnic_minority: Mapped[bool | None]
    disability: Mapped[str | None] = mapped_column(CODE)
    province_code: Mapped[int | None] = mapped_column(sa.SmallInteger)
    commune_code: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    vulnerabilities: Mapped[list[SurvivorVulnerability]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    @property
    def vulnerability_codes(self) -> list[str]:
        return sorted(item.code for item in self.vulnerabilities)


class SurvivorVulnerability(db.Model):
    """One "special circumstances" flag (Law on Children Art. 10) of a survivor."""

    __tablename__ = "survivor_vulnerabilities"

    survivor_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("survivors.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(CODE, primary_key=True)


class SurvivorDetailChange(UUIDPrimaryKey, db.Model):
    """One change of a survivor's current details: the values before and after, encrypted.

    `fields` names the changed fields (names only, never values) so that a history can be
    listed without decrypting it; `source_id` is the call (or correction) that made it.
    """

    __tablename__ = "survivor_detail_changes"
    __table_args__ = (
        sa.CheckConstraint("source IN ('call', 'correction', 'merge')", name="source_known"),
        sa.Index("ix_survivor_detail_changes_survivor_at", "survivor_id", "changed_at"),
    )

    survivor_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("survivors.id", ondelete="CASCADE"))
    fields: Mapped[str] = mapped_column(sa.String(200))
    previous_values = encrypted_column()  # JSON: field → value before the change
    new_values = encrypted_column()  # JSON: field → value after the change
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason = encrypted_column()  # why, for a correction; None for a call
    source: Mapped[str] = mapped_column(sa.String(16))
    source_id: Mapped[uuid.UUID | None]
