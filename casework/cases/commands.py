"""Command-line wiring of the cases domain.

There is no command of its own: registering makes `casework seed --calls N` (intake's
command) also open cases, with referrals and services, from the calls it generates.
"""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    from casework.cases.seeding import register_seed_hook

    register_seed_hook()
