"""`casework report`: the board's report as a file for scheduled pulls, run as a real process."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import sqlalchemy as sa

from casework import create_app
from casework.extensions import db
from tests.reports.seeding import seed_year
from tests.support.servers import run_casework


def instance_app(env: dict):
    return create_app({"instance_path": env["CASEWORK_INSTANCE"],
                       "database_url": env["CASEWORK_DATABASE_URL"]})


def seeded_instance(env: dict):
    assert run_casework("init-db", env=env).returncode == 0
    app = instance_app(env)
    with app.app_context(), app.test_request_context():
        seed_year(2024, calls=150)
        db.session.commit()
        db.engine.dispose()
    return app


def exports_audited(app) -> int:
    from casework.audit.models import AuditEntry

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "export"))
        db.engine.dispose()
    return count


def test_the_command_writes_the_same_report_as_the_page_and_audits_it(fresh_instance, tmp_path):
    app = seeded_instance(fresh_instance)
    out = tmp_path / "year.json"
    result = run_casework("report", "--period", "year", "--year", "2024", "--format", "json",
                          "--out", str(out), env=fresh_instance)
    assert result.returncode == 0, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    from casework.reports import exports
    from casework.reports.periods import Line, whole_year
    from casework.reports.service import build_report

    with app.app_context(), app.test_request_context():
        expected = exports.to_json(build_report(whole_year(2024), Line.BOTH, k=5,
                                                timezone="Asia/Ho_Chi_Minh",
                                                today=date(2025, 3, 1)))
        db.engine.dispose()
    assert written["tables"] == expected["tables"]
    assert exports_audited(app) == 1


def test_csv_and_xlsx_for_the_action_month_and_one_line(fresh_instance, tmp_path):
    app = seeded_instance(fresh_instance)
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"am.{fmt}"
        result = run_casework("report", "--period", "action_month", "--year", "2024",
                              "--line", "111", "--format", fmt, "--out", str(out),
                              env=fresh_instance)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 0
    assert "Tháng hành động" in (tmp_path / "am.csv").read_text(encoding="utf-8-sig")
    book = openpyxl.load_workbook(tmp_path / "am.xlsx")
    assert len(book.worksheets) >= 14
    assert exports_audited(app) == 2


def test_a_period_without_its_dates_is_refused_with_a_reason(fresh_instance, tmp_path):
    out = tmp_path / "x.csv"
    custom = run_casework("report", "--period", "custom", "--out", str(out), env=fresh_instance)
    assert custom.returncode != 0 and "--start and --end" in custom.stderr
    year = run_casework("report", "--period", "year", "--out", str(out), env=fresh_instance)
    assert year.returncode != 0 and "--year" in year.stderr
    assert not out.exists()


def test_a_custom_range_pulled_by_the_command_is_registered_once(fresh_instance, tmp_path):
    from casework.reports.models import ReleasedRange

    app = seeded_instance(fresh_instance)
    for fmt in ("json", "csv"):
        result = run_casework("report", "--period", "custom", "--start", "2024-03-01",
                              "--end", "2024-03-20", "--format", fmt,
                              "--out", str(tmp_path / f"march.{fmt}"), env=fresh_instance)
        assert result.returncode == 0, result.stderr
    with app.app_context():
        rows = db.session.execute(sa.select(ReleasedRange.start_day, ReleasedRange.line,
                                            ReleasedRange.released_by_id)).all()
        db.engine.dispose()
    assert rows == [(date(2024, 3, 1), "both", None)]
    assert exports_audited(app) == 2
