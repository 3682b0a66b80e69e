"""Audit a suppression pattern the way a determined reader would attack it.

The reader knows every published number of every release, the meaning of the marks (`<k`
is 1..k−1; `x` is at least 1, since zero is always shown; a small count may be withheld
as `x` where its `<k` would give it away, so `x` promises no more), that the leaves are
whole numbers, and how every number is a sum of leaves. A small count is recovered when
all of that allows one value only. We ask an integer solver (HiGHS through SciPy) for a
second solution in which the count differs; a count with no second solution is
"determined", and the caller hides more.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

# A count the solver cannot settle within this many seconds is treated as determined,
# which only ever hides more.
TIME_LIMIT_SECONDS = 5.0
BATCH_ATTEMPTS = 16


class Audit:
    """Integer constraints over a cube's leaves, built from what a reader sees."""

    def __init__(self, incidences: Sequence[np.ndarray], counts: np.ndarray, k: int):
        self.shape = tuple(m.shape[0] for m in incidences)
        matrix = sparse.csr_array(incidences[0])
        for incidence in incidences[1:]:
            matrix = sparse.kron(matrix, sparse.csr_array(incidence), format="csr")
        self.matrix = matrix  # one row per node combination, one column per leaf
        self.truth = counts.reshape(-1).astype(np.int64)
        self.k = k
        self.rows: list[int] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.zero_leaves = np.zeros(self.truth.size, dtype=bool)
        self.bound = float(self.truth.sum() + k)  # finite: any leaf fits below it

    def rows_of(self, combos: Sequence[Sequence[int]]) -> np.ndarray:
        if not combos:
            return np.zeros(0, dtype=np.int64)
        return np.ravel_multi_index(tuple(np.asarray(combos).T), self.shape)

    def publish(self, shown: Sequence[Sequence[int]], values: Sequence[int],
                small: Sequence[Sequence[int]], hidden: Sequence[Sequence[int]]) -> None:
        """Record what a reader sees: shown values, `<k` marks and `x` marks."""
        shown_rows, values = self.rows_of(shown), np.asarray(values, dtype=float)
        zero_rows = shown_rows[values == 0]
        if zero_rows.size:
            self.zero_leaves[self.matrix[zero_rows, :].indices] = True
        for rows, lower, upper in ((shown_rows, values, values),
                                   (self.rows_of(small), 1.0, self.k - 1.0),
                                   (self.rows_of(hidden), 1.0, np.inf)):
            self.rows.extend(rows.tolist())
            self.lower.extend(np.broadcast_to(lower, rows.shape).tolist())
            self.upper.extend(np.broadcast_to(upper, rows.shape).tolist())

    def determined(self, sensitive: Sequence[Sequence[int]]) -> list[int]:
        """Indices (into `sensitive`) of the counts that admit only their true value."""
        if not sensitive:
            return []
        targets = self.matrix[self.rows_of(sensitive), :]
        true_values = targets @ self.truth
        open_ = set(range(len(sensitive)))
        # Push many counts at once (all up, all down, then mixed directions): each solution
        # found clears every count it moves; only the stubborn ones are tried one by one.
        rng = np.random.default_rng(len(sensitive))
        attempt, idle = 0, 0
        while open_ and attempt < BATCH_ATTEMPTS and idle < 2:
            indices = sorted(open_)
            if attempt < 2:
                weights = np.full(len(indices), 1.0 if attempt == 0 else -1.0)
            else:
                weights = rng.choice([-1.0, 1.0], size=len(indices))
            moved = self._moved(targets, true_values, indices, weights)
            open_ -= moved
            attempt, idle = attempt + 1, (0 if moved else idle + 1)
        determined = []
        for index in sorted(open_):
            if not (self._moved(targets, true_values, [index], np.ones(1))
                    or self._moved(targets, true_values, [index], -np.ones(1))):
                determined.append(index)
        return determined

    def _moved(self, targets, true_values, indices: list[int], weights: np.ndarray) -> set[int]:
        """Which of the given counts a solution maximising their weighted sum moves."""
        chosen = targets[indices, :]
        objective = -np.asarray(chosen.T @ weights).ravel()
        solution = self._solve(objective)
        if solution is None:
            return set()
        values = chosen @ solution
        return {i for i, v in zip(indices, values) if round(v) != true_values[i]}

    def _solve(self, objective: np.ndarray) -> np.ndarray | None:
        """A solution optimising the objective: the LP relaxation if it lands on whole
        numbers (it usually does on these sums), else the integer program."""
        relaxed = self._run(objective, integral=False)
        if relaxed is None:
            return None
        if np.allclose(relaxed, np.rint(relaxed), atol=1e-6):
            return np.rint(relaxed)
        return self._run(objective, integral=True)

    def _problem(self) -> tuple[Bounds, LinearConstraint | tuple]:
        """Bounds and constraints, built once: every solve of an audit shares them."""
        if not hasattr(self, "_built"):
            upper = np.where(self.zero_leaves, 0.0, self.bound)
            constraints = ()
            if self.rows:
                constraints = LinearConstraint(self.matrix[self.rows, :].tocsc(), self.lower,
                                               self.upper)
            self._built = (Bounds(np.zeros(self.truth.size), upper), constraints)
        return self._built

    def _run(self, objective: np.ndarray, *, integral: bool) -> np.ndarray | None:
        bounds, constraints = self._problem()
        result = milp(
            objective,
            integrality=np.full(self.truth.size, 1 if integral else 0),
            bounds=bounds,
            constraints=constraints,
            options={"time_limit": TIME_LIMIT_SECONDS, "presolve": True},
        )
        return None if result.x is None else np.asarray(result.x)
