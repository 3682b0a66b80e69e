"""Cases and what happens in them: linked calls, events, assessments, plans, closures,
notes and follow-up tasks.

Free text about a person (findings, goals, notes, comments, tasks) is encrypted; every
other column is a code, a date or an id, which is all the board's reports read.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.access import register_record_rule
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.codes import CASE_STATUS, CLOSURE_REASON, DECISION, EMERGENCY_MEASURE
from casework.crypto import encrypted_column
from casework.db import UUIDPrimaryKey, utcnow
from casework.extensions import db

CODE = sa.String(32)
CASE_CODE_MAX = 32
# Limits of the encrypted free text, enforced by the forms (the columns are Text).
SUMMARY_MAX = 5_000
TEXT_MAX = 20_000  # findings, goals, notes, outcomes
COMMENT_MAX = 2_000
TASK_MAX = 500


def allowed_codes(column: str, codes, *, nullable: bool = False) -> str:
    """A CHECK condition: the column holds one of the codes (or NULL when allowed)."""
    allowed = ", ".join(f"'{code}'" for code in codes)
    condition = f"{column} IN ({allowed})"
    return f"{column} IS NULL OR {condition}" if nullable else condition


class Case(UUIDPrimaryKey, db.Model):
    """A survivor's case, from the data call that opened it to its closure."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(allowed_codes("status", CASE_STATUS.codes), name="status_known"),
        sa.CheckConstraint(allowed_codes("urgency", ("immediate", "urgent", "routine")),
                           name="urgency_known"),
        sa.CheckConstraint(allowed_codes("closure_reason", CLOSURE_REASON.codes, nullable=True),
                           name="closure_reason_known"),
        sa.Index("ix_cases_unit_status", "unit_id", "status"),
        sa.Index("ix_cases_assigned_status", "assigned_to_id", "status"),
        sa.Index("ix_cases_assigned_status_due", "assigned_to_id", "status", "next_due_at"),
        sa.Index("ix_cases_unit_status_due", "unit_id", "status", "next_due_at"),
    )

    code: Mapped[str] = mapped_column(sa.String(CASE_CODE_MAX), unique=True)
    survivor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("survivors.id"),
                                                          index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("units.id"))
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    opened_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(CODE, default="new")
    urgency: Mapped[str] = mapped_column(sa.String(12))
    summary = encrypted_column()  # what the case is about, in the worker's words
    # The survivor was a child (under 16) when the case opened: child deadlines apply.
    is_child: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    received_at: Mapped[datetime]  # the first call's start: the legal clocks run from here
    action_deadline_at: Mapped[datetime | None]
    emergency_action_at: Mapped[datetime | None]
    plan_due_at: Mapped[datetime | None]
    plan_submitted_at: Mapped[datetime | None]  # first submission, for the timeliness rate
    plan_approved_at: Mapped[datetime | None]  # first approval
    review_due_on: Mapped[date | None]
    # The nearest deadline still open, kept by the service: orders caseloads, finds overdue.
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    closure_reason: Mapped[str | None] = mapped_column(CODE)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # The version is raised by the service on every change; the ORM adds it to the WHERE
    # clause of each UPDATE, so two saves from the same version cannot both succeed.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])

    @property
    def is_open(self) -> bool:
        return self.status != "closed"

    @property
    def emergency_clock_running(self) -> bool:
        """The 12-hour clock applies and no emergency action has stopped it yet."""
        return self.action_deadline_at is not None and self.emergency_action_at is None

    @property
    def closed_without_emergency_action(self) -> bool:
        """Closed while its 12-hour clock was never stopped: a missed legal deadline."""
        return not self.is_open and self.emergency_clock_running


class CaseCall(db.Model):
    """A call that belongs to a case: the one that opened it and any follow-up."""

    __tablename__ = "case_calls"

    case_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    call_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("calls.id"), primary_key=True,
                                               index=True)
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)
    attached_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))


class CaseCodeCounter(db.Model):
    """The last case number given for a prefix and year; its row lock serialises numbering."""

    __tablename__ = "case_code_counters"

    prefix: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class CaseEvent(UUIDPrimaryKey, db.Model):
    """One step in a case's history: who did what, when, at which version. Ids and codes only."""

    __tablename__ = "case_events"
    __table_args__ = (sa.Index("ix_case_events_case_at", "case_id", "at"),)

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    version: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[str | None] = mapped_column(CODE)
    to_status: Mapped[str | None] = mapped_column(CODE)
    subject_id: Mapped[uuid.UUID | None]  # the plan, referral, user… the step concerned
    detail: Mapped[str | None] = mapped_column(sa.String(200))  # codes or field names only

    actor: Mapped[User | None] = relationship()


class Assessment(UUIDPrimaryKey, db.Model):
    """An initial risk assessment (Form 02) or a detailed needs assessment (Form 03)."""

    __tablename__ = "case_assessments"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('initial', 'detailed')", name="kind_known"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    risk_level: Mapped[str] = mapped_column(CODE)
    needs: Mapped[str] = mapped_column(sa.String(400), default="")  # need codes, space-separated
    emergency_measures: Mapped[bool] = mapped_column(default=False)
    findings = encrypted_column()
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    assessed_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))

    assessed_by: Mapped[User] = relationship()

    @property
    def need_codes(self) -> list[str]:
        return self.needs.split()


class EmergencyAction(UUIDPrimaryKey, db.Model):
    """An emergency measure taken for the survivor: what, when, recorded by whom."""

    __tablename__ = "case_emergency_actions"
    __table_args__ = (
        sa.CheckConstraint(allowed_codes("measure", EMERGENCY_MEASURE.codes),
                           name="measure_known"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"),
                                               index=True)
    measure: Mapped[str] = mapped_column(CODE)
    details = encrypted_column()  # what was done, by whom on the ground, in the worker's words
    acted_at: Mapped[datetime]  # when the measure was taken, which stops the clock
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))

    recorded_by: Mapped[User] = relationship()


class _Decided:
    """Columns shared by what a supervisor approves or returns with a comment."""

    status: Mapped[str] = mapped_column(CODE, default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decision_comment = encrypted_column()

    @property
    def is_pending(self) -> bool:
        return self.status == "submitted"


class Plan(_Decided, UUIDPrimaryKey, db.Model):
    """A support or intervention plan (Form 04): goals and a review date."""

    __tablename__ = "case_plans"
    __table_args__ = (
        sa.CheckConstraint(allowed_codes("status", DECISION.codes), name="status_known"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"),
                                               index=True)
    goals = encrypted_column()
    review_on: Mapped[date]
    submitted_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))

    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ClosureRequest(_Decided, UUIDPrimaryKey, db.Model):
    """A request to close a case: reason and outcome, for a supervisor to approve."""

    __tablename__ = "case_closure_requests"
    __table_args__ = (
        sa.CheckConstraint(allowed_codes("status", DECISION.codes), name="status_known"),
        sa.CheckConstraint(allowed_codes("reason", CLOSURE_REASON.codes), name="reason_known"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"),
                                               index=True)
    reason: Mapped[str] = mapped_column(CODE)
    outcome = encrypted_column()
    open_referrals_note = encrypted_column()  # required while a referral is still open
    # Required when the 12-hour emergency clock was never stopped: why no action was taken.
    no_emergency_action_reason = encrypted_column()
    submitted_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))

    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class CaseNote(UUIDPrimaryKey, db.Model):
    """A note in the case file; its text is encrypted."""

    __tablename__ = "case_notes"

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(CODE, default="note")
    body = encrypted_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))

    author: Mapped[User] = relationship()


class FollowUpTask(UUIDPrimaryKey, db.Model):
    """Something to do for a case by a date; the description is encrypted."""

    __tablename__ = "case_tasks"
    __table_args__ = (sa.Index("ix_case_tasks_open_due", "done_at", "due_on"),)

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"),
                                               index=True)
    description = encrypted_column()
    due_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))


@register_record_rule(Case)
def cases_visible_to(user):
    """Social workers open their assigned cases, supervisors their unit's, operators the
    intake of cases they opened until a social worker is assigned; nobody else any."""
    if user.role == Role.SOCIAL_WORKER:
        return Case.assigned_to_id == user.id
    if user.role == Role.SUPERVISOR and user.unit_id is not None:
        return Case.unit_id == user.unit_id
    if user.role == Role.OPERATOR:
        return sa.and_(Case.opened_by_id == user.id, Case.assigned_to_id.is_(None))
    return sa.false()
