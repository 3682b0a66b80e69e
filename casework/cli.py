"""The `casework` command: demo, serve, instance and database set-up, users, self-test."""

from __future__ import annotations

import getpass
import importlib
import sys
from pathlib import Path

import click
from flask import Flask

from casework.config import ConfigError

# Domain modules that add commands: each exposes `register(cli)`.
COMMAND_MODULES: tuple[str, ...] = ("casework.audit.commands", "casework.crypto.commands",
                                     "casework.intake.commands", "casework.reports.commands",
                                     "casework.i18n_commands", "casework.cases.commands")


def build_app(**overrides) -> Flask:
    """Create the app for a command, turning a configuration problem into a clear message."""
    from casework import create_app
    from casework.crypto import CryptoError

    try:
        return create_app(overrides or None)
    except (ConfigError, CryptoError) as error:
        raise click.ClickException(f"Cannot start: {error}") from None


@click.group()
@click.version_option(package_name="casework")
def cli() -> None:
    """Casework: case management for GBV hotlines and the 111 child line."""


def ensure_instance(instance: Path, *, demo: bool) -> bool:
    """Create the instance folder with its secret key and keyring if absent."""
    from casework.config import KEYRING_DIR, KEYRING_FILE, create_instance
    from casework.crypto.keyring import new_keyring, save_keyring_file

    created = create_instance(instance, demo=demo)
    keyring_path = instance.resolve() / KEYRING_DIR / KEYRING_FILE
    if created and not keyring_path.exists():
        save_keyring_file(keyring_path, new_keyring())
    return created


def upgrade_database(app: Flask) -> None:
    from flask_migrate import upgrade

    from casework.crypto.keycheck import configure_key_check
    from casework.db import refresh_planner_statistics
    from casework.extensions import db

    with app.app_context():
        upgrade()
        refresh_planner_statistics(db.engine)
    configure_key_check(app)  # a new database records the primary key's check value


@cli.command("init-instance")
@click.option("--instance", type=click.Path(path_type=Path), envvar="CASEWORK_INSTANCE",
              default="instance", show_default=True)
@click.option("--demo", is_flag=True, help="Mark the instance as a demo (no 2FA, DEMO banner).")
def init_instance(instance: Path, demo: bool) -> None:
    """Create an instance folder with a fresh secret key and keyring."""
    if ensure_instance(instance, demo=demo):
        click.echo(f"Created instance at {instance.resolve()}")
        click.echo("Back up the keys/ folder apart from the data: without it nothing decrypts.")
    else:
        click.echo(f"An instance already exists at {instance.resolve()}; nothing changed.")


@cli.command("init-db")
def init_db() -> None:
    """Apply every database migration (safe to run again)."""
    upgrade_database(build_app())
    click.echo("Database is at the latest migration.")


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--instance", type=click.Path(path_type=Path), envvar="CASEWORK_INSTANCE",
              default="instance", show_default=True)
@click.option("--no-serve", is_flag=True, help="Create and seed the demo, then exit.")
def demo(host: str, port: int, instance: Path, no_serve: bool) -> None:
    """Create a demo instance with synthetic data if absent, and serve it."""
    from casework.checks import demo_on_postgresql
    from casework.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo

    created = ensure_instance(instance, demo=True)
    app = build_app(instance_path=str(instance))
    if not app.extensions["casework.settings"].is_demo:
        raise click.ClickException(f"{instance} is not a demo instance; use `casework serve`.")
    if not no_serve and (problems := demo_on_postgresql(app)):
        raise click.ClickException("Cannot serve: " + "; ".join(problems))
    upgrade_database(app)
    if created:
        click.echo("Creating demo data (synthetic, Vietnamese)…")
        with app.app_context():
            seed_demo(lambda message: click.echo(f"  {message}"))
    click.echo(f"\nCasework DEMO at http://{host}:{port}/")
    click.echo("Accounts (password for all: %s):" % DEMO_PASSWORD)
    for username, _name, role in DEMO_ACCOUNTS:
        click.echo(f"  {username:<13} {role.value}")
    if not no_serve:
        _serve(app, host, port, threads=8)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--allow-demo-on-postgresql", is_flag=True, hidden=True,
              help="Automated tests only: serve a synthetic demo on a scratch PostgreSQL.")
def serve(host: str, port: int, threads: int, allow_demo_on_postgresql: bool) -> None:
    """Run the production WSGI server (waitress); refuses to start without keys and secrets."""
    from casework.checks import demo_on_postgresql, demo_warnings

    app = build_app()
    problems = _check_problems(app)
    if not allow_demo_on_postgresql:
        problems += demo_on_postgresql(app)
    if problems:
        raise click.ClickException("Cannot start:\n  " + "\n  ".join(problems))
    for warning in demo_warnings(app):
        click.echo(f"WARNING: {warning}", err=True)
    _refresh_statistics(app)
    click.echo(f"Casework serving on http://{host}:{port}/")
    _serve(app, host, port, threads=threads)


def _refresh_statistics(app: Flask) -> None:
    """On SQLite, refresh the planner's statistics, which nothing else keeps current."""
    from casework.db import refresh_planner_statistics
    from casework.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            refresh_planner_statistics(db.engine)


def _serve(app: Flask, host: str, port: int, threads: int) -> None:
    from casework.instance_lock import serving
    from casework.serving import ServerLockError, serve_app

    settings = app.extensions["casework.settings"]
    database = "sqlite" if settings.is_sqlite else "postgresql"
    try:
        # Recorded while serving, so that `casework restore` can see it and refuse.
        with serving(settings.instance_path, f"http://{host}:{port}/", database):
            serve_app(app, host, port, threads)
    except ServerLockError as error:
        raise click.ClickException(f"Cannot start: {error}") from None


@cli.command("create-user")
@click.option("--username", required=True)
@click.option("--display-name", required=True)
@click.option("--role", required=True,
              type=click.Choice(["operator", "social_worker", "supervisor", "board", "admin"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(username: str, display_name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (the password is asked for, never given on the command line)."""
    from casework.accounts import service
    from casework.accounts.passwords import PasswordPolicyError
    from casework.extensions import db

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
    app = build_app()
    with app.app_context():
        try:
            service.create_user(username=username, display_name=display_name, role=role,
                                password=password)
        except PasswordPolicyError as error:
            raise click.ClickException(f"Password refused: {error.args[0]}") from None
        except service.AccountError:
            raise click.ClickException(f"The username {username!r} is taken.") from None
        db.session.commit()
    click.echo(f"Created {role} {username}.")


@cli.command("check")
def check() -> None:
    """Self-test the configuration; names every problem and exits non-zero if any."""
    from casework.checks import demo_on_postgresql, demo_warnings

    app = build_app()
    warnings = demo_warnings(app)
    for warning in warnings:
        click.echo(f"WARNING: {warning}")
    problems = _check_problems(app) + demo_on_postgresql(app)
    for problem in problems:
        click.echo(f"PROBLEM: {problem}")
    if problems:
        sys.exit(1)
    if warnings:
        click.echo("OK FOR A DEMO ONLY: configuration, keys and database are in order, "
                   "but this instance must never hold real data.")
        return
    click.echo("OK: configuration, keys and database are in order.")


def _check_problems(app: Flask) -> list[str]:
    from casework.checks import configuration_problems

    with app.app_context():
        return configuration_problems(app)


for _module_name in COMMAND_MODULES:
    importlib.import_module(_module_name).register(cli)


def main() -> None:
    cli(prog_name="casework")
