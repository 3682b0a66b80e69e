"""What every change to a case shares: the workflow check, the version, the event, the audit.

A service function calls `begin_step` first: it refuses a user whose role may not take the
step, a form saved from an older version of the case (EditConflictError), and a step the
case's status does not allow. Once its own rules pass and its changes are made,
`finish_step` raises the version (which the ORM also checks in the UPDATE, so of two saves
from one version only the first succeeds), moves the status and records the event in the
case history and the audit trail.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from casework import audit
from casework.accounts.roles import Role
from casework.cases.models import Case, CaseEvent, ClosureRequest
from casework.cases.workflow import Step, step
from casework.db import utcnow
from casework.extensions import db


class CaseError(ValueError):
    """A case operation was refused; the message (translated) says why."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowedError(CaseError):
    """The user's role may not take this step."""


class EditConflictError(CaseError):
    """Someone saved the case after the user opened the form."""

    def __init__(self, case: Case, seen_version: int):
        super().__init__(_l("Someone else saved this case while you were editing it."))
        self.case = case
        self.seen_version = seen_version


def check_version(case: Case, seen_version: int | None) -> None:
    """Refuse a save made from an older version; None means the caller holds the current one."""
    if seen_version is not None and seen_version != case.version:
        raise EditConflictError(case, seen_version)


def begin_step(case: Case, name: str, user, seen_version: int | None) -> Step:
    """Check role, access, version and status for a workflow step; changes nothing."""
    current = step(name)
    if user.role not in current.roles or not can_work_on(case, user):
        raise NotAllowedError(_l("Your role cannot take this step."))
    check_version(case, seen_version)
    if case.status not in current.sources:
        raise CaseError(_l("This step is not possible while the case is at this stage."))
    if not current.while_closing and closure_pending(case):
        raise CaseError(_l("A closure is waiting for approval: nothing else can change now."))
    return current


def can_work_on(case: Case, user) -> bool:
    """The assigned social worker, or a supervisor of the case's unit."""
    if user.role == Role.SOCIAL_WORKER:
        return case.assigned_to_id == user.id
    if user.role == Role.SUPERVISOR:
        return user.unit_id is not None and case.unit_id == user.unit_id
    return False


def closure_pending(case: Case) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ClosureRequest)
        .where(ClosureRequest.case_id == case.id, ClosureRequest.status == "submitted")
    ) > 0


def bump_version(case: Case) -> None:
    case.version += 1
    case.updated_at = utcnow()


def finish_step(case: Case, current: Step, user, *, subject_id: uuid.UUID | None = None,
                detail: str | None = None) -> CaseEvent:
    """Raise the version, move the status if the step does, record the event and audit it."""
    bump_version(case)
    from_status = case.status
    if current.target:
        case.status = current.target
    event = record_event(case, current.name, user, from_status=from_status,
                         to_status=case.status, subject_id=subject_id, detail=detail)
    audit.record(current.name, "case", case.id, actor_id=user.id)
    return event


def record_event(case: Case, action: str, user, *, from_status: str | None = None,
                 to_status: str | None = None, subject_id: uuid.UUID | None = None,
                 detail: str | None = None) -> CaseEvent:
    """Add a line to the case's history (ids and codes only) at its current version."""
    event = CaseEvent(case_id=case.id, version=case.version, at=utcnow(),
                      actor_id=user.id if user else None, action=action,
                      from_status=from_status, to_status=to_status, subject_id=subject_id,
                      detail=detail)
    db.session.add(event)
    return event
