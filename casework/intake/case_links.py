"""From call to case, through the cases domain's own service (casework.cases.service).

Intake never writes a case itself: it asks the cases service to open one from a call or to
attach a call to one, and to list the open cases a user may see for some survivors.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from casework.extensions import db
from casework.intake.models import Call


class CaseLinkError(ValueError):
    """The cases service refused; `message` (translated) says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def open_case(call: Call, user):
    """Open a new case from a data call."""
    from casework.cases.changes import CaseError
    from casework.cases.service import open_case_from_call

    try:
        return open_case_from_call(call, opened_by=user)
    except CaseError as error:
        raise CaseLinkError(error.message) from None


def attach_to_case(call: Call, case, user) -> None:
    """Attach a call to an existing case."""
    from casework.cases.changes import CaseError
    from casework.cases.service import attach_call_to_case

    try:
        attach_call_to_case(call, case, by=user)
    except CaseError as error:
        raise CaseLinkError(error.message) from None


@dataclass(frozen=True)
class CaseMatch:
    """An open case offered for attaching a call. Of a case the user cannot open, only what
    attaching needs is kept: its id and code (no status, no dates)."""

    id: uuid.UUID
    code: str
    survivor_id: uuid.UUID | None
    is_openable: bool
    status: str | None = None
    opened_at: datetime | None = None


def open_cases_for(survivor_ids, user, *, close: Iterable[uuid.UUID] = ()) -> list[CaseMatch]:
    """The open cases of these survivors that the user may attach a call to.

    A case the user may open is always offered. A case they may only attach to (for an
    operator, the unit's cases, handed over or not) is offered only for the survivors in
    `close`, those the typed details match closely, and shown by its code alone: otherwise
    typing a phone number or a name would tell whether anyone has an open case.
    """
    from casework.accounts.access import visible
    from casework.cases.models import Case
    from casework.cases.service import open_cases_for_survivors

    ids = [survivor_id for survivor_id in set(survivor_ids) if survivor_id is not None]
    cases = open_cases_for_survivors(ids, user) if ids else []
    if not cases:
        return []
    openable = set(db.session.scalars(sa.select(Case.id).where(
        Case.id.in_([case.id for case in cases]), visible(Case, user))))
    close = set(close)
    return [
        CaseMatch(case.id, case.code, case.survivor_id, True, case.status, case.opened_at)
        if case.id in openable else CaseMatch(case.id, case.code, case.survivor_id, False)
        for case in cases if case.id in openable or case.survivor_id in close
    ]


def linkable_case(case_id: uuid.UUID | None, user):
    """An open case the user may attach a call to (an operator: any of their unit's), or None."""
    from casework.cases.service import find_linkable_case

    return find_linkable_case(case_id, user)


def cases_of_call(call: Call) -> list:
    """The cases a call belongs to (codes and status only are shown)."""
    from casework.cases.models import Case, CaseCall

    return list(db.session.scalars(
        sa.select(Case).join(CaseCall, CaseCall.case_id == Case.id)
        .where(CaseCall.call_id == call.id).order_by(Case.opened_at)
    ))


def case_status_label(status: str) -> str:
    from casework.cases.codes import CASE_STATUS

    return CASE_STATUS.label(status)
