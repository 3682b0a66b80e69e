"""Deadlines: 12 clock hours for emergency action, N working days for the plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.cases.deadlines import (
    emergency_deadline,
    is_working_day,
    plan_deadline,
    working_days_after,
)
from casework.cases.holidays import HolidayCalendar
from casework.config import ConfigError, load_settings

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NO_HOLIDAYS = HolidayCalendar(["2000-01-03"])  # a list for another year: only fixed holidays


def local(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def test_a_report_on_monday_has_its_plan_due_at_the_end_of_next_monday():
    received = local(2027, 3, 8, 9, 30)  # Monday
    assert plan_deadline(received, 5, NO_HOLIDAYS, VIETNAM) == local(2027, 3, 16)


def test_weekends_do_not_count():
    received = local(2027, 3, 12, 23, 50)  # Friday night
    assert plan_deadline(received, 5, NO_HOLIDAYS, VIETNAM) == local(2027, 3, 20)  # end of Fri 19


def test_the_local_day_of_receipt_decides_not_the_utc_day():
    received = datetime(2027, 3, 7, 18, 0, tzinfo=UTC)  # Monday 01:00 in Vietnam
    assert plan_deadline(received, 1, NO_HOLIDAYS, VIETNAM) == local(2027, 3, 10)  # end of Tue


def test_tet_holidays_push_the_plan_deadline_back():
    calendar = HolidayCalendar()  # the announced 2026 days off
    received = local(2026, 2, 12, 10)  # Thursday before Tết Bính Ngọ
    # Fri 13, then Tết (Mon 16 – Fri 20) is skipped: Mon 23, Tue 24, Wed 25, Thu 26.
    assert plan_deadline(received, 5, calendar, VIETNAM) == local(2026, 2, 27)


def test_fixed_holidays_count_in_a_year_without_an_announced_list():
    calendar = HolidayCalendar()
    assert calendar.is_holiday(date(2031, 9, 2))
    assert not is_working_day(date(2031, 4, 30), calendar)
    assert is_working_day(date(2031, 4, 29), calendar)


def test_a_configured_list_replaces_the_defaults_for_its_years():
    calendar = HolidayCalendar(["2026-03-10"])
    assert calendar.is_holiday(date(2026, 3, 10))
    assert not calendar.is_holiday(date(2026, 2, 17))  # Tết not in the configured list
    assert calendar.is_holiday(date(2027, 1, 1))  # fixed holiday of an unlisted year


def test_emergency_deadline_runs_on_the_clock_through_nights_and_holidays():
    received = local(2026, 2, 16, 22, 15)  # a Tết holiday, late evening
    assert emergency_deadline(received, 12) == local(2026, 2, 17, 10, 15)


def test_malformed_holidays_stop_start_up_with_a_clear_message(tmp_path):
    env = {"CASEWORK_SECRET_KEY": "k" * 40, "CASEWORK_PUBLIC_HOLIDAYS": "2026-02-17, 17/02/2026"}
    with pytest.raises(ConfigError, match="PUBLIC_HOLIDAYS: '17/02/2026' is not a date"):
        load_settings(env=env, overrides={"instance_path": str(tmp_path)})


def test_a_period_shorter_than_a_day_is_refused():
    with pytest.raises(ValueError):
        working_days_after(date(2027, 3, 8), 0, NO_HOLIDAYS)


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=1, max_value=30),
    holidays=st.sets(st.dates(min_value=date(2024, 1, 1), max_value=date(2031, 3, 31)),
                     max_size=40),
)
def test_the_deadline_is_exactly_n_working_days_after_the_start(start, days, holidays):
    calendar = HolidayCalendar([day.isoformat() for day in holidays] or ["2000-01-03"])
    last = working_days_after(start, days, calendar)
    between = [start + timedelta(days=offset) for offset in range(1, (last - start).days + 1)]
    assert is_working_day(last, calendar)
    assert sum(is_working_day(day, calendar) for day in between) == days
