"""What every change to a case shares: the workflow check, the version, the event, the audit.

A service function calls `begin_step` first: it refuses a user whose role may not take the
step, a form saved from an older version of the case (EditConflictError), and a step the
case's status does not allow; then it raises the version, which the ORM also checks in the
UPDATE. `finish_step` records the event in the case history and the audit trail.
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l

from casework import audit
from casework.cases.models import Case, CaseEvent
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
    """Check role, version and status for a workflow step, then raise the case's version."""
    current = step(name)
    if user.role not in current.roles:
        raise NotAllowedError(_l("Your role cannot take this step."))
    check_version(case, seen_version)
    if case.status not in current.sources:
        raise CaseError(_l("This step is not possible while the case is at this stage."))
    bump_version(case)
    return current


def bump_version(case: Case) -> None:
    case.version += 1
    case.updated_at = utcnow()


def finish_step(case: Case, current: Step, user, *, subject_id: uuid.UUID | None = None,
                detail: str | None = None) -> CaseEvent:
    """Move the status if the step does, and record the event and its audit entry."""
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
