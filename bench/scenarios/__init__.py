"""Benchmark scenarios: each runs against a seeded `Site` and returns its comparisons.

A scenario is a function `run(context) -> list[Comparison]`; it raises `Unavailable` when the
feature it measures is not there, and the run records why instead of stopping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.site import Site
from bench.stats import Comparison


class Unavailable(RuntimeError):
    """The scenario cannot run here; the message says what is missing."""


@dataclass
class Options:
    rounds: int = 5
    server_threads: int = 8
    clients: int = 4
    calls_per_client: int = 100


@dataclass
class Context:
    site: Site
    options: Options
    workdir: Path
    progress: Callable[[str], None] = print
    # Figures one scenario measures and another reuses, e.g. the rotation's peak memory.
    observations: dict[str, object] = field(default_factory=dict)


Scenario = Callable[[Context], list[Comparison]]
