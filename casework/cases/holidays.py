"""Vietnamese public holidays on which working-day deadlines do not run.

Tết and the Hùng Kings' day follow the lunar calendar and the government announces the
days off (with swapped days) each year, so the dates are data. The lists below are the
announced days off for civil servants that fall on weekdays; verify them each year and
set `public_holidays` (ISO dates) in the instance's casework.toml, which replaces them.
For a year with no list, only the fixed solar-calendar holidays count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

# Labour Code 2019 Art. 112: New Year, Reunification Day, Labour Day, National Day.
FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))

ANNOUNCED_HOLIDAYS = {
    2025: (
        "2025-01-01",
        "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",  # Tết Ất Tỵ
        "2025-04-07",  # Hùng Kings (10/3 lunar)
        "2025-04-30", "2025-05-01", "2025-05-02",
        "2025-09-01", "2025-09-02",
    ),
    2026: (
        "2026-01-01",
        "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",  # Tết Bính Ngọ
        "2026-04-27",  # Hùng Kings (10/3 lunar falls on Sunday 26/4)
        "2026-04-30", "2026-05-01",
        "2026-09-01", "2026-09-02",
    ),
}


def parse_holidays(values: Iterable[str]) -> frozenset[date]:
    """Dates from ISO strings; raises ValueError naming a malformed one."""
    days = set()
    for value in values:
        try:
            days.add(date.fromisoformat(value.strip()))
        except ValueError:
            raise ValueError(f"{value!r} is not a date like 2026-02-17") from None
    return frozenset(days)


def default_holidays() -> frozenset[date]:
    return parse_holidays(day for year in ANNOUNCED_HOLIDAYS.values() for day in year)


class HolidayCalendar:
    """Answers whether a day is a public holiday, from a configured list or the defaults."""

    def __init__(self, configured: Iterable[str] = ()):
        configured = tuple(configured)
        self.days = parse_holidays(configured) if configured else default_holidays()
        self.years_listed = frozenset(day.year for day in self.days)

    def is_holiday(self, day: date) -> bool:
        if day in self.days:
            return True
        return day.year not in self.years_listed and (day.month, day.day) in FIXED_HOLIDAYS
