"""Legal deadlines of a case (Law on Children 2016 Art. 47–52; Decree 56/2017).

Emergency measures for a child facing serious harm: within 12 hours of receiving the
report, counted on the clock. The support plan: within 5 working days, counted from the
day after receipt and ending at midnight (local time) of the last working day, skipping
weekends and public holidays. Both numbers are settings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from casework.cases.holidays import HolidayCalendar

SATURDAY = 5


def is_working_day(day: date, calendar: HolidayCalendar) -> bool:
    return day.weekday() < SATURDAY and not calendar.is_holiday(day)


def working_days_after(start: date, days: int, calendar: HolidayCalendar) -> date:
    """The `days`-th working day after `start`; the start day itself never counts."""
    if days < 1:
        raise ValueError("a working-day period is at least one day")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            counted += 1
    return day


def plan_deadline(received_at: datetime, days: int, calendar: HolidayCalendar,
                  zone: ZoneInfo) -> datetime:
    """Midnight local time at the end of the `days`-th working day after receipt, in UTC."""
    last_day = working_days_after(received_at.astimezone(zone).date(), days, calendar)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
    return end.astimezone(UTC)


def emergency_deadline(received_at: datetime, hours: int) -> datetime:
    return received_at + timedelta(hours=hours)


def remaining(due_at: datetime | None, now: datetime) -> timedelta | None:
    """Time left until a deadline (negative once overdue)."""
    return None if due_at is None else due_at - now
