"""Run every benchmark scenario against its same-run baseline and write docs/benchmarks.md.

    python -m bench.run                       # 1,000,000 calls on SQLite and PostgreSQL
    python -m bench.run --calls 20000         # a quick run, a minute or two
    python -m bench.run --databases sqlite --scenarios logging,lookup

Each database is a scratch one, created for the run and dropped after it. Memory is
measured at a tenth of the size first and again at the full size, so its flatness shows.
"""

from __future__ import annotations

import importlib
import shlex
import sys
import tempfile
import time
import traceback
from pathlib import Path

import click

from bench import document, machine
from bench.scenarios import Context, Options, Unavailable
from bench.site import Site, SiteError
from bench.stats import Comparison

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Scenario name → module in bench/scenarios exposing `run(context)`, in the order they run.
SCENARIOS = {
    "logging": "bench.scenarios.call_logging",
    "lookup": "bench.scenarios.repeat_lookup",
    "caseload": "bench.scenarios.caseload",
    "report": "bench.scenarios.board_report",
    "rotation": "bench.scenarios.key_rotation",
    "memory": "bench.scenarios.memory",
}
COUNTED_TABLES = ("calls", "survivors", "cases", "case_calls", "referrals", "services_delivered",
                  "audit_entries", "users")


class Run:
    """One benchmark run: its options, what it measured and what it could not."""

    def __init__(self, options: Options, workdir: Path, scenarios: list[str]):
        self.options, self.workdir, self.scenarios = options, workdir, scenarios
        self.comparisons: list[Comparison] = []
        self.unavailable: list[str] = []
        self.sizes: dict[str, dict[str, int]] = {}

    def on(self, site: Site, calls: int) -> None:
        """Seed one database, run the scenarios on it, then drop it."""
        context = Context(site=site, options=self.options, workdir=self.workdir,
                          progress=say)
        try:
            site.create()
            memory = "memory" in self.scenarios
            if memory:
                site.seed_to(max(calls // 10, 1), say)
                self.attempt("memory-small", context)
            site.seed_to(calls, say)
            self.sizes[f"{site.database}, {calls:,} calls"] = site.row_counts(COUNTED_TABLES)
            for name in self.scenarios:
                self.attempt(name, context)
        except SiteError as error:
            self.unavailable.append(f"everything on {site.database}: {error}")
            say(str(error))
        finally:
            site.drop()

    def attempt(self, name: str, context: Context) -> None:
        """Run one scenario; a missing feature or a failure is recorded, not fatal."""
        module = SCENARIOS["memory" if name == "memory-small" else name]
        say(f"  {context.site.database}: {name}…")
        started = time.monotonic()
        try:
            scenario = importlib.import_module(module)
            run = scenario.run_small if name == "memory-small" else scenario.run
            found = run(context)
        except (Unavailable, ImportError) as error:
            self.unavailable.append(f"{name} on {context.site.database}: {error}")
            say(f"    not measured: {error}")
            return
        except Exception as error:  # noqa: BLE001 — one broken scenario must not lose the run
            traceback.print_exc()
            self.unavailable.append(f"{name} on {context.site.database}: failed with "
                                    f"{type(error).__name__}: {error}")
            return
        for comparison in found:
            say(f"    {comparison.subject.label}: {comparison.ratio:.2f}× "
                f"({comparison.target.describe()}) {comparison.verdict}")
        self.comparisons.extend(found)
        say(f"    done in {time.monotonic() - started:.0f} s")


def say(message: str) -> None:
    click.echo(message)
    sys.stdout.flush()


@click.command()
@click.option("--calls", default=1_000_000, show_default=True, type=click.IntRange(min=100),
              help="Calls to seed (with cases, referrals and services in proportion).")
@click.option("--databases", default="sqlite,postgresql", show_default=True)
@click.option("--scenarios", default=",".join(SCENARIOS), show_default=True)
@click.option("--postgres-url", default=DEFAULT_POSTGRES, show_default=True,
              envvar="CASEWORK_BENCH_POSTGRES_URL",
              help="A server where this user may CREATE DATABASE.")
@click.option("--rounds", default=5, show_default=True, type=click.IntRange(min=1),
              help="Alternating rounds of measured and baseline timings.")
@click.option("--threads", default=8, show_default=True, help="Server threads (both servers).")
@click.option("--clients", default=4, show_default=True, help="Concurrent HTTP clients.")
@click.option("--output", default=str(ROOT / "docs" / "benchmarks.md"), show_default=True,
              type=click.Path(path_type=Path))
@click.option("--workdir", type=click.Path(path_type=Path), default=None,
              help="Where scratch instances live (default: a temporary folder).")
def main(calls, databases, scenarios, postgres_url, rounds, threads, clients, output,
         workdir) -> None:
    """Seed, measure every scenario against its baseline, write the benchmarks page."""
    chosen = [name.strip() for name in scenarios.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        raise click.BadParameter(f"unknown scenarios {unknown}; choose from {list(SCENARIOS)}")
    started = time.monotonic()
    workdir = workdir or Path(tempfile.mkdtemp(prefix="casework-bench-"))
    run = Run(Options(rounds=rounds, server_threads=threads, clients=clients), workdir, chosen)
    names = [name.strip() for name in databases.split(",") if name.strip()]
    for database in names:
        say(f"{database}: {calls:,} calls")
        run.on(Site(database, workdir, postgres_url), calls)
    document.write(
        output, command="python -m bench.run " + shlex.join(sys.argv[1:]),
        machine=machine.describe(postgres_url if "postgresql" in names else None),
        sizes=run.sizes, comparisons=run.comparisons, unavailable=run.unavailable,
        seconds=time.monotonic() - started,
    )
    say(f"Wrote {output}")


if __name__ == "__main__":
    main()
