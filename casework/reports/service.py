"""Build the board's report: run each table's query, protect it, and lay it out to show.

Everything a reader gets (page, CSV, XLSX, JSON) is made from the `Report` returned here,
after suppression: the hidden values never leave this module.

A report reads through a connection of its own (`casework.db.reading_connection`): one
snapshot for every table, and on SQLite no write lock, so operators keep saving calls while
a year is counted. Nothing here writes; recording a release is `casework.reports.releases`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from casework import db as database
from casework.db import utcnow
from casework.extensions import db
from casework.reports import queries
from casework.reports.cube import Cube, coarsened, line_dimension, time_dimension
from casework.reports.models import ReleasedRange
from casework.reports.periods import (
    LINE_LABELS, Line, Period, PeriodKind, check_releasable, linked_history, release_groups,
    release_plan, released_before,
)
from casework.reports.queries import Window
from casework.reports.suppression import Mark, Release, protect, release_steps
from casework.reports.tables import TABLES, Rate, TableSpec


@dataclass(frozen=True)
class Cell:
    """One published number, or the mark that stands in for it."""

    value: int | None
    mark: Mark | None
    k: int

    @property
    def text(self) -> str:
        if self.mark == Mark.SMALL:
            return f"<{self.k}"
        if self.mark == Mark.HIDDEN:
            return "x"
        return str(self.value)

    @property
    def shown(self) -> int | None:
        return None if self.mark else self.value


@dataclass
class Row:
    key: str
    label: object
    cells: list[Cell]
    kind: str = "item"  # item, group or total


@dataclass
class RateRow:
    label: object
    texts: list[str]
    targets: tuple = ()

    @property
    def heading(self) -> str:
        """The label with its targets, as the page and the exports print it."""
        if not self.targets:
            return str(self.label)
        targets = "; ".join(f"{label}: {percent} %" for label, percent in self.targets)
        return f"{self.label} ({targets})"


@dataclass
class Table:
    key: str
    title: object
    unit: object
    columns: list[tuple[str, object]]
    rows: list[Row]
    rates: list[RateRow] = field(default_factory=list)
    note: object = None
    chart: bool = True


@dataclass
class Report:
    period: Period
    line: Line
    k: int
    tables: list[Table]
    generated_at: datetime
    # The custom ranges released before, in order, as read for this report: recording its
    # release checks that the ones it was protected with are still all there were.
    released: tuple[Period, ...] = ()

    @property
    def line_label(self):
        return LINE_LABELS[self.line]


def line_keys(line: Line) -> list[str]:
    return ["1800", "111", "both"] if line == Line.BOTH else [line.value]


def build_report(period: Period, line: Line, *, k: int, timezone: str, today: date) -> Report:
    """Every table of the board's report for one period and line, suppression applied."""
    check_releasable(period, today)
    released = released_ranges(k) if period.kind == PeriodKind.CUSTOM else ()
    with report_snapshot() as connection:
        tables = [build_table(spec, period, line, k=k, timezone=timezone, connection=connection,
                              released=released) for spec in TABLES]
        tables.append(closure_median(period, line, k=k, timezone=timezone,
                                     connection=connection))
    return Report(period, line, k, tables, utcnow(), released)


@contextmanager
def report_snapshot() -> Iterator[sa.Connection]:
    """A read-only connection showing every table as of one moment, on the read replica
    when one is configured (CASEWORK_REPORTS_DATABASE_URL), else on the primary.

    On PostgreSQL a transaction of its own is raised to REPEATABLE READ so that all the
    queries share one snapshot (SQLite's deferred read transaction already does). A
    connection joined to an enclosing transaction keeps that transaction's view.
    """
    with database.reading_connection(database.reports_engine(db)) as connection:
        if connection.dialect.name == "postgresql" and not connection.in_nested_transaction():
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield connection


def released_ranges(k: int, connection: sa.Connection | None = None) -> tuple[Period, ...]:
    """The custom ranges released under threshold k, each once, in the order of release.

    Read from the primary (a read of its own unless `connection` is given): a replica may
    not have the latest release yet, and each range must be protected against all of them.
    """
    if connection is None:
        with database.reading_connection(db.engine) as primary:
            return released_ranges(k, primary)
    first = sa.func.min(ReleasedRange.id)
    rows = connection.execute(
        sa.select(ReleasedRange.start_day, ReleasedRange.end_day)
        .where(ReleasedRange.k == k)
        .group_by(ReleasedRange.start_day, ReleasedRange.end_day)
        .order_by(first)
    ).all()
    return tuple(Period(start, end, PeriodKind.CUSTOM) for start, end in rows)


def plan_periods(period: Period) -> tuple[list[tuple[Period, ...]], list[Period]]:
    """The release groups up to a standard period, and every period its time dimension names."""
    plan = release_plan(period)
    return plan, [p for group in release_groups(period.start.year) for p in group]


def build_table(spec: TableSpec, period: Period, line: Line, *, k: int, timezone: str,
                connection: sa.Connection, released: Sequence[Period] = ()) -> Table:
    if period.kind == PeriodKind.CUSTOM:
        custom = CustomRanges.from_database(spec, period, released, k=k, timezone=timezone,
                                            connection=connection)
        return lay_out(spec, custom.fine, custom.marks(period), period, line, k)
    plan, periods = plan_periods(period)
    cube = fill_cube(spec, periods, timezone, connection)
    marks = cached_protect(cube, release_steps(cube.dims[2], plan), k)
    return lay_out(spec, cube, marks, period, line, k)


def fill_cube(spec: TableSpec, periods: Sequence[Period], timezone: str,
              connection: sa.Connection) -> Cube:
    """Run the table's one query and put its counts at their leaves."""
    time, atoms = time_dimension(periods)
    result = connection.execute(spec.query(Window.of(atoms, timezone))).all()
    rows = [(f"atom:{r.atom}", r.line, spec.row_leaf(r.row), r.col, r.n)
            for r in result if r.atom >= 0]
    row_dim = spec.rows(sorted({row[2] for row in rows}))
    cube = Cube.empty((row_dim, spec.cols(), time, line_dimension(LINE_LABELS)))
    for atom, line, row, col, n in rows:
        cube.add((row, col, atom, line), n)
    return cube


def standard_periods(years: Sequence[int]) -> list[Period]:
    return [p for year in years for group in release_groups(year) for p in group]


def _dependencies(period: Period, released: Sequence[Period]
                  ) -> tuple[list[Period], list[int], list[Period]]:
    """What a custom range's marks depend on: the earlier ranges it is protected with, the
    years of them all, and every period involved (the standard ones first, itself last)."""
    history, years = linked_history(period, released_before(period, released))
    return history, years, standard_periods(years) + history + [period]


class CustomRanges:
    """The marks of custom ranges, each protected jointly with everything released before it.

    Each custom range is protected in a round of its own against the standard periods of
    its years and every custom range released before it that shares a year with them
    (`linked_history`), whose marks stay as they were shown. Replaying the register in its
    order makes a range's marks depend only on what was released before it, so a range
    viewed again shows exactly what it showed first (for unchanged data).

    `fine` holds the counts at the finest time atoms of all these periods (one query per
    table); each range's own cube is summed up from it. `standard_marks(year)` gives the
    marks of a year's standard periods as their own reports show them.
    """

    def __init__(self, fine: Cube, atoms: Sequence, released: Sequence[Period], k: int,
                 standard_marks: Callable[[int], dict]):
        self.fine, self.atoms, self.released, self.k = fine, atoms, list(released), k
        self.standard_marks = standard_marks
        self._marks: dict[str, dict] = {}

    @classmethod
    def from_database(cls, spec: TableSpec, period: Period, released: Sequence[Period], *,
                      k: int, timezone: str, connection: sa.Connection) -> CustomRanges:
        periods = _dependencies(period, released)[2]
        standard: dict[int, dict] = {}

        def standard_marks(year: int) -> dict:
            if year not in standard:
                last = release_groups(year)[-1][-1]
                plan, year_periods = plan_periods(last)
                cube = fill_cube(spec, year_periods, timezone, connection)
                standard[year] = cached_protect(cube, release_steps(cube.dims[2], plan), k)
            return standard[year]

        return cls(fill_cube(spec, periods, timezone, connection), time_dimension(periods)[1],
                   released, k, standard_marks)

    def marks(self, target: Period) -> dict:
        if target.key not in self._marks:
            self._marks[target.key] = self._protect(target)
        return self._marks[target.key]

    def _protect(self, target: Period) -> dict:
        history, years, periods = _dependencies(target, self.released)
        fixed: dict = {}
        for year in years:
            fixed.update(self.standard_marks(year))
        for earlier in history:
            fixed.update(self.marks(earlier))
        cube = coarsened(self.fine, self.atoms, periods)
        time = cube.dims[2]
        released = frozenset(time.index(p.key) for p in periods)
        return cached_protect(cube, [Release(released, frozenset({time.index(target.key)}))],
                              self.k, fixed)


_cache: OrderedDict[str, dict] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 512


def cached_protect(cube: Cube, steps, k: int, fixed=None) -> dict:
    """Suppression is a pure function of the counts: remember it for unchanged data."""
    digest = hashlib.sha256()
    for item in (cube.counts.tobytes(), repr([d.leaves for d in cube.dims]),
                 repr([[n.key for n in d.nodes] for d in cube.dims]),
                 repr([(sorted(s.released), sorted(s.opened)) for s in steps]), str(k),
                 repr(sorted((fixed or {}).items()))):
        digest.update(item.encode() if isinstance(item, str) else item)
    key = digest.hexdigest()
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    marks = protect(cube, steps, k, fixed)
    with _cache_lock:
        _cache[key] = marks
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return marks


def lay_out(spec: TableSpec, cube: Cube, marks: dict, period: Period, line: Line,
            k: int) -> Table:
    """The published slice of the cube for one period and line, as rows of cells."""
    values = cube.node_values()
    rows_dim, cols_dim, time, lines = cube.dims
    layer = period.key
    if spec.line_columns:
        columns = [(key, lines.nodes[lines.index(key)].label) for key in line_keys(line)]
        at = [("count", key) for key in line_keys(line)]
    else:
        columns = [(node.key, node.label) for node in cols_dim.nodes if node.published]
        at = [(node.key, line.value) for node in cols_dim.nodes if node.published]

    def cell(row_key: str, col_key: str, line_key: str) -> Cell:
        keys = (row_key, col_key, layer, line_key)
        return Cell(int(values[cube.combo(keys)]), marks.get(keys), k)

    rows = [Row(node.key, node.label, [cell(node.key, c, lk) for c, lk in at], node.kind)
            for node in rows_dim.nodes if node.published]
    rates = [_rate_row(rate, rows) for rate in spec.rates]
    return Table(spec.key, spec.title, spec.unit, columns, rows, rates, spec.note, spec.chart)


def _rate_row(rate: Rate, rows: list[Row]) -> RateRow:
    by_key = {row.key: row for row in rows}
    numerator, denominator = by_key[rate.numerator], by_key[rate.denominator]
    texts = []
    for num, den in zip(numerator.cells, denominator.cells):
        if num.shown is None or den.shown is None:
            texts.append("x")
        elif den.shown == 0:
            texts.append("—")
        else:
            texts.append(f"{100 * num.shown / den.shown:.1f} %")
    return RateRow(rate.label, texts, rate.targets)


def closure_median(period: Period, line: Line, *, k: int, timezone: str,
                   connection: sa.Connection) -> Table:
    """Median whole days from the report to closure, per line; hidden below k cases."""
    periods = [period] if period.kind == PeriodKind.CUSTOM else plan_periods(period)[1]
    _time, atoms = time_dimension(periods)
    inside = {index for index, atom in enumerate(atoms) if period.key in atom.periods}
    histograms: dict[str, Counter] = {key: Counter() for key in ("1800", "111", "both")}
    for r in connection.execute(queries.median_histogram(Window.of(atoms, timezone))):
        if r.atom in inside:
            histograms[r.line][int(r.row)] += r.n
            histograms["both"][int(r.row)] += r.n
    texts = [_median_text(histograms[key], k) for key in line_keys(line)]
    lines = line_dimension(LINE_LABELS)
    columns = [(key, lines.nodes[lines.index(key)].label) for key in line_keys(line)]
    row = RateRow(_l("Median days from report to closure"), texts)
    return Table("closure_time", _l("Time from report to closure"), _l("Days"), columns, [],
                 [row], _l("Shown only where at least %(k)s cases were closed.", k=k), False)


def _median_text(histogram: Counter, k: int) -> str:
    total = sum(histogram.values())
    if total < k:
        return "x"
    values = np.repeat(sorted(histogram), [histogram[d] for d in sorted(histogram)])
    return f"{float(np.median(values)):g}"
