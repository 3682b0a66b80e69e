"""`casework audit verify`: walk the chain and name the first broken entry."""

from __future__ import annotations

import sys

import click


def register(cli: click.Group) -> None:
    cli.add_command(audit)


@click.group()
def audit() -> None:
    """The append-only audit trail."""


@audit.command("verify")
@click.option("--batch-size", default=5000, show_default=True, type=int,
              help="Entries read from the database at a time.")
def verify(batch_size: int) -> None:
    """Check every entry's MAC and order; exit non-zero at the first broken entry."""
    from flask import current_app

    from casework.audit.head import head_path, read_head, write_head
    from casework.audit.service import last_restore, verify_chain
    from casework.cli import build_app

    app = build_app()
    path = head_path(app.extensions["casework.settings"].instance_path)
    with app.app_context():
        report = verify_chain(current_app.extensions["casework.keyring"], batch_size,
                              expected_head=read_head(path))
    if not report.ok:
        click.echo(f"BROKEN at entry {report.first_broken_seq}: {report.problem} "
                   f"({report.checked} entries before it verified).", err=True)
        sys.exit(1)
    if report.head:
        write_head(path, report.head)
    click.echo(f"OK: {report.checked} audit entries verified; the chain is intact.")
    with app.app_context():
        restore = last_restore()
    if restore is not None:
        click.echo(f"Last restore: from the backup made at {restore.backup_made_at}, "
                   f"recorded after entry {restore.restored_head_seq}.")
