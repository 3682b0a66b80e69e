"""The call list: the calls a user may see, filtered, newest first, one page at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from casework.accounts.access import visible
from casework.extensions import db
from casework.intake.models import Call

PAGE_SIZE = 50


@dataclass(frozen=True)
class CallFilters:
    date_from: date | None = None
    date_to: date | None = None
    line: str | None = None
    call_type: str | None = None
    urgency: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[Call]
    number: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))


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


def call_page(user, filters: CallFilters, number: int = 1) -> Page:
    """One page of the calls the user may see that match the filters."""
    where = [visible(Call, user), *_conditions(filters)]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Call).where(*where))
    number = min(max(1, number), max(1, math.ceil(total / PAGE_SIZE)))
    items = db.session.scalars(
        sa.select(Call).where(*where).order_by(Call.started_at.desc(), Call.id)
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    )
    return Page(list(items), number, total)
