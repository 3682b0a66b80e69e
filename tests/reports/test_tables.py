"""Each table of the report equals a recount in plain Python over the same seeded data."""

from __future__ import annotations

import statistics
from datetime import date

import numpy as np
import pytest

from casework.extensions import db
from casework.reports import service
from casework.reports.periods import Line, action_month, first_half, whole_year
from casework.reports.tables import TABLES
from tests.reports import recount
from tests.reports.seeding import seed_year

YEAR = 2024
ZONE = "Asia/Ho_Chi_Minh"
PERIODS = [first_half(YEAR), action_month(YEAR), whole_year(YEAR)]
AFTER = date(YEAR + 1, 3, 1)


@pytest.fixture
def seeded(app, db_session):
    seed_year(YEAR)
    return recount.Data()


def leaf_counts(cube) -> dict:
    rows, cols, _time, lines = cube.dims
    return {(rows.leaves[r], cols.leaves[c], lines.leaves[l]): int(cube.counts[r, c, 0, l])
            for r, c, _t, l in zip(*np.nonzero(cube.counts))}


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.kind.value)
def test_each_table_query_counts_what_python_counts(seeded, period):
    window = period.utc_bounds(ZONE)
    for spec in TABLES:
        cube = service.fill_cube(spec, [period], ZONE, db.session.connection())
        expected = +recount.RECOUNTS[spec.key](seeded, window)
        assert leaf_counts(cube) == dict(expected), spec.key


def test_seeded_data_fills_every_table(seeded):
    window = whole_year(YEAR).utc_bounds(ZONE)
    empty = [key for key, count in recount.RECOUNTS.items() if not count(seeded, window)]
    assert empty == []


@pytest.mark.parametrize("line", list(Line), ids=lambda line: line.value)
def test_every_shown_number_equals_the_recount_and_no_small_number_is_shown(seeded, line):
    period = whole_year(YEAR)
    report = service.build_report(period, line, k=5, timezone=ZONE, today=AFTER)
    window = period.utc_bounds(ZONE)
    for spec, table in zip(TABLES, report.tables):
        cube = service.fill_cube(spec, service.plan_periods(period)[1], ZONE,
                                 db.session.connection())
        counted = recount.RECOUNTS[spec.key](seeded, window)
        rows, cols, _time, lines = cube.dims
        for row in table.rows:
            row_leaves = {rows.leaves[i] for i in rows.nodes[rows.index(row.key)].leaves}
            for (col_key, _label), cell in zip(table.columns, row.cells):
                if spec.line_columns:
                    col_leaves, line_key = {"count"}, col_key
                else:
                    col_leaves = {cols.leaves[i] for i in cols.nodes[cols.index(col_key)].leaves}
                    line_key = line.value
                line_leaves = {lines.leaves[i] for i in lines.nodes[lines.index(line_key)].leaves}
                expected = sum(n for (r, c, ln), n in counted.items()
                               if r in row_leaves and c in col_leaves and ln in line_leaves)
                assert cell.value == expected, (spec.key, row.key, col_key)
                if 1 <= expected < 5:
                    assert cell.text == "<5" or cell.text == "x", (spec.key, row.key, col_key)
                if cell.mark is None:
                    assert cell.text == str(expected)
                if expected == 0:
                    assert cell.text == "0"


def test_median_days_to_closure_equals_the_recount(seeded):
    period = whole_year(YEAR)
    report = service.build_report(period, Line.BOTH, k=5, timezone=ZONE, today=AFTER)
    table = report.tables[-1]
    days = recount.closure_days(seeded, period.utc_bounds(ZONE))
    for (key, _label), text in zip(table.columns, table.rates[0].texts):
        values = days.get(key, [])
        assert text == (f"{float(statistics.median(values)):g}" if len(values) >= 5 else "x")


def test_every_row_and_column_of_every_table_has_its_own_key(app):
    """A group named like one of its codes would show one row's numbers on two rows."""
    with app.test_request_context():
        for spec in TABLES:
            for dimension in (spec.rows(["a"]) if spec.key != "violence_forms"
                              else spec.rows(["physical"]), spec.cols()):
                keys = [node.key for node in dimension.nodes]
                assert len(keys) == len(set(keys)), spec.key
