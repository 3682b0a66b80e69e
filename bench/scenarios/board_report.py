"""The board's whole-year report, against the raw SQL aggregates it needs.

The measured side is `build_report` for the last whole year and both lines, as the board's
page calls it: every table's aggregate query, the count cubes, small-cell suppression with
its complements, and the layout. It is timed twice: with the suppression cache emptied
first (a fresh server process, the board's first request) and with it warm (the same
report asked again). The baseline runs the same aggregate statements and fetches their
rows, nothing else. The seed spreads calls over two years, so the last whole year holds
about half of them: 500,000 at the default size, the 111 line's national yearly volume.
"""

from __future__ import annotations

from datetime import date

from bench.scenarios import Context, Unavailable
from bench.stats import Comparison, Target, interleave

TARGET = Target(1.5)
COLD_ROUNDS = 3


def _reports():
    try:
        from casework.reports import periods, queries, service, tables
    except ImportError as error:
        raise Unavailable(f"the board's reports are missing ({error})") from None
    return periods, queries, service, tables


def last_year() -> int:
    periods, *_ = _reports()
    return periods.today_in("Asia/Ho_Chi_Minh").year - 1


def report_path(site) -> str:
    """The board page's URL for the last whole year and both lines."""
    _reports()
    return f"/reports/?kind=year&year={last_year()}&line=both"


def raw_aggregates(period, settings) -> int:
    """Run every aggregate statement the report runs; returns the rows fetched."""
    periods, queries, service, tables = _reports()
    from casework.extensions import db
    from casework.reports.cube import time_dimension

    _plan, needed = service.plan_periods(period)
    _time, atoms = time_dimension(needed)
    window = queries.Window.of(atoms, settings.timezone)
    statements = [spec.query(window) for spec in tables.TABLES]
    statements.append(queries.median_histogram(window))
    return sum(len(db.session.execute(statement).all()) for statement in statements)


def run(context: Context) -> list[Comparison]:
    periods, _queries, service, _tables = _reports()
    site, app = context.site, context.site.app
    settings = app.extensions["casework.settings"]
    period = periods.whole_year(last_year())
    today = date.today()

    def report(cold: bool):
        def once():
            if cold:
                service._cache.clear()  # what a fresh server process starts with
            with app.test_request_context():
                service.build_report(period, periods.Line.BOTH, k=settings.suppression_k,
                                     timezone=settings.timezone, today=today)
        return once

    def baseline():
        with app.app_context():
            raw_aggregates(period, settings)

    comparisons = []
    for cold, label in ((True, "year report, first request"),
                        (False, "year report, asked again")):
        # A cold report takes minutes at national scale: three of them show the spread.
        rounds = min(context.options.rounds, COLD_ROUNDS) if cold else context.options.rounds
        measured, base = interleave(report(cold), baseline, rounds=rounds, per_round=1,
                                    subject_label=label, baseline_label="raw SQL aggregates",
                                    warm_up=1)
        comparisons.append(Comparison(f"Board's year report ({last_year()})", site.database,
                                      site.calls, measured, base, TARGET,
                                      note="suppression computed" if cold
                                      else "suppression from the cache"))
    return comparisons
