"""Emergency measures for a child facing serious harm, recorded at any stage of an open case.

Recording one stops the case's 12-hour clock (Law on Children 2016 Art. 50; Decree 56/2017
Art. 25). The earliest measure recorded is the one the timeliness indicator counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User
from casework.cases.changes import CaseError, begin_step, finish_step
from casework.cases.codes import EMERGENCY_MEASURE
from casework.cases.models import Case, EmergencyAction
from casework.cases.schedule import refresh_next_due
from casework.db import utcnow
from casework.extensions import db

# A clock a few minutes ahead on the user's device is not a time in the future.
CLOCK_SLACK = timedelta(minutes=5)


def record_emergency_action(case: Case, *, measure: str, details: str, acted_at: datetime,
                            by: User, seen_version: int | None = None) -> EmergencyAction:
    """Record what was done in an emergency and when; the first one stops the 12-hour clock."""
    if measure not in EMERGENCY_MEASURE:
        raise CaseError(_l("Choose the measure taken."), field="measure")
    if acted_at > utcnow() + CLOCK_SLACK:
        raise CaseError(_l("The time the measure was taken cannot be in the future."),
                        field="acted_on")
    if acted_at < case.received_at - CLOCK_SLACK:
        raise CaseError(_l("The measure cannot be earlier than the report it answers."),
                        field="acted_on")
    current = begin_step(case, "record_emergency_action", by, seen_version)
    action = EmergencyAction(case_id=case.id, measure=measure, acted_at=acted_at,
                             recorded_at=utcnow(), recorded_by_id=by.id)
    action.details = details.strip() or None
    db.session.add(action)
    if case.emergency_action_at is None or acted_at < case.emergency_action_at:
        case.emergency_action_at = acted_at
    finish_step(case, current, by, subject_id=action.id, detail=measure)
    refresh_next_due(case)
    return action


def emergency_timing(now: datetime) -> sa.ColumnElement[str]:
    """How an urgent child case met its 12-hour clock, as of `now`, in SQL.

    `missed`: no emergency action, and the case was closed or its deadline has passed;
    `pending`: no action yet, the deadline still ahead; `in_time` or `late` otherwise.
    """
    no_action = Case.emergency_action_at.is_(None)
    return sa.case(
        (no_action & (Case.closed_at.is_not(None) | (Case.action_deadline_at < now)), "missed"),
        (no_action, "pending"),
        (Case.emergency_action_at <= Case.action_deadline_at, "in_time"),
        else_="late",
    )
