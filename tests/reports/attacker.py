"""A reader who tries to recover hidden counts from what the reports publish.

Written apart from casework.reports.solver, from the published text only: each published
number is a sum of unknown whole, non-negative leaf counts; `<k` says 1..k−1; `x` says at
least 1 (zero is always shown). Two attacks:

- `linear_recoveries`: exact linear algebra (fractions) over the published sums alone, the
  classic "subtract the other cells from the total" and "difference two periods";
- `integer_recoveries`: an integer program per target count, minimising and maximising it
  under every published sum and mark; a count with min == max is recovered.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


def leaf_vector(cube, keys) -> np.ndarray:
    """The 0/1 vector of leaves summed by one published (row, col, time, line) cell."""
    sets = [d.nodes[d.index(key)].leaves for d, key in zip(cube.dims, keys)]
    vector = np.zeros(cube.counts.shape, dtype=float)
    for leaf in itertools.product(*sets):
        vector[leaf] = 1.0
    return vector.ravel()


def published(cube, marks, released_times, k):
    """(vector, text) of every published cell of the released periods, as a reader sees it."""
    values = cube.node_values()
    seen = []
    for combo in cube.combinations():
        keys = cube.keys(combo)
        if keys[2] not in released_times:
            continue
        if not all(d.nodes[i].published for d, i in zip(cube.dims, combo)):
            continue
        mark = marks.get(keys)
        text = str(int(values[combo])) if mark is None else ("<%d" % k if mark == "small" else "x")
        seen.append((leaf_vector(cube, keys), text))
    return seen


def integer_recoveries(cube, seen, targets, k) -> list:
    """The target cells (keys) whose count every published fact pins to one value."""
    size = cube.counts.size
    rows, lower, upper = [], [], []
    for vector, text in seen:
        rows.append(vector)
        if text.startswith("<"):
            lower.append(1.0), upper.append(k - 1.0)
        elif text == "x":
            lower.append(1.0), upper.append(np.inf)
        else:
            lower.append(float(text)), upper.append(float(text))
    constraint = LinearConstraint(np.array(rows), lower, upper)
    bound = float(cube.counts.sum() + k)
    recovered = []
    for keys in targets:
        objective = leaf_vector(cube, keys)
        extremes = []
        for sign in (1.0, -1.0):
            result = milp(sign * objective, integrality=np.ones(size),
                          bounds=Bounds(np.zeros(size), np.full(size, bound)),
                          constraints=constraint)
            assert result.success, result.message
            extremes.append(round(sign * result.fun))
        if extremes[0] == extremes[1]:
            recovered.append(keys)
    return recovered


def linear_recoveries(cube, seen, targets) -> list:
    """Targets whose leaf vector is a combination of the shown sums (exact arithmetic)."""
    shown = [vector for vector, text in seen if text.isdigit()]
    basis = _row_echelon([[Fraction(int(v)) for v in vector] for vector in shown])
    return [keys for keys in targets if _in_span(basis, leaf_vector(cube, keys))]


def _row_echelon(rows):
    basis = []  # (pivot column, row) with the pivot normalised to 1
    for row in rows:
        row = _reduce(basis, row)
        pivot = next((i for i, v in enumerate(row) if v != 0), None)
        if pivot is not None:
            scale = row[pivot]
            basis.append((pivot, [v / scale for v in row]))
    return basis


def _reduce(basis, row):
    row = list(row)
    for pivot, base in basis:
        if row[pivot] != 0:
            factor = row[pivot]
            row = [a - factor * b for a, b in zip(row, base)]
    return row


def _in_span(basis, vector) -> bool:
    return all(v == 0 for v in _reduce(basis, [Fraction(int(v)) for v in vector]))


def small_targets(cube, time_keys, k) -> list:
    """Every cell, shown or derivable, over the given time nodes, whose count is 1..k−1."""
    values = cube.node_values()
    return [cube.keys(c) for c in cube.combinations()
            if cube.keys(c)[2] in time_keys and 1 <= values[c] < k]
