"""Configuration self-test for `casework check` and `casework serve`: each problem named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from casework.extensions import db

Check = Callable[[Flask], list[str]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    """Register a check; domains add their own (keys, audit chain head, …)."""
    CHECKS.append(function)
    return function


@check
def database_reachable(app: Flask) -> list[str]:
    from casework.faults import database_fault

    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        fault = database_fault(error)
        return [f"database unusable: {fault}" if fault else
                f"database unreachable: {type(error).__name__}"]
    return []


@check
def reports_replica_reachable(app: Flask) -> list[str]:
    from casework.db import REPORTS_BIND, reading_connection

    if REPORTS_BIND not in db.engines:
        return []
    try:
        # Read only, as the reports do: a replica refuses writes, SQLite would wait for the
        # write lock this check's session holds.
        with reading_connection(db.engines[REPORTS_BIND]) as connection:
            connection.execute(sa.text("SELECT 1 FROM report_releases LIMIT 1"))
    except sa.exc.SQLAlchemyError as error:
        return [f"reports replica (CASEWORK_REPORTS_DATABASE_URL) unusable: "
                f"{type(error).__name__}"]
    return []


@check
def migrations_at_head(app: Flask) -> list[str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(app.extensions["migrate"].directory)
    try:
        # The session's own connection: on SQLite a second connection would wait for the
        # write lock this session already holds, then fail and hide the problem.
        connection = db.session.connection()
        current = set(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.SQLAlchemyError:
        return []  # already reported as unreachable
    if current != set(script.get_heads()):
        return ["database is not at the latest migration: run `casework init-db`"]
    return []


@check
def sqlite_durability(app: Flask) -> list[str]:
    if db.engine.dialect.name != "sqlite":
        return []
    mode = db.session.execute(sa.text("PRAGMA journal_mode")).scalar()
    return [] if str(mode).lower() == "wal" else [f"SQLite journal_mode is {mode}, not WAL"]


@check
def sqlite_storage(app: Flask) -> list[str]:
    """A full or read-only disk, and database files other users may read."""
    if db.engine.dialect.name != "sqlite" or not db.engine.url.database:
        return []
    from casework.storage import sqlite_file_problems

    return sqlite_file_problems(Path(db.engine.url.database))


@check
def production_settings(app: Flask) -> list[str]:
    settings = app.extensions["casework.settings"]
    if settings.is_demo:
        return []
    problems = []
    if not settings.cookie_secure:
        problems.append("CASEWORK_COOKIE_SECURE is off outside a demo: serve over HTTPS")
    from casework.accounts.models import User
    from casework.accounts.passwords import verify_password
    from casework.demo import DEMO_PASSWORD

    try:
        for user in db.session.scalars(sa.select(User).where(User.is_active_account)):
            if verify_password(user.password_hash, DEMO_PASSWORD):
                problems.append(f"user {user.username} still has the demo password")
    except sa.exc.SQLAlchemyError:
        pass
    return problems


def demo_warnings(app: Flask) -> list[str]:
    """Say loudly what a demo instance switches off, so nobody mistakes it for production."""
    settings = app.extensions["casework.settings"]
    if not settings.is_demo:
        return []
    return ["THIS IS A DEMO INSTANCE (CASEWORK_IS_DEMO or is_demo in casework.toml): "
            "two-step sign-in is not required, cookies may travel without HTTPS, accounts "
            "may keep the demo password and these production checks are skipped. "
            "Never enter real people's data in it."]


def demo_on_postgresql(app: Flask) -> list[str]:
    """A demo on PostgreSQL is a production database with its protections switched off."""
    settings = app.extensions["casework.settings"]
    if settings.is_demo and not settings.is_sqlite:
        return ["demo mode is on for a PostgreSQL database: a demo runs only on SQLite. "
                "Unset CASEWORK_IS_DEMO (and is_demo in casework.toml) for this instance"]
    return []


def configuration_problems(app: Flask) -> list[str]:
    problems: list[str] = []
    for function in CHECKS:
        try:
            problems.extend(function(app))
        except sa.exc.SQLAlchemyError:
            # A database that fails is named once, by database_reachable, not by each check.
            db.session.rollback()
    return problems
