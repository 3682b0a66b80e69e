"""A case's deadlines under the instance's settings, and the nearest one still open."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from flask import current_app

from casework.cases.deadlines import emergency_deadline, plan_deadline
from casework.cases.holidays import HolidayCalendar
from casework.cases.models import Case, FollowUpTask
from casework.db import utcnow
from casework.extensions import db
from casework.taxonomy import URGENT_LEVELS


def _settings():
    return current_app.extensions["casework.settings"]


def local_zone() -> ZoneInfo:
    return ZoneInfo(_settings().timezone)


def holiday_calendar() -> HolidayCalendar:
    """The configured public holidays, parsed once per application."""
    calendars = current_app.extensions.setdefault("casework.holidays", {})
    holidays = _settings().public_holidays
    if holidays not in calendars:
        calendars[holidays] = HolidayCalendar(holidays)
    return calendars[holidays]


def local_today() -> date:
    return utcnow().astimezone(local_zone()).date()


def end_of_local_day(day: date) -> datetime:
    """Midnight at the end of `day` in the instance's time zone."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=local_zone())


def emergency_deadline_for(received_at: datetime, urgency: str, is_child: bool):
    """12 hours (a setting) for an urgent or immediate child case; adults have none."""
    if not is_child or urgency not in URGENT_LEVELS:
        return None
    return emergency_deadline(received_at, _settings().urgent_child_deadline_hours)


def plan_deadline_for(received_at: datetime, is_child: bool):
    """5 working days (a setting) for a child's support plan; adults have none."""
    if not is_child:
        return None
    return plan_deadline(received_at, _settings().plan_deadline_working_days,
                         holiday_calendar(), local_zone())


def pending_deadlines(case: Case) -> list[datetime]:
    """Every deadline of the case that has not been met yet."""
    if not case.is_open:
        return []
    due = []
    if case.action_deadline_at and case.emergency_action_at is None:
        due.append(case.action_deadline_at)
    if case.plan_due_at and case.plan_submitted_at is None:
        due.append(case.plan_due_at)
    if case.review_due_on and case.status == "in_support":
        due.append(end_of_local_day(case.review_due_on))
    first_task = db.session.scalar(
        sa.select(sa.func.min(FollowUpTask.due_on))
        .where(FollowUpTask.case_id == case.id, FollowUpTask.done_at.is_(None))
    )
    if first_task:
        due.append(end_of_local_day(first_task))
    return due


def refresh_next_due(case: Case) -> None:
    """Keep `next_due_at`, which orders caseloads and finds overdue cases, up to date.

    It is derived data, not an edit: it is written without the version check, so adding a
    task or a call never fails because someone else saved the case meanwhile.
    """
    db.session.flush()
    due = pending_deadlines(case)
    value = min(due) if due else None
    if value != case.next_due_at:
        db.session.execute(sa.update(Case.__table__).where(Case.__table__.c.id == case.id)
                           .values(next_due_at=value))
        set_committed_value(case, "next_due_at", value)
