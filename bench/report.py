"""The board's year report against the raw SQL aggregates it needs, in one run.

    python -m bench.report                          # 1,000,000 calls, SQLite and PostgreSQL
    python -m bench.report --calls 100000 --databases sqlite

Seeds a scratch database with `casework seed` (two years of calls: the last whole year holds
about half), then times `build_report` for that year and both lines, cold (suppression
computed, as a fresh server's first request) and warm (suppression from the cache),
interleaved with the same aggregate statements run bare. Prints one table. The measuring
itself is `bench.scenarios.board_report`, which `python -m bench.run` also uses.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from bench.scenarios import Context, Options
from bench.site import Site

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def measure(database: str, calls: int, rounds: int, workdir: Path, postgres_url: str) -> list:
    """Seed one scratch database and return the report's comparisons on it."""
    from bench.scenarios import board_report

    site = Site(database, workdir, postgres_url if database == "postgresql" else None)
    try:
        site.create()
        site.seed_to(calls, click.echo)
        context = Context(site=site, options=Options(rounds=rounds), workdir=workdir,
                          progress=click.echo)
        return board_report.run(context)
    finally:
        site.drop()


def table(comparisons: list) -> str:
    lines = ["| database | calls | report | report median (ms) | raw SQL median (ms) | ratio "
             "| target |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- |"]
    for c in comparisons:
        lines.append(f"| {c.database} | {c.calls:,} | {c.subject.label} | "
                     f"{c.subject.median:,.0f} | {c.baseline.median:,.0f} | {c.ratio:.2f} | "
                     f"{c.target.describe()} {c.verdict} |")
    return "\n".join(lines)


@click.command()
@click.option("--calls", default=1_000_000, show_default=True, type=int)
@click.option("--databases", default="sqlite,postgresql", show_default=True)
@click.option("--rounds", default=3, show_default=True, type=int)
@click.option("--postgres-url", default=DEFAULT_POSTGRES, show_default=True)
def main(calls: int, databases: str, rounds: int, postgres_url: str) -> None:
    """Compare the board's year report with its raw SQL aggregates and print a table."""
    comparisons = []
    with tempfile.TemporaryDirectory(prefix="casework-bench-report-") as folder:
        for database in [name.strip() for name in databases.split(",") if name.strip()]:
            comparisons += measure(database, calls, rounds, Path(folder), postgres_url)
    click.echo(table(comparisons))


if __name__ == "__main__":
    main()
