"""Case codes like `AG-2026-000123`: a prefix, the year, a number; never personal data.

Each (prefix, year) has a counter row. Taking a number increments it in the caller's
transaction, so the row stays locked until that transaction ends: two case openings at the
same moment queue on it instead of taking the same number (PostgreSQL row lock; SQLite
takes the write lock at BEGIN). A rolled-back opening gives its number back; numbers are
unique, and nothing relies on them being free of gaps.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from casework.cases.models import CaseCodeCounter
from casework.extensions import db

COUNTERS = CaseCodeCounter.__table__
INSERT_FOR = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_case_code(prefix: str, opened_at: datetime, zone: ZoneInfo) -> str:
    """Take the next code for the prefix in the local year of `opened_at`."""
    year = opened_at.astimezone(zone).year
    _ensure_counter(prefix, year)
    number = db.session.execute(
        sa.update(COUNTERS)
        .where(COUNTERS.c.prefix == prefix, COUNTERS.c.year == year)
        .values(last_number=COUNTERS.c.last_number + 1)
        .returning(COUNTERS.c.last_number)
    ).scalar_one()
    return f"{prefix}-{year}-{number:06d}"


def _ensure_counter(prefix: str, year: int) -> None:
    insert = INSERT_FOR[db.session.get_bind().dialect.name]
    db.session.execute(
        insert(COUNTERS)
        .values(prefix=prefix, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["prefix", "year"])
    )


def reserve_case_codes(prefix: str, year: int, count: int) -> list[str]:
    """Take `count` consecutive codes at once, for bulk loads."""
    _ensure_counter(prefix, year)
    last = db.session.execute(
        sa.update(COUNTERS)
        .where(COUNTERS.c.prefix == prefix, COUNTERS.c.year == year)
        .values(last_number=COUNTERS.c.last_number + count)
        .returning(COUNTERS.c.last_number)
    ).scalar_one()
    return [f"{prefix}-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]
