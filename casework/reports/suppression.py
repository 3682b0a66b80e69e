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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from casework.reports.cube import Cube, Dimension
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
        """Derive what single-unknown sums give away; hide one more count if that exposes one.

        Returns True when something was hidden (and the derivation must start again).
        """
        known = {c for c in self.published if c not in self.marks}
        queue = list(range(len(self.equations)))
        while queue:
            parent, terms = self.equations[queue.pop()]
            unknown = [t for t in terms if t not in known]
            if len(unknown) != 1:
                continue
            derived = unknown[0]
            known.add(derived)
            # A hidden count must stay hidden (so this release cannot undo an earlier one),
            # and a small one must not be derivable even where nothing shows it.
            exposed = derived in self.marks or 1 <= self.values[derived] < self.k
            if exposed and derived not in self.unresolved:
                if self._hide_one([t for t in terms if t != parent] + [parent]):
                    return True
                self.unresolved.add(derived)
            queue.extend(self.by_term[derived])
        return False

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
        for combo in self.published:
            mark = self.marks.get(combo)
            if mark is None:
                audit.shown(combo, int(self.values[combo]))
            elif mark == Mark.SMALL:
                audit.marked_small(combo)
            else:
                audit.marked_hidden(combo)
        checked = [c for c in self.sensitive
                   if c not in self.unresolved and c not in self.protected]
        determined = [checked[i] for i in audit.determined(checked)]
        self.protected.update(set(checked) - set(determined))
        return determined

    def _hide_near(self, target: Combo) -> None:
        """Hide a shown count close to a determined small count, widening until one helps.

        Closest first: counts summed with it, then counts sharing leaves with it, then any
        count of this release by how many dimensions differ. When nothing is left to hide,
        a nearby `<k` of this release is withheld as `x`: its upper bound was the clue.
        """
        if any(_overlaps(self.cube, c, target) for c in self.just_hidden):
            return  # a count hidden for another target this pass may settle this one
        for ring in self._rings(target):
            if self._hide_one(ring):
                return
        for ring in self._rings(target):
            withheld = [c for c in ring if self.marks.get(c) == Mark.SMALL and self._is_open(c)]
            if withheld:
                chosen = min(withheld, key=lambda c: (int(self.values[c]), c))
                self.marks[chosen] = Mark.HIDDEN
                self.just_hidden.append(chosen)
                return
        log.warning("report suppression: a small count stays derivable from earlier releases")
        self.unresolved.add(target)

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
