"""Build the board's report: run each table's query, protect it, and lay it out to show.

Everything a reader gets (page, CSV, XLSX, JSON) is made from the `Report` returned here,
after suppression: the hidden values never leave this module.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from flask_babel import lazy_gettext as _l

from casework.db import utcnow
from casework.extensions import db
from casework.reports import queries
from casework.reports.cube import Cube, line_dimension, time_dimension
from casework.reports.periods import (
    LINE_LABELS, Line, Period, PeriodKind, check_releasable, release_groups, release_plan,
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

    @property
    def line_label(self):
        return LINE_LABELS[self.line]


def line_keys(line: Line) -> list[str]:
    return ["1800", "111", "both"] if line == Line.BOTH else [line.value]


def build_report(period: Period, line: Line, *, k: int, timezone: str, today: date) -> Report:
    """Every table of the board's report for one period and line, suppression applied."""
    check_releasable(period, today)
    tables = [build_table(spec, period, line, k=k, timezone=timezone) for spec in TABLES]
    tables.append(closure_median(period, line, k=k, timezone=timezone))
    return Report(period, line, k, tables, utcnow())


def plan_periods(period: Period) -> tuple[list[tuple[Period, ...]], list[Period]]:
    """The release groups up to `period`, and every period its time dimension names."""
    plan = release_plan(period)
    if period.kind == PeriodKind.CUSTOM:
        return plan, [p for group in plan for p in group]
    return plan, [p for group in release_groups(period.start.year) for p in group]


def build_table(spec: TableSpec, period: Period, line: Line, *, k: int, timezone: str) -> Table:
    cube = fill_cube(spec, plan_periods(period)[1], timezone)
    marks = protected_marks(spec, cube, period, k=k, timezone=timezone)
    return lay_out(spec, cube, marks, period, line, k)


def fill_cube(spec: TableSpec, periods: list[Period], timezone: str) -> Cube:
    """Run the table's one query and put its counts at their leaves."""
    time, atoms = time_dimension(periods)
    result = db.session.execute(spec.query(Window.of(atoms, timezone))).all()
    rows = [(f"atom:{r.atom}", r.line, spec.row_leaf(r.row), r.col, r.n)
            for r in result if r.atom >= 0]
    row_dim = spec.rows(sorted({row[2] for row in rows}))
    cube = Cube.empty((row_dim, spec.cols(), time, line_dimension(LINE_LABELS)))
    for atom, line, row, col, n in rows:
        cube.add((row, col, atom, line), n)
    return cube


def protected_marks(spec: TableSpec, cube: Cube, period: Period, *, k: int, timezone: str):
    plan, _periods = plan_periods(period)
    if period.kind != PeriodKind.CUSTOM:
        return cached_protect(cube, release_steps(cube.dims[2], plan), k)
    fixed = {}
    for year in period.years:
        last = release_groups(year)[-1][-1]
        standard = fill_cube(spec, plan_periods(last)[1], timezone)
        fixed.update(protected_marks(spec, standard, last, k=k, timezone=timezone))
    released = frozenset(cube.dims[2].index(p.key) for group in plan for p in group)
    opened = frozenset({cube.dims[2].index(period.key)})
    return cached_protect(cube, [Release(released, opened)], k, fixed)


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


def closure_median(period: Period, line: Line, *, k: int, timezone: str) -> Table:
    """Median whole days from the report to closure, per line; hidden below k cases."""
    _plan, periods = plan_periods(period)
    time, atoms = time_dimension(periods)
    inside = {index for index, atom in enumerate(atoms) if period.key in atom.periods}
    histograms: dict[str, Counter] = {key: Counter() for key in ("1800", "111", "both")}
    for r in db.session.execute(queries.median_histogram(Window.of(atoms, timezone))):
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
