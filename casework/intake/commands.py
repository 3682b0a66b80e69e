"""`casework seed --calls N`: synthetic calls in bulk for benchmarks, with a progress bar;
`casework lookups`: who looked up how many phone numbers and names."""

from __future__ import annotations

import time

import click


def register(cli: click.Group) -> None:
    cli.add_command(seed)
    cli.add_command(lookups)


@click.command("lookups")
@click.option("--days", default=7, show_default=True, type=click.IntRange(min=1),
              help="Look back this many days.")
def lookups(days: int) -> None:
    """Repeat-caller lookups per user: many distinct terms is someone testing numbers."""
    from datetime import timedelta

    from casework.cli import build_app
    from casework.db import utcnow
    from casework.intake.lookups import lookup_activity

    app = build_app()
    with app.app_context():
        rows = lookup_activity(utcnow() - timedelta(days=days))
    click.echo(f"Repeat-caller lookups of the last {days} days (terms are kept only as keyed "
               "hashes):")
    click.echo(f"{'user':<24} {'lookups':>8} {'distinct':>9} {'refused':>8}")
    for row in rows:
        click.echo(f"{row.username:<24} {row.lookups:>8} {row.distinct_terms:>9} "
                   f"{row.refused:>8}")


@click.command("seed")
@click.option("--calls", "count", required=True, type=click.IntRange(min=1),
              help="How many calls to add.")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(min=1),
              help="Calls inserted and committed at a time.")
@click.option("--days", default=365, show_default=True, type=click.IntRange(min=1),
              help="Spread the calls over this many days up to now.")
@click.option("--seed", "random_seed", type=int, default=None,
              help="Random seed, for the same data on every run.")
def seed(count: int, batch_size: int, days: int, random_seed: int | None) -> None:
    """Add N synthetic calls (and their survivors) to the database; never for real data."""
    from casework.checks import migrations_at_head
    from casework.cli import build_app
    from casework.db import refresh_planner_statistics
    from casework.extensions import db
    from casework.intake.seeding import seed_calls

    app = build_app()
    with app.app_context():
        if migrations_at_head(app):
            raise click.ClickException("The database is not at the latest migration: "
                                       "run `casework init-db` first.")
    if not app.extensions["casework.settings"].is_demo:
        click.echo("Adding synthetic calls to a non-demo instance (for benchmarks).", err=True)
    started = time.perf_counter()
    with app.app_context(), click.progressbar(length=count, label="Seeding calls") as bar:
        result = seed_calls(count, batch_size=batch_size, days=days, seed=random_seed,
                            progress=bar.update)
    with app.app_context():
        refresh_planner_statistics(db.engine)  # a bulk load changes every table's shape
    seconds = time.perf_counter() - started
    click.echo(f"Added {result.calls:,} calls ({len(result.data_call_ids):,} data calls, "
               f"{result.survivors:,} survivors) in {seconds:.1f} s: "
               f"{result.calls / seconds:,.0f} calls/s.")
