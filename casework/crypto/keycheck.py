"""Check values: proof at start-up that the keyring is the one the database was written with.

Each key that has ever been primary has a row in `key_checks` holding a known text sealed
under that key. At start-up every row must be accounted for: a key still in use must be in
the keyring and must decrypt its check value (a different key under the same id does not);
a retired key needs only its retired entry. The primary's row is written on first use, so
instances created before this check, and keyrings from the environment, join in by
themselves. A database that has not been migrated yet has no rows to check.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask

from casework.checks import check
from casework.crypto.envelope import seal_with, unseal
from casework.crypto.errors import CryptoError, KeyringError
from casework.crypto.keyring import Keyring
from casework.crypto.models import KeyCheck
from casework.db import utcnow

CHECK_TEXT = "casework key check v1"
log = logging.getLogger("casework.crypto")
key_checks = KeyCheck.__table__


def _place(key_id: str) -> dict:
    return {"table": "key_checks", "column": "check_value", "record_id": key_id}


def _has_table(connection: sa.Connection) -> bool:
    return sa.inspect(connection).has_table("key_checks")


def keyring_problems(connection: sa.Connection, keyring: Keyring) -> list[str]:
    """Every way the keyring fails the database's check values, each named; [] if none."""
    if not _has_table(connection):
        return []
    problems = []
    for row in connection.execute(sa.select(key_checks).order_by(key_checks.c.created_at)):
        if row.key_id in keyring.retired:
            continue
        if row.key_id not in keyring.keys:
            problems.append(
                f"key {row.key_id} protects data in this database but is missing from the "
                "keyring: restore the key file from its backup"
            )
        elif not _check_value_opens(keyring, row):
            problems.append(
                f"key {row.key_id} in the keyring is not the key this database was written "
                "with (its check value does not decrypt): wrong key file?"
            )
    return problems


def _check_value_opens(keyring: Keyring, row) -> bool:
    try:
        return unseal(keyring, row.check_value, **_place(row.key_id)) == CHECK_TEXT
    except CryptoError:
        return False


def record_primary_check(connection: sa.Connection, keyring: Keyring) -> bool:
    """Store the primary key's check value if it has none; True if one was written."""
    key = keyring.primary
    exists = connection.scalar(
        sa.select(sa.func.count()).where(key_checks.c.key_id == key.key_id)
    )
    if exists:
        return False
    connection.execute(key_checks.insert().values(
        key_id=key.key_id, check_value=seal_with(key, CHECK_TEXT, **_place(key.key_id)),
        created_at=utcnow(),
    ))
    return True


def mark_retired(connection: sa.Connection, key_id: str) -> None:
    """Note in the database that a key was retired on purpose, not lost."""
    connection.execute(
        key_checks.update().where(key_checks.c.key_id == key_id).values(retired_at=utcnow())
    )


def verify_keyring(engine: sa.Engine, keyring: Keyring) -> None:
    """Refuse a keyring that does not fit the database; record the primary's check value."""
    try:
        with engine.begin() as connection:
            problems = keyring_problems(connection, keyring)
            if problems:
                raise KeyringError("; ".join(problems))
            if _has_table(connection):
                record_primary_check(connection, keyring)
    except sa.exc.IntegrityError:
        pass  # another process recorded the same check value at the same moment
    except sa.exc.OperationalError as error:
        # `casework check` reports an unreachable database; serving without one fails anyway.
        log.warning("keys not checked against the database: %s", type(error).__name__)


def configure_key_check(app: Flask) -> None:
    """Check the app's keyring against its database as the app starts."""
    from casework.extensions import db

    with app.app_context():
        verify_keyring(db.engine, app.extensions["casework.keyring"])


@check
def keys_fit_database(app: Flask) -> list[str]:
    """`casework check`: the keyring opens every check value and the primary has one."""
    from casework.extensions import db

    keyring = app.extensions["casework.keyring"]
    try:
        # The session's own connection: on SQLite a second one would wait for its lock.
        connection = db.session.connection()
        problems = keyring_problems(connection, keyring)
        recorded = _has_table(connection) and connection.scalar(
            sa.select(sa.func.count()).where(key_checks.c.key_id == keyring.primary_id)
        )
    except sa.exc.SQLAlchemyError:
        return []  # reported by the database checks
    if _has_table(connection) and not recorded:
        problems.append(f"primary key {keyring.primary_id} has no check value in the database: "
                        "restart the application or run `casework keys check`")
    return problems
