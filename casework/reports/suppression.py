"""Small-cell suppression, applied on the server before anything is shown or exported.

Every count from 1 to k−1 is shown as `<k` (primary suppression); zero is shown as 0.
Other counts are hidden as `x` where a reader could otherwise work a small count out from
totals, from the other line, or from another period of the same release plan
(complementary suppression). A release may only add marks to the periods it releases: the
earlier releases are fixed and known to the reader. Each round is checked by an integer
solver (`casework.reports.solver`) until no small count, shown or derivable, has a single
possible value. The method and its limits are in docs/statistics.md.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from casework.reports.cube import Cube, Dimension, without_empty_leaves
from casework.reports.solver import Audit

log = logging.getLogger("casework.reports")

Combo = tuple[int, int, int, int]
KeyCombo = tuple[str, str, str, str]


class Mark(StrEnum):
    SMALL = "small"  # primary: 1..k-1, shown as "<k"
    HIDDEN = "hidden"  # complementary: shown as "x", any count from 1 up


class SuppressionError(ValueError):
    """The threshold cannot protect anything (k below 3 makes `<k` name the count)."""


def check_threshold(k: int) -> None:
    if k < 3:
        raise SuppressionError("suppression_k must be at least 3: `<2` would mean exactly 1")


@dataclass
class Release:
    """One step of a release plan: the time nodes released now and those released before."""

    released: frozenset[int]
    opened: frozenset[int]


def protect(cube: Cube, releases: Sequence[Release], k: int,
            fixed: Mapping[KeyCombo, Mark] | None = None) -> dict[KeyCombo, Mark]:
    """The marks of every published count of the cube, release by release.

    `fixed` holds the marks of releases computed elsewhere (the standard periods, for a
    custom range); the cube's time dimension must name those periods too.
    """
    check_threshold(k)
    cube = without_empty_leaves(cube)
    values = cube.node_values()
    marks: dict[Combo, Mark] = {}
    for keys, mark in (fixed or {}).items():
        marks[cube.combo(keys)] = mark
    for release in releases:
        _Round(cube, values, release, k, marks).run()
    return {cube.keys(combo): mark for combo, mark in marks.items()}


class _Round:
    """Suppression of one release: primary marks, then complements until the audit passes."""

    def __init__(self, cube: Cube, values: np.ndarray, release: Release, k: int,
                 marks: dict[Combo, Mark]):
        self.cube, self.values, self.release, self.k, self.marks = cube, values, release, k, marks
        self.published = [c for c in cube.combinations() if self._is_published(c)]
        self.equations = list(_equations(cube, self._relevant_time()))
        self.by_term: dict[Combo, list[int]] = defaultdict(list)
        for number, (_parent, terms) in enumerate(self.equations):
            for term in terms:
                self.by_term[term].append(number)
        self.sensitive = [c for c in _combos_over(cube, self._relevant_time())
                          if 1 <= self.values[c] < k]
        self.unresolved: set[Combo] = set()
        # Hiding more only loosens the reader's constraints: a count once shown to have a
        # second possible value keeps it for the rest of the round.
        self.protected: set[Combo] = set()
        self.just_hidden: list[Combo] = []

    def _is_published(self, combo: Combo) -> bool:
        dims = self.cube.dims
        return (all(dims[d].nodes[i].published for d, i in enumerate(combo))
                and combo[2] in self.release.released)

    def _is_open(self, combo: Combo) -> bool:
        return combo[2] in self.release.opened and self._is_published(combo)

    def _relevant_time(self) -> set[int]:
        """Released periods, and the derivable time nodes lying inside them."""
        time = self.cube.dims[2]
        covered = frozenset().union(*(time.nodes[t].leaves for t in self.release.released))
        return {t for t, node in enumerate(time.nodes)
                if t in self.release.released or (not node.published and node.leaves <= covered)}

    def run(self) -> None:
        for combo in self.published:
            if self._is_open(combo) and 1 <= self.values[combo] < self.k:
                self.marks[combo] = Mark.SMALL
        while True:
            while self._propagate():
                pass
            determined = self._audit()
            if not determined:
                return
            self.just_hidden = []
            for target in determined:
                self._hide_near(target)

    def _propagate(self) -> bool:
        """Narrow every count's range through the sums; hide more where that pins one down.

        Interval reasoning over 'total = sum of parts' (what a reader does with a pencil):
        a hidden count must stay hidden, so this release cannot undo an earlier one, and a
        small count must not be pinned even where nothing shows it. Returns True when
        something was hidden, and the reasoning must start again.
        """
        low, high = self._initial_bounds()
        queue, queued = deque(range(len(self.equations))), set(range(len(self.equations)))
        hid = False
        while queue:
            number = queue.popleft()
            queued.discard(number)
            terms = self.equations[number][1]
            for node in _tighten(terms, low, high):
                if low[node] == high[node] and self._is_exposed(node):
                    hid = self._hide_one(terms) or self._withhold([list(terms)]) or hid
                for other in self.by_term[node]:
                    if other not in queued:
                        queue.append(other)
                        queued.add(other)
        return hid

    def _is_exposed(self, node: Combo) -> bool:
        return node not in self.unresolved and (
            node in self.marks or 1 <= self.values[node] < self.k)

    def _initial_bounds(self) -> tuple[dict, dict]:
        """What a reader knows of each count before any reasoning: its value, or its mark."""
        low: dict[Combo, float] = defaultdict(float)
        high: dict[Combo, float] = defaultdict(lambda: math.inf)
        for combo in self.published:
            mark = self.marks.get(combo)
            if mark is None:
                low[combo] = high[combo] = float(self.values[combo])
            elif mark == Mark.SMALL:
                low[combo], high[combo] = 1.0, float(self.k - 1)
            else:
                low[combo] = 1.0
        return low, high

    def _hide_one(self, candidates: Iterable[Combo]) -> bool:
        """Hide a small shown count of this release among the candidates."""
        usable = [c for c in candidates
                  if self._is_open(c) and c not in self.marks and self.values[c] > 0]
        if not usable:
            return False
        chosen = min(usable, key=lambda c: (int(self.values[c]), c))  # the least lost
        self.marks[chosen] = Mark.HIDDEN
        self.just_hidden.append(chosen)
        return True

    def _audit(self) -> list[Combo]:
        audit = Audit([d.incidence() for d in self.cube.dims], self.cube.counts, self.k)
        shown = [c for c in self.published if c not in self.marks]
        audit.publish(shown, [int(self.values[c]) for c in shown],
                      [c for c, m in self.marks.items() if m == Mark.SMALL],
                      [c for c, m in self.marks.items() if m == Mark.HIDDEN])
        checked = [c for c in self.sensitive
                   if c not in self.unresolved and c not in self.protected]
        determined = [checked[i] for i in audit.determined(checked)]
        self.protected.update(set(checked) - set(determined))
        return determined

    def _hide_near(self, target: Combo) -> None:
        """Hide a shown count close to a determined small count, widening until one helps.

        First a shown count summed with it; else a nearby `<k` of this release is withheld as
        `x` (its upper bound was the clue); else shown counts further away: sharing leaves
        with it, then by how many dimensions differ.
        """
        if any(_overlaps(self.cube, c, target) for c in self.just_hidden):
            return  # a count hidden for another target this pass may settle this one
        rings = list(self._rings(target))
        if self._hide_one(rings[1]) or self._withhold(rings):
            return
        if any(self._hide_one(ring) for ring in rings[2:]):
            return
        log.warning("report suppression: a small count stays derivable from earlier releases")
        self.unresolved.add(target)

    def _withhold(self, rings: list[list[Combo]]) -> bool:
        """Show a nearby `<k` of this release as `x` instead: its upper bound was the clue."""
        for ring in rings:
            withheld = [c for c in ring if self.marks.get(c) == Mark.SMALL and self._is_open(c)]
            if withheld:
                chosen = min(withheld, key=lambda c: (int(self.values[c]), c))
                self.marks[chosen] = Mark.HIDDEN
                self.just_hidden.append(chosen)
                return True
        return False

    def _rings(self, target: Combo) -> Iterable[list[Combo]]:
        yield [target]
        yield [t for n in self.by_term[target] for t in self.equations[n][1]]
        yield [c for c in self.published if _overlaps(self.cube, c, target)]
        for distance in range(1, len(target) + 1):
            yield [c for c in self.published if sum(a != b for a, b in zip(c, target)) == distance]


def _overlaps(cube: Cube, a: Combo, b: Combo) -> bool:
    return all(d.nodes[i].leaves & d.nodes[j].leaves for d, i, j in zip(cube.dims, a, b))


def _combos_over(cube: Cube, times: set[int]) -> Iterable[Combo]:
    return (c for c in cube.combinations() if c[2] in times)


def _equations(cube: Cube, times: set[int]) -> Iterable[tuple[Combo, tuple[Combo, ...]]]:
    """Every 'parent = sum of parts' a reader can write, along each dimension."""
    ranges = [range(len(d.nodes)) for d in cube.dims]
    ranges[2] = sorted(times)
    for axis, dimension in enumerate(cube.dims):
        others = ranges[:axis] + ranges[axis + 1:]
        for parent, parts in dimension.partitions:
            if axis == 2 and (parent not in times or any(p not in times for p in parts)):
                continue
            for rest in itertools.product(*others):
                def at(node: int, rest=rest) -> Combo:
                    return (*rest[:axis], node, *rest[axis:])

                yield at(parent), (at(parent), *(at(p) for p in parts))


def release_steps(time: Dimension, groups: Sequence[Sequence]) -> list[Release]:
    """The rounds of a release plan: each group's periods opened after the earlier ones."""
    released: set[int] = set()
    steps = []
    for group in groups:
        opened = frozenset(time.index(period.key) for period in group)
        released |= opened
        steps.append(Release(frozenset(released), opened))
    return steps


def _tighten(terms: Sequence[Combo], low: dict, high: dict) -> list[Combo]:
    """Narrow the ranges of `parent = sum(parts)`; return the counts whose range changed."""
    parent, parts = terms[0], terms[1:]
    changed = []
    sum_low = sum(low[p] for p in parts)
    sum_high = sum(high[p] for p in parts)
    if sum_low > low[parent] or sum_high < high[parent]:
        low[parent], high[parent] = max(low[parent], sum_low), min(high[parent], sum_high)
        changed.append(parent)
    for part in parts:
        others_high = sum_high - high[part] if high[part] != math.inf else _sum_without(
            parts, part, high)
        new_low = max(low[part], low[parent] - others_high)
        new_high = min(high[part], high[parent] - (sum_low - low[part]))
        if new_low > low[part] or new_high < high[part]:
            low[part], high[part] = new_low, new_high
            changed.append(part)
    return changed


def _sum_without(parts: Sequence[Combo], skip: Combo, bounds: dict) -> float:
    return sum(bounds[p] for p in parts if p != skip)
