"""The call list: the calls a user may see, filtered, newest first, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from casework.accounts.access import visible
from casework.intake.models import Call
from casework.paging import KeyPage, Sort, page_by_key


@dataclass(frozen=True)
class CallFilters:
    date_from: date | None = None
    date_to: date | None = None
    line: str | None = None
    call_type: str | None = None
    urgency: str | None = None


def _local_midnight(day: date) -> datetime:
    zone = ZoneInfo(current_app.extensions["casework.settings"].timezone)
    return datetime.combine(day, time.min, tzinfo=zone)


def _conditions(filters: CallFilters) -> list:
    conditions = []
    if filters.date_from:
        conditions.append(Call.started_at >= _local_midnight(filters.date_from))
    if filters.date_to:
        conditions.append(Call.started_at < _local_midnight(filters.date_to + timedelta(days=1)))
    for name in ("line", "call_type", "urgency"):
        value = getattr(filters, name)
        if value:
            conditions.append(getattr(Call, name) == value)
    return conditions


NEWEST_FIRST = Sort.of(Call.started_at)


def call_page(user, filters: CallFilters, *, after: str | None = None,
              before: str | None = None) -> KeyPage:
    """One page of the calls the user may see that match the filters, newest first.

    Paged by start time through the indexes on (unit, start) and (operator, start), so a
    page costs the same at five years of calls as at one week.
    """
    where = [visible(Call, user), *_conditions(filters)]
    return page_by_key(sa.select(Call).where(*where), NEWEST_FIRST, Call.id,
                       after=after, before=before)
