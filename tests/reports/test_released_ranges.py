"""Custom ranges against each other: the register of released ranges, and a reader who
differences them.

A range is protected jointly with every range released before it (and the standard
periods of their years); the attacker of `tests/reports/attacker.py` reads everything
released and tries to pin any small count of any time piece, shown or derived.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.extensions import db
from casework.reports.cube import Cube, coarsened, flat_dimension, line_dimension, time_dimension
from casework.reports.models import ReleasedRange
from casework.reports.periods import Period, release_groups
from casework.reports.service import CustomRanges, released_ranges, standard_periods
from casework.reports.suppression import protect, release_steps
from casework.reports.tables import TABLES
from tests.reports.attacker import (
    integer_recoveries, linear_recoveries, published, small_targets,
)
from tests.reports.seeding import seed_year
from tests.reports.test_board import screen_tables

YEAR = 2024
K = 5
LINES = {"1800": "1800", "111": "111", "both": "both"}


def custom(first: tuple[int, int], last: tuple[int, int], year: int = YEAR) -> Period:
    return Period(date(year, *first), date(year, *last))


MARCH_1_20 = custom((3, 1), (3, 20))
MARCH_2_20 = custom((3, 2), (3, 20))
MARCH_20_APRIL_30 = custom((3, 20), (4, 30))  # shares 20 March with both
MARCH_1_APRIL_30 = custom((3, 1), (4, 30))  # shares the first day with one, the last with another


# --- on synthetic cubes -------------------------------------------------------------------

def fine_cube(counts_for, ranges) -> tuple[Cube, tuple]:
    """A rows × cols table over the year's standard periods and the ranges, at fine atoms."""
    periods = standard_periods([YEAR]) + list(ranges)
    time, atoms = time_dimension(periods)
    rows, cols = 3, 2
    row_dim = flat_dimension("rows", [(f"r{i}", None) for i in range(rows)], total_label="t")
    col_dim = flat_dimension("cols", [(f"c{i}", None) for i in range(cols)], total_label="t")
    cube = Cube.empty((row_dim, col_dim, time, line_dimension(LINES)))
    cube.counts[...] = counts_for(cube.counts.shape)
    return cube, atoms


def synthetic_releases(cube, atoms, register) -> CustomRanges:
    """The marks of each range in `register`, against the ranges before it (as the service)."""

    def standard_marks(year):
        standard = coarsened(cube, atoms, standard_periods([year]))
        return protect(standard, release_steps(standard.dims[2], release_groups(year)), K)

    return CustomRanges(cube, atoms, register, K, standard_marks)


def everything_published(cube, releases: CustomRanges, ranges) -> dict:
    marks = dict(releases.standard_marks(YEAR))
    for period in ranges:
        marks.update(releases.marks(period))
    return marks


def recoveries(cube, marks, ranges) -> list:
    """Small counts of any time piece that everything released pins to one value."""
    released = {p.key for p in standard_periods([YEAR]) + list(ranges)}
    seen = published(cube, marks, released, K)
    targets = small_targets(cube, {node.key for node in cube.dims[2].nodes}, K)
    assert targets, "the example has small counts to protect"
    return linear_recoveries(cube, seen, targets) + integer_recoveries(cube, seen, targets, K)


def poisson(seed: int, mean: float = 2.0):
    return lambda shape: np.random.default_rng(seed).poisson(mean, size=shape)


@pytest.mark.parametrize("ranges", [
    [MARCH_1_20, MARCH_2_20],
    [MARCH_1_20, MARCH_2_20, MARCH_20_APRIL_30],
    [MARCH_1_APRIL_30, MARCH_1_20, MARCH_20_APRIL_30],
], ids=["a day apart", "three, sharing 20 March", "three, sharing both ends"])
def test_ranges_released_one_after_another_give_nothing_away(ranges):
    cube, atoms = fine_cube(poisson(11), ranges)
    releases = synthetic_releases(cube, atoms, ranges)
    assert recoveries(cube, everything_published(cube, releases, ranges), ranges) == []


def test_ranges_protected_only_against_the_standard_periods_give_a_day_away():
    """The attack has teeth: without the register, 1–20 March minus 2–20 March is 1 March."""
    ranges = [MARCH_1_20, MARCH_2_20]
    cube, atoms = fine_cube(poisson(11, 20.0), ranges)  # large counts, but 1 March alone
    first_of_march = next(i for i, atom in enumerate(atoms)
                          if atom.ranges == ((MARCH_1_20.start, MARCH_1_20.start),))
    cube.counts[:, :, first_of_march, :] = np.random.default_rng(2).integers(
        0, 3, size=cube.counts[:, :, first_of_march, :].shape)
    alone = [synthetic_releases(cube, atoms, []) for _ in ranges]
    marks = dict(alone[0].standard_marks(YEAR))
    for releases, period in zip(alone, ranges):
        marks.update(releases.marks(period))
    assert recoveries(cube, marks, ranges)


def test_a_range_keeps_its_marks_whatever_is_released_after_it():
    later = [MARCH_1_20, MARCH_2_20, MARCH_1_APRIL_30, custom((11, 1), (12, 31))]
    cube, atoms = fine_cube(poisson(5), later)
    first_periods = standard_periods([YEAR]) + [MARCH_1_20]
    as_first_shown = coarsened(cube, atoms, first_periods)  # the same days, fewer periods
    alone = synthetic_releases(as_first_shown, time_dimension(first_periods)[1],
                               [MARCH_1_20]).marks(MARCH_1_20)
    assert synthetic_releases(cube, atoms, later).marks(MARCH_1_20) == alone


days = st.dates(date(YEAR, 1, 1), date(YEAR, 12, 31))
ranges_strategy = st.lists(st.tuples(days, days).map(lambda d: Period(min(d), max(d))),
                           min_size=2, max_size=3, unique=True)


@settings(max_examples=6)
@given(ranges=ranges_strategy, seed=st.integers(0, 1000))
def test_random_custom_ranges_give_nothing_away(ranges, seed):
    cube, atoms = fine_cube(poisson(seed, 1.5), ranges)
    releases = synthetic_releases(cube, atoms, ranges)
    released = {p.key for p in standard_periods([YEAR]) + ranges}
    marks = everything_published(cube, releases, ranges)
    seen = published(cube, marks, released, K)
    targets = small_targets(cube, {node.key for node in cube.dims[2].nodes}, K)
    assert integer_recoveries(cube, seen, targets, K) == []


# --- on seeded data, through the service and the board's page ----------------------------

@pytest.fixture
def seeded(app, db_session):
    seed_year(YEAR, calls=150)  # small counts everywhere
    db_session.commit()


@pytest.fixture
def board(login_as, seeded):
    return login_as("board")


def query(period: Period, line: str = "both") -> str:
    return f"/reports/?kind=custom&start={period.start}&end={period.end}&line={line}"


def register_rows(db_session) -> list[tuple]:
    return db_session.execute(
        sa.select(ReleasedRange.start_day, ReleasedRange.end_day, ReleasedRange.line)
        .order_by(ReleasedRange.id)).all()


def test_the_register_records_a_release_once(client, board, db_session):
    for _ in range(2):
        assert client.get(query(MARCH_1_20)).status_code == 200
    assert client.get(query(MARCH_1_20).replace("/reports/?", "/reports/export.csv?")
                      ).status_code == 200
    assert client.get(f"/reports/?kind=year&year={YEAR}&line=both").status_code == 200
    assert register_rows(db_session) == [(MARCH_1_20.start, MARCH_1_20.end, "both")]
    client.get(query(MARCH_1_20, "111"))
    assert len(register_rows(db_session)) == 2
    assert released_ranges(K, db.session.connection()) == (MARCH_1_20,)


def test_a_released_range_viewed_again_shows_the_same_table(client, board):
    first = report_tables(client.get(query(MARCH_1_20)).text)
    for later in (MARCH_2_20, MARCH_20_APRIL_30, MARCH_1_APRIL_30):
        assert client.get(query(later)).status_code == 200
    assert report_tables(client.get(query(MARCH_1_20)).text) == first


def report_tables(page: str) -> list:
    """The report's tables, without the list of released ranges after them."""
    tables = screen_tables(page)
    assert tables[-1][0][0] in ("Range", "Khoảng thời gian"), "the released ranges come last"
    return tables[:-1]


def test_the_board_sees_its_released_ranges_and_is_told_of_a_close_one(client, board):
    client.get(query(MARCH_1_20))
    page = client.get(query(MARCH_2_20)).text
    assert 'id="nearby-ranges"' in page and "01/03/2024 – 20/03/2024" in page
    assert 'id="released-ranges"' in page and "02/03/2024 – 20/03/2024" in page
    far = client.get(query(custom((9, 1), (10, 31)))).text
    assert 'id="nearby-ranges"' not in far


def seeded_marks(ranges, spec):
    """Every mark published for the standard periods and the ranges, released in order."""
    releases = CustomRanges.from_database(spec, ranges[-1], ranges, k=K,
                                          timezone="Asia/Ho_Chi_Minh",
                                          connection=db.session.connection())
    marks = dict(releases.standard_marks(YEAR))
    for period in ranges:
        marks.update(releases.marks(period))
    return releases.fine, marks


ATTACKED_TABLES = [spec for spec in TABLES if spec.key in ("calls", "closure_reasons")]


@pytest.mark.parametrize("ranges", [
    [MARCH_1_20, MARCH_2_20],
    [MARCH_1_20, MARCH_2_20, MARCH_20_APRIL_30],
], ids=["two", "three"])
@pytest.mark.parametrize("spec", ATTACKED_TABLES, ids=lambda spec: spec.key)
def test_seeded_ranges_and_standard_periods_give_nothing_away(seeded, spec, ranges):
    cube, marks = seeded_marks(ranges, spec)
    released = {p.key for p in standard_periods([YEAR]) + ranges}
    seen = published(cube, marks, released, K)
    targets = small_targets(cube, {node.key for node in cube.dims[2].nodes}, K)
    assert targets, "the seeded data has small counts"
    assert integer_recoveries(cube, seen, targets, K) == []
