"""The board's counts come from the read replica when one is set; the register of released
ranges, sign-in and audit stay on the primary.

The "replica" here is a second database of the suite's kind holding a year of calls while
the primary holds none, so whichever database a count came from shows in the count.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.config import ConfigError
from casework.extensions import db
from casework.intake.models import Call
from casework.reports.models import ReleasedRange
from casework.reports.periods import Line, Period, whole_year
from casework.reports.releases import release_report
from tests.reports.seeding import seed_year
from tests.support import databases

ZONE = "Asia/Ho_Chi_Minh"
AFTER_2024 = date(2025, 2, 1)


def _app(directory, url, keyring, **extra):
    directory.mkdir()
    app = create_app(databases.settings_for(directory / "instance", url, keyring, **extra))
    databases.migrate(app)
    return app


@pytest.fixture
def primary_and_replica(tmp_path, keyring):
    for folder in ("p", "r"):
        (tmp_path / folder).mkdir()
    with databases.scratch_database(tmp_path / "p") as primary_url, \
            databases.scratch_database(tmp_path / "r") as replica_url:
        replica = _app(tmp_path / "replica", replica_url, keyring)
        with replica.app_context(), replica.test_request_context():
            seed_year(2024, calls=80)
            db.session.commit()
            db.engine.dispose()
        primary = _app(tmp_path / "primary", primary_url, keyring,
                       reports_database_url=replica_url)
        yield primary
        with primary.app_context():
            for engine in db.engines.values():
                engine.dispose()


def all_calls(report) -> int:
    [calls] = [table for table in report.tables if table.key == "calls"]
    [total] = [row for row in calls.rows if row.kind == "total"]
    return total.cells[-1].value


def test_the_counts_come_from_the_replica(primary_and_replica):
    app = primary_and_replica
    with app.app_context(), app.test_request_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0
        start, end = whole_year(2024).utc_bounds(ZONE)
        with db.engines["reports"].connect() as connection:
            seeded = connection.scalar(sa.select(sa.func.count()).select_from(Call).where(
                Call.started_at >= start, Call.started_at < end))
        db.session.commit()
        report = release_report(whole_year(2024), Line.BOTH, k=5, timezone=ZONE,
                                today=AFTER_2024, released_by=None)
    assert seeded > 0
    assert all_calls(report) == seeded


def test_a_custom_range_is_registered_on_the_primary(primary_and_replica):
    app = primary_and_replica
    march = Period(date(2024, 3, 1), date(2024, 3, 31))
    with app.app_context(), app.test_request_context():
        db.session.commit()
        release_report(march, Line.BOTH, k=5, timezone=ZONE, today=AFTER_2024,
                       released_by=None)
        on_primary = db.session.execute(
            sa.select(ReleasedRange.start_day, ReleasedRange.end_day)).all()
        with db.engines["reports"].connect() as connection:
            on_replica = connection.scalar(sa.text("SELECT count(*) FROM report_releases"))
    assert on_primary == [(march.start, march.end)]
    assert on_replica == 0


def test_a_replica_of_another_kind_of_database_is_refused(tmp_path, keyring):
    settings = databases.settings_for(tmp_path / "instance", "sqlite:///casework.db", keyring,
                                      reports_database_url="postgresql+psycopg://replica/db")
    with pytest.raises(ConfigError, match="REPORTS_DATABASE_URL"):
        create_app(settings)
