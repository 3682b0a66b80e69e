"""Reading cases: the caseload, the supervisor's overview, changes since a version.

Lists hold codes, dates and statuses only: nothing is decrypted for a list.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from casework.accounts.access import visible
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.codes import CASE_STATUS, OPEN_STATUSES
from casework.cases.emergency import emergency_timing
from casework.cases.models import Case, CaseEvent, ClosureRequest, Plan
from casework.db import UTCDateTime, utcnow
from casework.extensions import db
from casework.paging import KeyPage, Part, Sort, by_number, page_by_key

# Immediate danger first, then urgent, then routine; then the nearest deadline.
URGENCY_ORDER = sa.case({"immediate": 0, "urgent": 1}, value=Case.urgency, else_=2)
BY_URGENCY_AND_DUE = (URGENCY_ORDER, Case.next_due_at.is_(None), Case.next_due_at,
                      Case.received_at)


def _open_cases(user: User):
    return sa.select(Case).where(visible(Case, user), Case.status.in_(OPEN_STATUSES))


def caseload(user: User) -> list[Case]:
    """The open cases a user may open, most urgent and soonest due first."""
    return list(db.session.scalars(_open_cases(user).order_by(*BY_URGENCY_AND_DUE)))


# A case without a deadline comes after every case with one.
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
DUE = sa.func.coalesce(Case.next_due_at, sa.literal(NO_DEADLINE, UTCDateTime()),
                       type_=UTCDateTime())
STATUS_ORDER = sa.case({code: rank for rank, code in enumerate(OPEN_STATUSES)},
                       value=Case.status, else_=len(OPEN_STATUSES))
CASELOAD_SORTS = {
    "urgency": Sort.of(by_number(URGENCY_ORDER), Part(DUE), Case.received_at,
                       descending=False),
    "due": Sort.of(DUE, descending=False),
    "status": Sort.of(by_number(STATUS_ORDER), Part(DUE), descending=False),
    "opened": Sort.of(Case.opened_at),
}
DUE_WITHIN = {"overdue": timedelta(0), "week": timedelta(days=7)}


@dataclass(frozen=True)
class CaseloadFilters:
    status: str | None = None
    urgency: str | None = None
    due: str | None = None
    sort: str = "urgency"


def caseload_page(user: User, filters: CaseloadFilters, *, after: str | None = None,
                  before: str | None = None) -> KeyPage:
    """One page of the user's open cases, filtered and sorted; the index on worker, status
    and next deadline keeps it quick however many cases the worker has."""
    statement = _open_cases(user)
    if filters.status:
        statement = statement.where(Case.status == filters.status)
    if filters.urgency:
        statement = statement.where(Case.urgency == filters.urgency)
    if filters.due in DUE_WITHIN:
        statement = statement.where(Case.next_due_at < utcnow() + DUE_WITHIN[filters.due])
    sort = CASELOAD_SORTS.get(filters.sort, CASELOAD_SORTS["urgency"])
    return page_by_key(statement, sort, Case.id, after=after, before=before)


def closed_recently(user: User, limit: int = 20) -> list[Case]:
    return list(db.session.scalars(
        sa.select(Case).where(visible(Case, user), Case.status == "closed")
        .order_by(Case.closed_at.desc()).limit(limit)
    ))


@dataclass(frozen=True)
class Overview:
    """A supervisor's view of the unit's open cases; each list is one page of its own."""

    by_status: list[tuple[str, int]]
    unassigned: KeyPage
    overdue: KeyPage
    awaiting_approval: KeyPage
    workers: list[tuple[User, int]]

    @property
    def open_total(self) -> int:
        return sum(count for _status, count in self.by_status)


OVERVIEW_LISTS = ("overdue", "unassigned", "awaiting")
SOONEST_DUE = Sort.of(Case.next_due_at, descending=False)


def overview(user: User, paged: str | None = None, *, after: str | None = None,
             before: str | None = None) -> Overview:
    """Open cases by status, the unassigned, the overdue, those awaiting approval, caseloads.

    The list named `paged` shows the page at `after` or `before`; the others their first.
    """
    counts = dict(db.session.execute(
        sa.select(Case.status, sa.func.count()).where(visible(Case, user),
                                                      Case.status.in_(OPEN_STATUSES))
        .group_by(Case.status)
    ).all())

    def page(name, statement, sort):
        keys = {"after": after, "before": before} if name == paged else {}
        return page_by_key(statement, sort, Case.id, **keys)

    urgent_first = CASELOAD_SORTS["urgency"]
    return Overview(
        by_status=[(code, counts.get(code, 0)) for code in CASE_STATUS.codes
                   if code in OPEN_STATUSES],
        unassigned=page("unassigned", _open_cases(user).where(Case.assigned_to_id.is_(None)),
                        urgent_first),
        overdue=page("overdue", _open_cases(user).where(Case.next_due_at < utcnow()),
                     SOONEST_DUE),
        awaiting_approval=page("awaiting", _awaiting_approval(user), urgent_first),
        workers=_caseloads(user),
    )


def _awaiting_approval(user: User) -> sa.Select:
    pending = sa.union(
        sa.select(Plan.case_id).where(Plan.status == "submitted"),
        sa.select(ClosureRequest.case_id).where(ClosureRequest.status == "submitted"),
    ).subquery()
    return _open_cases(user).where(Case.id.in_(sa.select(pending.c.case_id)))


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
