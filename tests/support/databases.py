"""Scratch databases for tests: a temporary SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import sqlalchemy as sa

from casework.config import KEYRING_DIR, KEYRING_FILE, create_instance
from casework.crypto.keyring import save_keyring_file

ENV = "CASEWORK_TEST_DATABASE_URL"


def postgres_url() -> str | None:
    url = os.environ.get(ENV, "")
    return url if url.startswith("postgresql") else None


def describe() -> str:
    return "PostgreSQL" if postgres_url() else "SQLite"


@contextlib.contextmanager
def scratch_database(directory: Path):
    """Yield the URL of an empty database that is removed afterwards."""
    server = postgres_url()
    if server is None:
        yield f"sqlite:///{directory / 'casework.db'}"
        return
    name = f"casework_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def make_instance(path: Path, database_url: str, keyring) -> dict:
    """Create an instance folder and return the environment a CLI run needs."""
    create_instance(path, demo=False, extra={"cookie_secure": False, "argon2_time_cost": 1,
                                             "argon2_memory_kib": 64, "argon2_parallelism": 1})
    save_keyring_file(path / KEYRING_DIR / KEYRING_FILE, keyring)
    return {"CASEWORK_INSTANCE": str(path), "CASEWORK_DATABASE_URL": database_url}


def settings_for(instance_path: Path, database_url: str, keyring, **extra) -> dict:
    """Settings for a test app: cheap hashing, no CSRF unless asked, keys in memory."""
    return {
        "instance_path": str(instance_path),
        "database_url": database_url,
        "secret_key": "test-secret-key-" + "x" * 32,
        "keyring_env": keyring.to_json(),
        "testing": True,
        "csrf_enabled": False,
        "cookie_secure": False,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "argon2_parallelism": 1,
        **extra,
    }
