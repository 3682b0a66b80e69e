"""Sign-in throttling kept in the database, so every worker process sees the same count."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from casework.accounts.models import LoginThrottle
from casework.db import utcnow
from casework.extensions import db


def username_key(username: str) -> str:
    # Hashed: people sometimes type their password into the username field.
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


def _claim(key: str) -> LoginThrottle:
    """The username's row, created if absent and locked until the transaction ends.

    Parallel attempts on one username (from any worker process) queue here, so each sees
    the failures counted before it: no more guesses than allowed, no duplicate-row error.
    """
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(LoginThrottle)
        .values(username_key=key, failures=0, window_started_at=utcnow())
        .on_conflict_do_nothing(index_elements=["username_key"])
    )
    return db.session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)


def locked_until(username: str) -> datetime | None:
    """When the username may try again, if it is locked now; holds the attempt's turn."""
    row = _claim(username_key(username))
    if row.locked_until and row.locked_until > utcnow():
        return row.locked_until
    return None


def record_failure(username: str) -> None:
    """Count a failed attempt; lock the username once the window holds too many."""
    settings = current_app.extensions["casework.settings"]
    now = utcnow()
    row = _claim(username_key(username))
    if now - row.window_started_at > timedelta(minutes=settings.throttle_window_minutes):
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= settings.throttle_max_failures:
        row.locked_until = now + timedelta(minutes=settings.throttle_lock_minutes)
        row.failures, row.window_started_at = 0, now


def clear(username: str) -> None:
    row = db.session.get(LoginThrottle, username_key(username))
    if row is not None:
        db.session.delete(row)
