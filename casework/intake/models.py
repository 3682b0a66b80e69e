"""Calls to the 1800 hotline and the 111 child line, and drafts.

Coded columns hold taxonomy codes (casework.taxonomy), never labels, and are all that
reports read. Names, phone numbers, addresses and narratives are encrypted; phone numbers
and names also carry a blind index so that a repeat caller can be found.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.access import register_record_rule
from casework.accounts.roles import Role
from casework.crypto import encrypted_column
from casework.crypto.blind_index import blind_index_column
from casework.db import UUIDPrimaryKey, utcnow
from casework.extensions import db
from casework.people.models import Survivor

CODE = sa.String(32)
# Limits of the encrypted free-text fields, enforced by the forms (the columns are Text).
NAME_MAX = 200
PHONE_MAX = 40
ADDRESS_MAX = 500
NARRATIVE_MAX = 20_000
MAX_AGE = 120


class Call(UUIDPrimaryKey, db.Model):
    """One logged contact with a line: every call, data or not, is a row here."""

    __tablename__ = "calls"
    __table_args__ = (
        sa.CheckConstraint("line IN ('1800', '111')", name="line_known"),
        sa.CheckConstraint(
            "urgency IS NULL OR urgency IN ('immediate', 'urgent', 'routine')",
            name="urgency_known",
        ),
        sa.CheckConstraint("ended_at >= started_at", name="ends_after_start"),
        sa.Index("ix_calls_operator_started", "operator_id", "started_at"),
        sa.Index("ix_calls_unit_started", "unit_id", "started_at", "id"),
    )

    line: Mapped[str] = mapped_column(sa.String(8))
    service_line: Mapped[str | None] = mapped_column(CODE)
    channel: Mapped[str] = mapped_column(CODE)
    call_type: Mapped[str] = mapped_column(CODE)
    is_data_call: Mapped[bool]
    started_at: Mapped[datetime] = mapped_column(index=True)  # set by the server
    ended_at: Mapped[datetime]
    duration_seconds: Mapped[int]
    operator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("units.id"), index=True)

    caller_relationship: Mapped[str | None] = mapped_column(CODE)
    caller_sex: Mapped[str | None] = mapped_column(CODE)
    caller_age_group: Mapped[str | None] = mapped_column(CODE)
    caller_name = encrypted_column()
    caller_phone = encrypted_column()
    caller_phone_index = blind_index_column(source="caller_phone", kind="phone")

    survivor_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("survivors.id"), index=True
    )
    previous_call_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("calls.id"))
    # The survivor as described on this call (JSON), written once when the call is logged:
    # the survivor's own row holds their current details, which later calls may change.
    survivor_details = encrypted_column()

    setting: Mapped[str | None] = mapped_column(CODE)
    perpetrator_relationship: Mapped[str | None] = mapped_column(CODE)
    perpetrator_sex: Mapped[str | None] = mapped_column(CODE)
    perpetrator_age_group: Mapped[str | None] = mapped_column(CODE)
    incident_when: Mapped[str | None] = mapped_column(CODE)
    is_ongoing: Mapped[bool | None]
    trafficking_status: Mapped[str | None] = mapped_column(CODE)
    counselling_topic: Mapped[str | None] = mapped_column(CODE)
    gbvims_type: Mapped[str | None] = mapped_column(CODE)  # derived: casework.taxonomy
    chi_category: Mapped[str | None] = mapped_column(CODE)  # derived: casework.taxonomy

    urgency: Mapped[str | None] = mapped_column(sa.String(12))
    # Decree 56/2017: emergency measures within 12 hours for a child facing serious harm.
    action_deadline_at: Mapped[datetime | None]
    consent_referral: Mapped[bool | None]  # None: not asked
    consent_data_sharing: Mapped[bool | None]
    narrative = encrypted_column()

    survivor: Mapped[Survivor | None] = relationship()
    classifications: Mapped[list[CallClassification]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    def codes(self, scheme: str) -> list[str]:
        """The call's codes of one multi-valued list, such as 'violence_form'."""
        return sorted(item.code for item in self.classifications if item.scheme == scheme)


class CallClassification(db.Model):
    """One code of a multi-valued list (form of violence, DV act, …) attached to a call."""

    __tablename__ = "call_classifications"
    __table_args__ = (sa.Index("ix_call_classifications_scheme_code", "scheme", "code"),)

    call_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    scheme: Mapped[str] = mapped_column(CODE, primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(48), primary_key=True)


class CallDraft(UUIDPrimaryKey, db.Model):
    """A call in progress: started by the server, autosaved as the operator types.

    The draft's id becomes the call's id when it is logged, and the draft is deleted.
    The form's contents are one encrypted JSON document: they hold names and narrative.
    """

    __tablename__ = "call_drafts"

    operator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("units.id"))
    line: Mapped[str] = mapped_column(sa.String(8))
    channel: Mapped[str] = mapped_column(CODE)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Every accepted save makes a new version; a page saves on top of the version it holds,
    # so a save from another tab or window made on an older version is refused, not merged.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The page (a browser tab, kept across reloads) that made the last save, and its own
    # number for that save: a late save from the same page never replaces a newer one.
    writer: Mapped[str | None] = mapped_column(sa.String(32))
    save_seq: Mapped[int] = mapped_column(default=0)
    contents = encrypted_column()


@register_record_rule(Call)
def calls_visible_to(user):
    """Operators see the calls they logged, supervisors their unit's; nobody else."""
    if user.role == Role.OPERATOR:
        return Call.operator_id == user.id
    if user.role == Role.SUPERVISOR and user.unit_id is not None:
        return Call.unit_id == user.unit_id
    return sa.false()


@register_record_rule(CallDraft)
def drafts_visible_to(user):
    """A draft belongs to the operator who started the call, and to nobody else."""
    return CallDraft.operator_id == user.id
