"""Small-cell suppression: properties, and a reader with a solver who tries to undo it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.reports.cube import Cube, flat_dimension, line_dimension, time_dimension
from casework.reports.periods import Period, release_groups, whole_year
from casework.reports.suppression import (
    Mark, Release, SuppressionError, check_threshold, protect, release_steps,
)
from tests.reports.attacker import (
    integer_recoveries, linear_recoveries, published, small_targets,
)

YEAR = 2024
LINES = {"1800": "1800", "111": "111", "both": "both"}


def standard_cube(counts: np.ndarray, periods=None) -> Cube:
    """A rows × cols table over the year's release plan and both lines, filled at leaves."""
    rows = flat_dimension("rows", [(f"r{i}", None) for i in range(counts.shape[0])],
                          total_label="total")
    cols = flat_dimension("cols", [(f"c{i}", None) for i in range(counts.shape[1])],
                          total_label="total")
    periods = periods or [p for group in release_groups(YEAR) for p in group]
    time, _atoms = time_dimension(periods)
    cube = Cube.empty((rows, cols, time, line_dimension(LINES)))
    cube.counts[...] = counts.reshape(cube.counts.shape)
    return cube


def year_keys():
    return {p.key for group in release_groups(YEAR) for p in group}


def relevant_time_keys(cube):
    """Released periods and everything derivable from them: atoms and differences."""
    return {node.key for node in cube.dims[2].nodes}


def protect_year(cube, k=5):
    return protect(cube, release_steps(cube.dims[2], release_groups(YEAR)), k)


counts_strategy = st.integers(2, 3).flatmap(lambda rows: st.integers(2, 3).flatmap(
    lambda cols: st.lists(st.integers(0, 6), min_size=rows * cols * 3 * 2,
                          max_size=rows * cols * 3 * 2).map(
        lambda values: np.array(values, dtype=np.int64).reshape(rows, cols, 3, 2))))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_strategy, k=st.sampled_from([3, 5]))
def test_no_small_count_can_be_recovered_from_every_release_of_a_year(counts, k):
    cube = standard_cube(counts)
    marks = protect_year(cube, k)
    seen = published(cube, marks, year_keys(), k)
    targets = small_targets(cube, relevant_time_keys(cube), k)
    assert integer_recoveries(cube, seen, targets, k) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_strategy, k=st.sampled_from([3, 5]))
def test_marks_fall_on_the_right_counts(counts, k):
    cube = standard_cube(counts)
    marks = protect_year(cube, k)
    values = cube.node_values()
    for combo in cube.combinations():
        keys = cube.keys(combo)
        if keys[2] not in year_keys() or not cube.dims[2].nodes[combo[2]].published:
            continue
        value = int(values[combo])
        if value == 0:
            assert keys not in marks, "zero is always shown"
        elif value < k:
            assert keys in marks, "a small count is never shown"
        if marks.get(keys) == Mark.SMALL:
            assert 1 <= value < k, "<k only ever stands for a small count"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_strategy)
def test_a_release_never_changes_what_an_earlier_one_published(counts):
    cube = standard_cube(counts)
    steps = release_steps(cube.dims[2], release_groups(YEAR))
    first_half_only = protect(cube, steps[:1], 5)
    whole = protect(cube, steps, 5)
    first_half_key = release_groups(YEAR)[0][0].key
    assert {k: m for k, m in whole.items() if k[2] == first_half_key} == first_half_only


def naive(cube, k, times):
    """Primary suppression only: what a careless report would publish."""
    values = cube.node_values()
    return {cube.keys(c): Mark.SMALL for c in cube.combinations()
            if cube.keys(c)[2] in times and 1 <= values[c] < k}


FIXED = np.array([[[[9, 7], [8, 6], [2, 9]], [[12, 3], [7, 8], [6, 6]], [[5, 6], [9, 1], [7, 7]]],
                  [[[6, 8], [9, 7], [8, 6]], [[1, 9], [6, 8], [8, 0]], [[9, 9], [3, 8], [6, 9]]],
                  [[[7, 7], [0, 8], [9, 9]], [[8, 6], [9, 9], [7, 4]], [[8, 7], [6, 8], [9, 6]]]])


def test_the_solver_recovers_cells_from_naive_suppression():
    """The attacks have teeth: with primary suppression only they recover small counts."""
    cube = standard_cube(FIXED)
    marks = naive(cube, 5, year_keys())
    seen = published(cube, marks, year_keys(), 5)
    targets = small_targets(cube, relevant_time_keys(cube), 5)
    assert linear_recoveries(cube, seen, targets)
    assert integer_recoveries(cube, seen, targets, 5)


def test_the_same_data_suppressed_properly_gives_nothing_away():
    cube = standard_cube(FIXED)
    marks = protect_year(cube)
    seen = published(cube, marks, year_keys(), 5)
    targets = small_targets(cube, relevant_time_keys(cube), 5)
    assert targets, "the example has small counts to protect"
    assert linear_recoveries(cube, seen, targets) == []
    assert integer_recoveries(cube, seen, targets, 5) == []


def test_a_custom_range_is_protected_against_the_standard_periods_it_overlaps():
    custom = Period(date(YEAR, 3, 1), date(YEAR, 12, 30))  # differs from the year by days
    periods = [p for group in release_groups(YEAR) for p in group] + [custom]
    rng = np.random.default_rng(3)
    counts = rng.poisson(2.5, size=(3, 2, 5, 2))
    cube = standard_cube(counts, periods)
    standard = protect(cube, release_steps(cube.dims[2], release_groups(YEAR)), 5)
    released = frozenset(cube.dims[2].index(p.key) for p in periods)
    marks = protect(cube, [Release(released, frozenset({cube.dims[2].index(custom.key)}))], 5,
                    fixed=standard)
    keys = {p.key for p in periods}
    seen = published(cube, marks, keys, 5)
    targets = small_targets(cube, relevant_time_keys(cube), 5)
    assert integer_recoveries(cube, seen, targets, 5) == []
    naive_marks = {**standard, **naive(cube, 5, {custom.key})}
    assert integer_recoveries(cube, published(cube, naive_marks, keys, 5), targets, 5)


def test_a_threshold_below_three_is_refused():
    with pytest.raises(SuppressionError):
        check_threshold(2)


def test_the_year_is_one_of_the_release_groups():
    assert whole_year(YEAR) in release_groups(YEAR)[-1]
