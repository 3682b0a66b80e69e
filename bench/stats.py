"""Samples, comparisons against a same-run baseline, and the targets they are held to."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above `share` of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Measurement:
    """What one side of a comparison measured: per-operation seconds, or a single quantity."""

    label: str
    samples: list[float] = field(default_factory=list)
    unit: str = "ms"  # "ms" per operation, "ops/s" throughput, or "MiB"
    operations: int = 0  # for throughput: operations in the timed window
    elapsed: float = 0.0  # for throughput: seconds of the timed window

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95) if self.samples else float("nan")

    @property
    def throughput(self) -> float:
        return self.operations / self.elapsed if self.elapsed else float("nan")

    @property
    def value(self) -> float:
        """The figure compared: throughput, a quantity, or the median time."""
        if self.unit == "ops/s":
            return self.throughput
        return self.samples[0] if self.unit == "MiB" else self.median


@dataclass(frozen=True)
class Target:
    """A ratio the scenario must stay within; `at_least` for throughputs, else at most."""

    ratio: float
    at_least: bool = False
    only_on: str | None = None  # a database name when the target binds only there

    def describe(self) -> str:
        bound = f"≥ {self.ratio:.2f}×" if self.at_least else f"≤ {self.ratio:.2f}×"
        return bound + (f" (on {self.only_on})" if self.only_on else "")

    def verdict(self, ratio: float, database: str) -> str:
        if self.only_on and database != self.only_on:
            return "n/a"
        met = ratio >= self.ratio if self.at_least else ratio <= self.ratio
        return "pass" if met else "MISS"


@dataclass
class Comparison:
    """One scenario on one database at one size, against its baseline."""

    scenario: str
    database: str
    calls: int
    subject: Measurement
    baseline: Measurement
    target: Target
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.subject.value / self.baseline.value

    @property
    def verdict(self) -> str:
        return self.target.verdict(self.ratio, self.database)


def time_each(action: Callable[[], object], count: int, into: Measurement) -> None:
    """Run `action` `count` times, adding each duration in milliseconds to `into`."""
    for _ in range(count):
        started = time.perf_counter()
        action()
        into.samples.append((time.perf_counter() - started) * 1000)


def interleave(subject: Callable[[], object], baseline: Callable[[], object], *, rounds: int,
               per_round: int, subject_label: str, baseline_label: str,
               warm_up: int = 2) -> tuple[Measurement, Measurement]:
    """Time both sides in alternating rounds, so a noisy neighbour hits both alike."""
    for _ in range(warm_up):
        subject(), baseline()
    measured = Measurement(subject_label), Measurement(baseline_label)
    for _ in range(rounds):
        time_each(subject, per_round, measured[0])
        time_each(baseline, per_round, measured[1])
    return measured
