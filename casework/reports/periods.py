"""Reporting periods of the board and the lines a report covers.

Dates are calendar days in Vietnam (Asia/Ho_Chi_Minh); a period runs from the start of its
first day to the end of its last day there, and is turned into UTC bounds for the queries.

Statistics are released only for periods that have ended, and in a fixed order within a
year (first half, then the Action Month, then the second half with the whole year): the
suppression of each release takes every earlier release as known to the reader, which is
what makes differencing overlapping periods useless (docs/statistics.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

ACTION_MONTH_START = (11, 15)  # 15 November
ACTION_MONTH_END = (12, 15)  # 15 December, inclusive


class PeriodError(ValueError):
    """A period the board cannot have: reversed, not ended yet, or out of range."""


class PeriodKind(StrEnum):
    FIRST_HALF = "first_half"
    SECOND_HALF = "second_half"
    YEAR = "year"
    ACTION_MONTH = "action_month"
    CUSTOM = "custom"


PERIOD_KIND_LABELS = {
    PeriodKind.FIRST_HALF: _l("First half-year (1/1–30/6)"),
    PeriodKind.SECOND_HALF: _l("Second half-year (1/7–31/12)"),
    PeriodKind.YEAR: _l("Whole year"),
    PeriodKind.ACTION_MONTH: _l("Action Month (15/11–15/12)"),
    PeriodKind.CUSTOM: _l("Custom range"),
}


class Line(StrEnum):
    HOTLINE = "1800"
    CHILD = "111"
    BOTH = "both"


LINE_LABELS = {
    Line.HOTLINE: _l("1800 hotline"),
    Line.CHILD: _l("111 child line"),
    Line.BOTH: _l("Both lines"),
}


@dataclass(frozen=True, order=True)
class Period:
    """A range of calendar days in Vietnam, both ends included."""

    start: date
    end: date
    kind: PeriodKind = PeriodKind.CUSTOM

    def __post_init__(self):
        if self.end < self.start:
            raise PeriodError("the period ends before it starts")

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.start.isoformat()}:{self.end.isoformat()}"

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def utc_bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The UTC instants [start, end) of the period's days in the given zone."""
        return day_start_utc(self.start, timezone), day_start_utc(self.end + timedelta(1), timezone)

    def has_ended(self, today: date) -> bool:
        return self.end < today

    def title(self) -> str:
        """A heading such as 'Action Month (15/11–15/12) 2025' or '01/03/2025 – 31/05/2025'."""
        if self.kind == PeriodKind.CUSTOM:
            first, last = (format_date(day, "dd/MM/yyyy") for day in (self.start, self.end))
            return f"{first} – {last}"
        return f"{PERIOD_KIND_LABELS[self.kind]} {self.start.year}"


def day_start_utc(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def first_half(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 6, 30), PeriodKind.FIRST_HALF)


def second_half(year: int) -> Period:
    return Period(date(year, 7, 1), date(year, 12, 31), PeriodKind.SECOND_HALF)


def whole_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR)


def action_month(year: int) -> Period:
    return Period(date(year, *ACTION_MONTH_START), date(year, *ACTION_MONTH_END),
                  PeriodKind.ACTION_MONTH)


STANDARD_BUILDERS = {
    PeriodKind.FIRST_HALF: first_half,
    PeriodKind.SECOND_HALF: second_half,
    PeriodKind.YEAR: whole_year,
    PeriodKind.ACTION_MONTH: action_month,
}


def standard_period(kind: PeriodKind | str, year: int) -> Period:
    return STANDARD_BUILDERS[PeriodKind(kind)](year)


def release_groups(year: int) -> list[tuple[Period, ...]]:
    """The standard periods of a year in the order they end and are released.

    The second half and the whole year end on the same day, so they are released (and
    protected) together.
    """
    return [(first_half(year),), (action_month(year),), (second_half(year), whole_year(year))]


def release_plan(period: Period) -> list[tuple[Period, ...]]:
    """Every release group up to and including the one that contains `period`.

    A standard period follows its year's earlier groups; a custom range follows every
    standard group of the years it touches.
    """
    if period.kind != PeriodKind.CUSTOM:
        groups = release_groups(period.start.year)
        index = next(i for i, group in enumerate(groups) if period in group)
        return groups[: index + 1]
    plan = [group for year in period.years for group in release_groups(year)]
    return plan + [(period,)]


def released_before(period: Period, released: Sequence[Period]) -> list[Period]:
    """The ranges of the register (in release order) released before `period`: all of them
    when `period` is new, those ahead of it when it was released already."""
    released = list(released)
    return released[: released.index(period)] if period in released else released


def linked_history(period: Period, earlier: Sequence[Period]) -> tuple[list[Period], list[int]]:
    """The earlier custom ranges a range is protected with, and the years of them all.

    A range is linked to every earlier range that shares a year with it, and through that
    range to the ranges sharing a year with it in turn: a reader can combine all of them
    with the standard periods of those years. Returned in the order of release.
    """
    years, linked = set(period.years), set()
    grew = True
    while grew:
        grew = False
        for other in earlier:
            if other not in linked and years & set(other.years):
                linked.add(other)
                years |= set(other.years)
                grew = True
    return [p for p in earlier if p in linked], sorted(years)


def available_from(period: Period) -> date:
    """The first day a period's statistics may be released.

    A custom range waits until every standard period it overlaps has ended, so that those
    releases are fixed and the range can be protected against them.
    """
    last = max(p.end for group in release_plan(period) for p in group if overlaps(p, period))
    return last + timedelta(days=1)


def overlaps(a: Period, b: Period) -> bool:
    return a.start <= b.end and b.start <= a.end


def check_releasable(period: Period, today: date) -> None:
    """Refuse a period whose statistics may not be released yet."""
    if period.start.year < 2000:
        raise PeriodError(_l("Choose a period from the year 2000 on."))
    release_day = available_from(period)
    if today < release_day:
        raise PeriodError(
            _l("Statistics for this period can be released from %(day)s.",
               day=release_day.strftime("%d/%m/%Y"))
        )


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()
