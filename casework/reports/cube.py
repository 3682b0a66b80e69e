"""The counts behind one report table, as a cube of four dimensions.

A table's rows, its columns, the time (every period of a release plan) and the line are
each a `Dimension`: a list of leaves (the finest codes the query returns) and the nodes a
reader can see or derive, each node a set of leaves (a code, a group of codes, a total, a
period). The query fills the cube at leaf level only; every published number is a sum of
leaves. That is exactly what a reader can reason with, so suppression and its audit work
on the leaves (`casework.reports.suppression`, `casework.reports.solver`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from casework.reports.periods import Period

TOTAL = "total"


@dataclass(frozen=True)
class Node:
    """A published or derivable aggregate of one dimension: a set of its leaves."""

    key: str
    leaves: frozenset[int]
    published: bool = True
    label: object = None
    kind: str = "item"  # item, group or total: how a table shows it


@dataclass(frozen=True)
class Dimension:
    """Leaves, the nodes over them, and the partitions a reader can add up."""

    name: str
    leaves: tuple[str, ...]
    nodes: tuple[Node, ...]
    # (parent node index, child node indices): the parent's leaves are exactly the
    # disjoint union of the children's, so parent = sum of children.
    partitions: tuple[tuple[int, tuple[int, ...]], ...] = ()
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._index.update({node.key: i for i, node in enumerate(self.nodes)})
        if len(self._index) != len(self.nodes):
            raise ValueError(f"dimension {self.name}: two nodes share a key")

    def index(self, key: str) -> int:
        return self._index[key]

    def leaf_index(self, code: str) -> int | None:
        try:
            return self.leaves.index(code)
        except ValueError:
            return None

    def incidence(self) -> np.ndarray:
        """A nodes × leaves 0/1 matrix."""
        matrix = np.zeros((len(self.nodes), len(self.leaves)), dtype=np.int64)
        for i, node in enumerate(self.nodes):
            matrix[i, sorted(node.leaves)] = 1
        return matrix


def _partitions_by_leaves(nodes: Sequence[Node]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Every way a node splits into two other nodes, and into its single-leaf nodes."""
    by_leaves = {node.leaves: i for i, node in enumerate(nodes)}
    found: set[tuple[int, tuple[int, ...]]] = set()
    for p, parent in enumerate(nodes):
        singles = [by_leaves.get(frozenset({leaf})) for leaf in sorted(parent.leaves)]
        if len(singles) > 1 and None not in singles:
            found.add((p, tuple(sorted(singles))))
        for a, part in enumerate(nodes):
            if a == p or not part.leaves < parent.leaves:
                continue
            rest = by_leaves.get(parent.leaves - part.leaves)
            if rest is not None and a < rest:
                found.add((p, (a, rest)))
    return tuple(sorted(found))


def flat_dimension(name: str, codes: Sequence[tuple[str, object]], *, total_label=None,
                   groups: Sequence[tuple[str, object, Sequence[str]]] = (),
                   total_key: str = TOTAL) -> Dimension:
    """Coded leaves, optional groups of them, and a total (when there is more than one)."""
    leaves = tuple(code for code, _label in codes)
    nodes = [Node(code, frozenset({i}), label=label) for i, (code, label) in enumerate(codes)]
    for key, label, members in groups:
        nodes.append(Node(key, frozenset(leaves.index(m) for m in members), label=label,
                          kind="group"))
    if len(leaves) > 1 and total_label is not None:
        nodes.append(Node(total_key, frozenset(range(len(leaves))), label=total_label,
                          kind="total"))
    return Dimension(name, leaves, tuple(nodes), _partitions_by_leaves(nodes))


def count_dimension(label) -> Dimension:
    """A single column: the table is a list of counts."""
    return flat_dimension("count", [("count", label)])


def multi_valued_dimension(name: str, codes: Sequence[tuple[str, object]],
                           combinations: Iterable[frozenset[str]], total_label) -> Dimension:
    """A list where one person may have several codes (forms of violence, say).

    The leaves are the combinations that occur; a code's node is every combination that
    contains it, and the total counts each person once. The combinations themselves are
    not shown but a reader could derive some, so they are nodes too.
    """
    combos = sorted({frozenset(c) for c in combinations if c}, key=lambda c: sorted(c))
    leaves = tuple("+".join(sorted(c)) for c in combos)
    nodes = [
        Node(code, frozenset(i for i, c in enumerate(combos) if code in c), label=label)
        for code, label in codes
    ]
    nodes.append(Node(TOTAL, frozenset(range(len(combos))), label=total_label, kind="total"))
    nodes += [Node("combination:" + leaf, frozenset({i}), published=False)
              for i, leaf in enumerate(leaves)]
    return Dimension(name, leaves, tuple(nodes), _partitions_by_leaves(nodes))


def line_dimension(labels: dict[str, object]) -> Dimension:
    """The 1800 hotline and the 111 line, and both together."""
    return flat_dimension("line", [("1800", labels["1800"]), ("111", labels["111"])],
                          total_label=labels["both"], total_key="both")


@dataclass(frozen=True)
class TimeAtom:
    """Days that belong to exactly the same periods of a plan: one time leaf."""

    periods: frozenset[str]  # keys of the periods containing these days
    ranges: tuple[tuple, ...]  # (first day, last day) pairs, in order


def time_dimension(periods: Sequence[Period]) -> tuple[Dimension, tuple[TimeAtom, ...]]:
    """Periods as nodes over atoms: the pieces a reader can tell apart by differencing.

    Besides the periods, the atoms and every difference of two nested periods are nodes
    (never shown, but derivable, so they are protected like the rest).
    """
    atoms = _time_atoms(periods)
    member = {p.key: frozenset(i for i, a in enumerate(atoms) if p.key in a.periods)
              for p in periods}
    nodes = [Node(p.key, member[p.key], label=p) for p in periods]
    seen = {node.leaves for node in nodes}

    def add_hidden(key: str, leaves: frozenset[int]) -> None:
        if leaves and leaves not in seen:
            seen.add(leaves)
            nodes.append(Node(key, leaves, published=False))

    for i, _atom in enumerate(atoms):
        add_hidden(f"atom:{i}", frozenset({i}))
    for outer, inner in itertools.permutations(periods, 2):
        if member[inner.key] < member[outer.key]:
            add_hidden(f"{outer.key}-{inner.key}", member[outer.key] - member[inner.key])
    dimension = Dimension("time", tuple(f"atom:{i}" for i in range(len(atoms))), tuple(nodes),
                          _partitions_by_leaves(nodes))
    return dimension, atoms


def _time_atoms(periods: Sequence[Period]) -> tuple[TimeAtom, ...]:
    """Split the days covered by the periods where membership changes."""
    cuts = sorted({p.start for p in periods} | {p.end + timedelta(1) for p in periods})
    pieces: dict[frozenset[str], list[tuple]] = {}
    for first, after in itertools.pairwise(cuts):
        last = after - timedelta(1)
        inside = frozenset(p.key for p in periods if p.start <= first and last <= p.end)
        if inside:
            pieces.setdefault(inside, []).append((first, last))
    ordered = sorted(pieces.items(), key=lambda item: item[1][0][0])
    return tuple(TimeAtom(key, tuple(ranges)) for key, ranges in ordered)


@dataclass
class Cube:
    """Leaf counts of a table over (rows, columns, time, line), and sums over nodes."""

    dims: tuple[Dimension, Dimension, Dimension, Dimension]
    counts: np.ndarray

    @classmethod
    def empty(cls, dims) -> Cube:
        return cls(tuple(dims), np.zeros([len(d.leaves) for d in dims], dtype=np.int64))

    def add(self, leaf_codes: Sequence[str], count: int) -> None:
        """Add a query row's count at its leaf; a code unknown to the table is ignored."""
        index = [d.leaf_index(code) for d, code in zip(self.dims, leaf_codes)]
        if None not in index:
            self.counts[tuple(index)] += int(count)

    def node_values(self) -> np.ndarray:
        """Every node combination's count: the counts summed through each incidence."""
        values = self.counts
        for axis, dimension in enumerate(self.dims):
            values = np.moveaxis(np.tensordot(dimension.incidence(), values, axes=([1], [axis])),
                                 0, axis)
        return values

    def combinations(self) -> Iterable[tuple[int, int, int, int]]:
        return itertools.product(*(range(len(d.nodes)) for d in self.dims))

    def keys(self, combo: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(d.nodes[i].key for d, i in zip(self.dims, combo))

    def combo(self, keys: Sequence[str]) -> tuple[int, ...]:
        return tuple(d.index(key) for d, key in zip(self.dims, keys))


def without_empty_leaves(cube: Cube) -> Cube:
    """The same cube without row and column leaves that are zero everywhere.

    Such a leaf adds nothing to any sum and every node made only of such leaves is a shown
    zero, so dropping them changes nothing a reader knows; it makes suppression cheaper.
    """
    dims, counts = list(cube.dims), cube.counts
    for axis in (0, 1):
        others = tuple(a for a in range(counts.ndim) if a != axis)
        keep = np.flatnonzero(counts.sum(axis=others))
        if len(keep) == len(dims[axis].leaves):
            continue
        dims[axis] = _keep_leaves(dims[axis], keep)
        counts = np.take(counts, keep, axis=axis)
    return Cube(tuple(dims), counts)


def _keep_leaves(dimension: Dimension, keep: np.ndarray) -> Dimension:
    position = {int(old): new for new, old in enumerate(keep)}
    nodes = []
    for node in dimension.nodes:
        leaves = frozenset(position[leaf] for leaf in node.leaves if leaf in position)
        if leaves:
            nodes.append(Node(node.key, leaves, node.published, node.label, node.kind))
    return Dimension(dimension.name, tuple(dimension.leaves[i] for i in keep), tuple(nodes),
                     _partitions_by_leaves(nodes))


def coarsened(fine: Cube, fine_atoms: Sequence[TimeAtom], periods: Sequence[Period]) -> Cube:
    """The cube over fewer periods, summed from a cube whose atoms are finer.

    Every atom of the finer plan lies inside one atom of the coarser (the one with the same
    periods among those kept), or outside them all. Rows and columns are then reduced to the
    leaves that count something, and nodes that hold none of those are dropped, whatever
    the finer cube covered: a range's cube is the same however many ranges came after it,
    so its suppression is too.
    """
    time, atoms = time_dimension(periods)
    keys = {p.key for p in periods}
    position = {atom.periods: index for index, atom in enumerate(atoms)}
    shape = list(fine.counts.shape)
    shape[2] = len(atoms)
    counts = np.zeros(shape, dtype=np.int64)
    for index, atom in enumerate(fine_atoms):
        inside = atom.periods & keys
        if inside:
            counts[:, :, position[inside], :] += fine.counts[:, :, index, :]
    dims = [fine.dims[0], fine.dims[1], time, fine.dims[3]]
    for axis in (0, 1):
        others = tuple(a for a in range(counts.ndim) if a != axis)
        keep = np.flatnonzero(counts.sum(axis=others))
        dims[axis] = _keep_leaves(dims[axis], keep)
        counts = np.take(counts, keep, axis=axis)
    return Cube(tuple(dims), counts)
