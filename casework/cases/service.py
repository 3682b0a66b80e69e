"""Opening cases, linking calls, assigning, editing, notes and follow-up tasks.

The workflow steps after assignment (assessments, plans, closure, reopening) are in
`casework.cases.lifecycle`. Every function writes its audit event in the caller's
transaction; the caller commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from casework import audit
from casework.accounts.access import visible
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.changes import (
    CaseError,
    begin_step,
    bump_version,
    check_version,
    finish_step,
    record_event,
)
from casework.cases.codes import OPEN_STATUSES
from casework.cases.models import Case, CaseCall, CaseNote, FollowUpTask
from casework.cases.numbering import next_case_code
from casework.cases.schedule import (
    emergency_deadline_for,
    local_zone,
    plan_deadline_for,
    refresh_next_due,
)
from casework.crypto import reveal
from casework.db import utcnow
from casework.extensions import db
from casework.taxonomy import URGENCY

URGENCY_RANK = {code: rank for rank, code in enumerate(URGENCY.codes)}  # immediate first


def is_child_report(call) -> bool:
    """A child under 16; when the age is unknown, a report to the 111 child line counts."""
    survivor = call.survivor
    if survivor is not None and survivor.is_child_vn is not None:
        return survivor.is_child_vn
    return call.line == "111" and call.service_line != "trafficking"


def open_case_from_call(call, *, opened_by: User) -> Case:
    """Open a case for a data call; the legal clocks start at the call's start."""
    if not call.is_data_call:
        raise CaseError(_l("Only a call that reports something can open a case."))
    if case_of_call(call) is not None:
        raise CaseError(_l("This call already belongs to a case."))
    now = utcnow()
    is_child = is_child_report(call)
    urgency = call.urgency or "routine"
    case = Case(
        code=next_case_code(current_app.extensions["casework.settings"].case_code_prefix, now,
                            local_zone()),
        survivor_id=call.survivor_id, unit_id=call.unit_id or opened_by.unit_id,
        opened_by_id=opened_by.id, status="new", urgency=urgency, is_child=is_child,
        opened_at=now, received_at=call.started_at, version=1, updated_at=now,
        action_deadline_at=call.action_deadline_at
        or emergency_deadline_for(call.started_at, urgency, is_child),
        plan_due_at=plan_deadline_for(call.started_at, is_child),
    )
    db.session.add(case)
    db.session.add(CaseCall(case_id=case.id, call_id=call.id, attached_by_id=opened_by.id))
    record_event(case, "case_open", opened_by, to_status="new", subject_id=call.id)
    audit.record("case_open", "case", case.id, actor_id=opened_by.id)
    refresh_next_due(case)
    return case


def attach_call_to_case(call, case: Case, *, by: User) -> None:
    """Link a follow-up call to an open case; a more urgent call raises the case's urgency."""
    if not call.is_data_call:
        raise CaseError(_l("Only a call that reports something can join a case."))
    if not case.is_open:
        raise CaseError(_l("This case is closed: ask a supervisor to reopen it first."))
    if case_of_call(call) is not None:
        raise CaseError(_l("This call already belongs to a case."))
    db.session.add(CaseCall(case_id=case.id, call_id=call.id, attached_by_id=by.id))
    if call.urgency and URGENCY_RANK[call.urgency] < URGENCY_RANK[case.urgency]:
        _escalate(case, call.urgency, call.started_at)
    record_event(case, "call_attach", by, subject_id=call.id)
    audit.record("call_attach", "case", case.id, actor_id=by.id)
    refresh_next_due(case)


def _escalate(case: Case, urgency: str, reported_at) -> None:
    bump_version(case)
    case.urgency = urgency
    if case.action_deadline_at is None:
        case.action_deadline_at = emergency_deadline_for(reported_at, urgency, case.is_child)


def case_of_call(call) -> Case | None:
    """The case a call belongs to, if any."""
    return db.session.scalar(
        sa.select(Case).join(CaseCall, CaseCall.case_id == Case.id)
        .where(CaseCall.call_id == call.id)
    )


def linkable_cases(user: User):
    """Cases a user may attach a call to: those they may open, and for an operator every
    open case of their unit (shown by code and status only, never opened)."""
    if user.role == Role.OPERATOR and user.unit_id is not None:
        return sa.or_(visible(Case, user), Case.unit_id == user.unit_id)
    return visible(Case, user)


def find_linkable_case(case_id: uuid.UUID | None, user: User) -> Case | None:
    """The open case with this id that the user may attach a call to, or None."""
    if case_id is None:
        return None
    return db.session.scalar(sa.select(Case).where(
        Case.id == case_id, Case.status.in_(OPEN_STATUSES), linkable_cases(user)))


def open_cases_for_survivors(survivor_ids: Iterable[uuid.UUID], user: User) -> list[Case]:
    """The open cases of these survivors that the user may link a call to, newest first."""
    ids = list(survivor_ids)
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(Case)
        .where(Case.survivor_id.in_(ids), Case.status.in_(OPEN_STATUSES), linkable_cases(user))
        .order_by(Case.opened_at.desc())
    ))


def assign_case(case: Case, worker: User, *, by: User, seen_version: int | None = None) -> None:
    """Give the case to a social worker of the unit; the first assignment hands it over."""
    if worker.role != Role.SOCIAL_WORKER or not worker.is_active:
        raise CaseError(_l("Choose an active social worker."), field="worker")
    if case.unit_id is not None and worker.unit_id != case.unit_id:
        raise CaseError(_l("Choose a social worker of this case's unit."), field="worker")
    if case.assigned_to_id == worker.id:
        raise CaseError(_l("The case is already assigned to this social worker."),
                        field="worker")
    current = begin_step(case, "assign" if case.status == "new" else "reassign", by,
                         seen_version)
    case.assigned_to_id = worker.id
    finish_step(case, current, by, subject_id=worker.id)
    refresh_next_due(case)


def edit_case(case: Case, *, urgency: str, summary: str, by: User,
              seen_version: int | None = None) -> None:
    """Change the urgency and summary; a child case made urgent starts its 12-hour clock."""
    if urgency not in URGENCY:
        raise CaseError(_l("Choose an urgency from the list."), field="urgency")
    current = begin_step(case, "edit_details", by, seen_version)
    changed = [name for name, differs in (("urgency", urgency != case.urgency),
                                          ("summary", summary != (reveal(case, "summary") or "")))
               if differs]
    case.urgency = urgency
    case.summary = summary or None
    if case.action_deadline_at is None:
        case.action_deadline_at = emergency_deadline_for(utcnow(), urgency, case.is_child)
    finish_step(case, current, by, detail=" ".join(changed) or None)
    refresh_next_due(case)


def add_note(case: Case, body: str, *, by: User, kind: str = "note") -> CaseNote:
    """Add an encrypted note to the case file."""
    if not body.strip():
        raise CaseError(_l("Write the note first."), field="body")
    note = CaseNote(case_id=case.id, kind=kind, author_id=by.id, created_at=utcnow())
    note.body = body.strip()
    db.session.add(note)
    record_event(case, "note_add", by, subject_id=note.id, detail=kind)
    audit.record("note_add", "case_note", note.id, actor_id=by.id)
    return note


def add_task(case: Case, description: str, due_on: date, *, by: User) -> FollowUpTask:
    """Add a follow-up task with a due date; it counts towards the case's next deadline."""
    if not case.is_open:
        raise CaseError(_l("A closed case takes no new tasks."))
    task = FollowUpTask(case_id=case.id, due_on=due_on, created_by_id=by.id, created_at=utcnow())
    task.description = description.strip()
    db.session.add(task)
    record_event(case, "task_add", by, subject_id=task.id)
    audit.record("task_add", "case_task", task.id, actor_id=by.id)
    refresh_next_due(case)
    return task


def complete_task(case: Case, task: FollowUpTask, *, by: User) -> None:
    """Mark a task done."""
    if task.case_id != case.id or task.done_at is not None:
        raise CaseError(_l("This task is already done."))
    task.done_at, task.done_by_id = utcnow(), by.id
    record_event(case, "task_done", by, subject_id=task.id)
    audit.record("task_done", "case_task", task.id, actor_id=by.id)
    refresh_next_due(case)


def record_view(case: Case, user: User) -> None:
    """Audit an opening of the case's sensitive fields, before the page is returned."""
    audit.record("case_view", "case", case.id, actor_id=user.id)


__all__ = [
    "CaseError", "add_note", "add_task", "assign_case", "attach_call_to_case", "case_of_call",
    "check_version", "complete_task", "edit_case", "find_linkable_case", "linkable_cases",
    "open_case_from_call", "open_cases_for_survivors", "record_view",
]
