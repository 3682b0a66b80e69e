"""The register of released custom ranges: recording a release, and what the board sees of it.

A custom range is released the first time the board views or exports it (page, CSV, XLSX,
JSON or `casework report`). Its suppression was worked out against the ranges released
before it, read from the register inside the report's snapshot; recording it checks, in a
short write transaction of its own, that no linked range was released in the meantime
(another board member at the same moment), and otherwise the report is built again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from casework.extensions import db
from casework.reports.models import ReleasedRange
from casework.reports.periods import (
    Line, Period, PeriodError, PeriodKind, linked_history, overlaps, released_before,
)
from casework.reports.service import Report, build_report, released_ranges

# Ranges whose first and last days are each within this many days of a released range's
# share most of their days with it: the board is told more may be hidden.
NEARBY_DAYS = 31
ATTEMPTS = 3
POSTGRES_REGISTER_LOCK = 0x52455031  # "REP1": serialises recording releases


def release_report(period: Period, line: Line, *, k: int, timezone: str, today: date,
                   released_by: uuid.UUID | None) -> Report:
    """Build the report and record a custom range's release; the caller must hold no
    transaction open, so the counting never holds a write lock."""
    for _attempt in range(ATTEMPTS):
        report = build_report(period, line, k=k, timezone=timezone, today=today)
        if record_release(report, released_by):
            return report
    raise PeriodError(_l("Another custom range was released at the same moment. "
                         "Ask for the statistics again."))


def record_release(report: Report, released_by: uuid.UUID | None) -> bool:
    """Register a custom range's release in a short transaction, once per range and line.

    False when the register gained a range linked to this one since the report read it:
    the report was protected without that range and must be built again.
    """
    period = report.period
    if period.kind != PeriodKind.CUSTOM:
        return True
    try:
        _lock_register()
        current = released_ranges(report.k, db.session.connection())
        if _history(period, current) != _history(period, report.released):
            db.session.rollback()
            return False
        if not _recorded(period, report.line, report.k):
            db.session.add(ReleasedRange(start_day=period.start, end_day=period.end,
                                         line=report.line.value, k=report.k,
                                         released_by_id=released_by))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return True


def _history(period: Period, released) -> list[Period]:
    return linked_history(period, released_before(period, released))[0]


def _lock_register() -> None:
    """SQLite's transactions take the write lock as they begin; PostgreSQL needs a lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(POSTGRES_REGISTER_LOCK)))


def _recorded(period: Period, line: Line, k: int) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ReleasedRange).where(
            ReleasedRange.start_day == period.start, ReleasedRange.end_day == period.end,
            ReleasedRange.line == line.value, ReleasedRange.k == k)
    ) > 0


@dataclass(frozen=True)
class ReleasedEntry:
    period: Period
    line: Line
    released_on: datetime


def recent_releases(k: int, limit: int = 50) -> list[ReleasedEntry]:
    """The custom ranges released under the current threshold, latest first."""
    rows = db.session.execute(
        sa.select(ReleasedRange.start_day, ReleasedRange.end_day, ReleasedRange.line,
                  ReleasedRange.released_at)
        .where(ReleasedRange.k == k).order_by(ReleasedRange.id.desc()).limit(limit)
    ).all()
    return [ReleasedEntry(Period(start, end), Line(line), at) for start, end, line, at in rows]


def nearby_ranges(period: Period, released) -> list[Period]:
    """Released ranges that overlap `period` and start and end within NEARBY_DAYS of it."""
    if period.kind != PeriodKind.CUSTOM:
        return []
    window = timedelta(days=NEARBY_DAYS)
    return [other for other in released
            if other != period and overlaps(other, period)
            and abs(other.start - period.start) <= window
            and abs(other.end - period.end) <= window]
