"""Reading cases: the caseload, the supervisor's overview, changes since a version.

Lists hold codes, dates and statuses only: nothing is decrypted for a list.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from casework.accounts.access import visible
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.codes import CASE_STATUS, OPEN_STATUSES
from casework.cases.emergency import emergency_timing
from casework.cases.models import Case, CaseEvent, ClosureRequest, Plan
from casework.db import utcnow
from casework.extensions import db

# Immediate danger first, then urgent, then routine; then the nearest deadline.
URGENCY_ORDER = sa.case({"immediate": 0, "urgent": 1}, value=Case.urgency, else_=2)
BY_URGENCY_AND_DUE = (URGENCY_ORDER, Case.next_due_at.is_(None), Case.next_due_at,
                      Case.received_at)


def _open_cases(user: User):
    return sa.select(Case).where(visible(Case, user), Case.status.in_(OPEN_STATUSES))


def caseload(user: User) -> list[Case]:
    """The open cases a user may open, most urgent and soonest due first."""
    return list(db.session.scalars(_open_cases(user).order_by(*BY_URGENCY_AND_DUE)))


def closed_recently(user: User, limit: int = 20) -> list[Case]:
    return list(db.session.scalars(
        sa.select(Case).where(visible(Case, user), Case.status == "closed")
        .order_by(Case.closed_at.desc()).limit(limit)
    ))


@dataclass(frozen=True)
class Overview:
    """A supervisor's view of the unit's open cases."""

    by_status: list[tuple[str, int]]
    unassigned: list[Case]
    overdue: list[Case]
    awaiting_approval: list[Case]
    workers: list[tuple[User, int]]

    @property
    def open_total(self) -> int:
        return sum(count for _status, count in self.by_status)


def overview(user: User) -> Overview:
    """Open cases by status, the unassigned, the overdue, those awaiting approval, caseloads."""
    counts = dict(db.session.execute(
        sa.select(Case.status, sa.func.count()).where(visible(Case, user),
                                                      Case.status.in_(OPEN_STATUSES))
        .group_by(Case.status)
    ).all())
    return Overview(
        by_status=[(code, counts.get(code, 0)) for code in CASE_STATUS.codes
                   if code in OPEN_STATUSES],
        unassigned=list(db.session.scalars(
            _open_cases(user).where(Case.assigned_to_id.is_(None)).order_by(*BY_URGENCY_AND_DUE))),
        overdue=list(db.session.scalars(
            _open_cases(user).where(Case.next_due_at < utcnow()).order_by(Case.next_due_at))),
        awaiting_approval=_awaiting_approval(user),
        workers=_caseloads(user),
    )


def _awaiting_approval(user: User) -> list[Case]:
    pending = sa.union(
        sa.select(Plan.case_id).where(Plan.status == "submitted"),
        sa.select(ClosureRequest.case_id).where(ClosureRequest.status == "submitted"),
    ).subquery()
    return list(db.session.scalars(
        _open_cases(user).where(Case.id.in_(sa.select(pending.c.case_id)))
        .order_by(*BY_URGENCY_AND_DUE)
    ))


def _caseloads(user: User) -> list[tuple[User, int]]:
    open_count = (sa.select(sa.func.count()).select_from(Case)
                  .where(Case.assigned_to_id == User.id, Case.status.in_(OPEN_STATUSES))
                  .scalar_subquery())
    rows = db.session.execute(
        sa.select(User, open_count).where(*_unit_workers(user)).order_by(User.display_name)
    ).all()
    return [(worker, count) for worker, count in rows]


def _unit_workers(user: User):
    return (User.role == Role.SOCIAL_WORKER.value, User.is_active_account,
            User.unit_id == user.unit_id)


TIMELINESS_DAYS = 90


def closed_without_emergency_action(user: User, limit: int = 50) -> list[Case]:
    """Closed cases whose 12-hour emergency clock was never stopped, latest closed first."""
    return list(db.session.scalars(
        sa.select(Case).where(visible(Case, user), Case.status == "closed",
                              Case.action_deadline_at.is_not(None),
                              Case.emergency_action_at.is_(None))
        .order_by(Case.closed_at.desc()).limit(limit)
    ))


def emergency_timeliness(user: User, days: int = TIMELINESS_DAYS) -> dict[str, int]:
    """Urgent child cases received in the last `days` days by how their 12-hour clock ended."""
    now = utcnow()
    timing = emergency_timing(now)
    counts = dict(db.session.execute(
        sa.select(timing, sa.func.count()).where(
            visible(Case, user), Case.action_deadline_at.is_not(None),
            Case.received_at >= now - timedelta(days=days))
        .group_by(timing)
    ).all())
    return {key: counts.get(key, 0) for key in ("in_time", "late", "missed", "pending")}


def assignable_workers(case: Case) -> list[User]:
    """Active social workers of the case's unit."""
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.SOCIAL_WORKER.value, User.is_active_account,
                              User.unit_id == case.unit_id)
        .order_by(User.display_name)
    ))


def events_of(case: Case) -> list[CaseEvent]:
    return list(db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.at, CaseEvent.version)
    ))


def changes_since(case: Case, version: int) -> list[CaseEvent]:
    """The steps that raised the case's version after the given one: what changed meanwhile."""
    return list(db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.version > version)
        .order_by(CaseEvent.version)
    ))


def users_by_id(ids) -> dict[uuid.UUID, User]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    users = db.session.scalars(sa.select(User).where(User.id.in_(wanted)))
    return {user.id: user for user in users}
