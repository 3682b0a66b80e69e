"""Audit chains in a database of their own, and copies of it whose guards are removed.

Tampering needs the append-only triggers gone, which is only ever done on a copy: the
tests show the guards hold on the original and that `casework audit verify` catches
whatever is done to a copy without them.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import uuid

import sqlalchemy as sa

from casework import create_app
from casework.extensions import db

DROP_GUARDS = {
    "sqlite": ("DROP TRIGGER audit_entries_no_update", "DROP TRIGGER audit_entries_no_delete"),
    "postgresql": ("DROP TRIGGER audit_entries_append_only ON audit_entries",),
}


def instance_app(env: dict):
    """The app of a `fresh_instance`, its database migrated to head."""
    from flask_migrate import upgrade

    app = create_app({"instance_path": env["CASEWORK_INSTANCE"],
                      "database_url": env["CASEWORK_DATABASE_URL"]})
    with app.app_context():
        upgrade()
    return app


def record_events(app, count: int) -> None:
    """Append `count` events, each in its own committed transaction like real requests."""
    from casework.audit import record

    with app.app_context():
        for _ in range(count):
            record("case_view", "case", uuid.uuid4())
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


@contextlib.contextmanager
def unguarded_copy(url: str):
    """Yield the URL of a copy of the database with the audit triggers dropped."""
    copy_url = _copy(url)
    engine = sa.create_engine(copy_url)
    try:
        with engine.begin() as connection:
            for statement in DROP_GUARDS[engine.dialect.name]:
                connection.exec_driver_sql(statement)
        yield copy_url
    finally:
        engine.dispose()
        _drop(copy_url)


def _copy(url: str) -> str:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        target = parsed.database.replace(".db", f"-copy-{secrets.token_hex(3)}.db")
        with sqlite3.connect(parsed.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return parsed.set(database=target).render_as_string(hide_password=False)
    name = f"{parsed.database}_copy_{secrets.token_hex(3)}"
    with _postgres_admin(url) as connection:
        # A template must have no other sessions: end those an earlier command left idle.
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{parsed.database}' AND pid <> pg_backend_pid()")
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        with _postgres_admin(url) as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


@contextlib.contextmanager
def _postgres_admin(url: str):
    engine = sa.create_engine(sa.make_url(url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def execute(url: str, *statements: str) -> None:
    """Run raw SQL on a database in one transaction."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
