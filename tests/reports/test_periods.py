"""Reporting periods: Vietnam days turned into UTC bounds, the release order and its dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.reports.periods import (
    Period, PeriodError, PeriodKind, action_month, available_from, check_releasable,
    first_half, release_plan, second_half, standard_period, whole_year,
)

ZONE = "Asia/Ho_Chi_Minh"


def test_a_vietnamese_day_starts_at_17_00_utc_the_day_before():
    start, end = whole_year(2025).utc_bounds(ZONE)
    assert start == datetime(2024, 12, 31, 17, tzinfo=UTC)
    assert end == datetime(2025, 12, 31, 17, tzinfo=UTC)


def test_the_standard_periods_of_a_year():
    assert (first_half(2025).start, first_half(2025).end) == (date(2025, 1, 1), date(2025, 6, 30))
    assert (second_half(2025).start, second_half(2025).end) == (date(2025, 7, 1),
                                                                date(2025, 12, 31))
    assert (action_month(2025).start, action_month(2025).end) == (date(2025, 11, 15),
                                                                  date(2025, 12, 15))
    assert standard_period("action_month", 2025) == action_month(2025)


def test_the_action_month_includes_the_15th_of_december_to_its_last_minute():
    _start, end = action_month(2025).utc_bounds(ZONE)
    assert end == datetime(2025, 12, 15, 17, tzinfo=UTC)


def test_releases_follow_the_order_in_which_periods_end():
    year = [group for group in release_plan(whole_year(2025))]
    assert year == [(first_half(2025),), (action_month(2025),),
                    (second_half(2025), whole_year(2025))]
    assert release_plan(first_half(2025)) == [(first_half(2025),)]


def test_a_period_is_released_the_day_after_it_ends():
    assert available_from(first_half(2025)) == date(2025, 7, 1)
    assert available_from(action_month(2025)) == date(2025, 12, 16)
    with pytest.raises(PeriodError):
        check_releasable(whole_year(2025), date(2025, 12, 31))
    check_releasable(whole_year(2025), date(2026, 1, 1))


def test_a_custom_range_waits_for_every_standard_period_it_overlaps():
    spring = Period(date(2025, 3, 1), date(2025, 5, 31))
    assert available_from(spring) == date(2026, 1, 1)
    across = Period(date(2024, 7, 1), date(2025, 6, 30))
    assert available_from(across) == date(2026, 1, 1)
    assert release_plan(across)[-1] == (across,)


def test_a_reversed_range_is_refused():
    with pytest.raises(PeriodError):
        Period(date(2025, 5, 2), date(2025, 5, 1))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(0, 800))
def test_every_custom_range_is_covered_by_its_plan(start, length):
    from datetime import timedelta

    period = Period(start, start + timedelta(days=length), PeriodKind.CUSTOM)
    covered = [p for group in release_plan(period) for p in group if p.kind == PeriodKind.YEAR]
    assert covered[0].start <= period.start and period.end <= covered[-1].end
    first, after = period.utc_bounds(ZONE)
    assert (after - first).days == length + 1
