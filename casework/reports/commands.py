"""`casework report`: the board's report as a file, for scheduled pulls."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click


def _period(kind: str, year: int | None, start: date | None, end: date | None):
    from casework.reports.periods import Period, PeriodError, PeriodKind, standard_period

    if kind == PeriodKind.CUSTOM:
        if start is None or end is None:
            raise click.UsageError("a custom range needs --start and --end")
        try:
            return Period(start, end, PeriodKind.CUSTOM)
        except PeriodError as error:
            raise click.UsageError(str(error)) from None
    if year is None:
        raise click.UsageError(f"--year is needed for --period {kind}")
    return standard_period(kind, year)


def register(cli: click.Group) -> None:
    @cli.command("report")
    @click.option("--period", "kind", required=True,
                  type=click.Choice(["first_half", "second_half", "year", "action_month",
                                     "custom"]))
    @click.option("--year", type=click.IntRange(2000, 2100))
    @click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First day (custom).")
    @click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (custom).")
    @click.option("--line", default="both", show_default=True,
                  type=click.Choice(["1800", "111", "both"]))
    @click.option("--format", "fmt", default="csv", show_default=True,
                  type=click.Choice(["csv", "xlsx", "json"]))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def report(kind, year, start, end, line, fmt, out):
        """Write the board's anonymised report (suppression applied) to a file; audited."""
        from casework import audit
        from casework.cli import build_app
        from casework.extensions import db
        from casework.reports import exports
        from casework.reports.periods import Line, PeriodError, today_in
        from casework.reports.releases import release_report

        period = _period(kind, year, start and start.date(), end and end.date())
        app = build_app()
        settings = app.extensions["casework.settings"]
        with app.app_context(), app.test_request_context():
            try:
                # Counted on a reading connection (no write lock held); a custom range's
                # release is recorded after, in a short transaction of its own.
                result = release_report(period, Line(line), k=settings.suppression_k,
                                        timezone=settings.timezone,
                                        today=today_in(settings.timezone), released_by=None)
            except PeriodError as error:
                raise click.ClickException(str(error.args[0])) from None
            if fmt == "json":
                content = json.dumps(exports.to_json(result), ensure_ascii=False, indent=2)
                data = content.encode("utf-8")
            else:
                data = exports.to_csv(result) if fmt == "csv" else exports.to_xlsx(result)
            audit.record("export", "report", None)  # before the file exists, never after
            db.session.commit()
            out.write_bytes(data)
            # A custom range's title is formatted by Flask-Babel: inside the app context.
            click.echo(f"Wrote {out} ({period.title()}, line {line}).")
