"""Demo seeder: a whole last year of synthetic calls, so the board's area has something to show.

The other seeders fill the last three months, which make no whole period yet; the board's
reports are released only for periods that have ended (docs/statistics.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app

from casework.intake.seeding import seed_calls
from casework.reports.periods import day_start_utc, today_in

LAST_YEAR_CALLS = 1500


def seed_last_year(progress: Callable[[str], None]) -> None:
    """Seed last year's calls (the same on every run), ending on its last day."""
    timezone = current_app.extensions["casework.settings"].timezone
    year = today_in(timezone).year - 1
    until = day_start_utc(date(year + 1, 1, 1), timezone)
    result = seed_calls(LAST_YEAR_CALLS, until=until, days=365, seed=year)
    progress(f"{result.calls} calls of {year} for the board's statistics")
