"""Sign-in throttling kept in the database, so every worker process sees the same count.

Two limits. Failures from one client (its network address) lock that client out of the
username quickly, so a stranger cannot lock the real user out from elsewhere. Failures from
every client together lock the username after many more, so guessing from many addresses
is slowed too. An administrator can lift both (`unlock`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from casework.accounts.models import LoginThrottle
from casework.db import utcnow
from casework.extensions import db


@dataclass(frozen=True)
class Limit:
    key: str
    max_failures: int
    window: timedelta
    lock: timedelta


def _normal(username: str) -> str:
    return username.strip().casefold()


def username_key(username: str) -> str:
    # Hashed: people sometimes type their password into the username field.
    return hashlib.sha256(_normal(username).encode()).hexdigest()


def client_key(username: str, client: str) -> str:
    return hashlib.sha256(f"{_normal(username)}\x1f{client}".encode()).hexdigest()


def client_address(remote_addr: str | None, forwarded_for: str | None,
                   trusted_proxies: int) -> str:
    """The client's address: the one the last trusted reverse proxy saw, else the peer's."""
    if trusted_proxies > 0 and forwarded_for:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return remote_addr or ""


def _limits(username: str, client: str) -> list[Limit]:
    """The per-client limit, then the account-wide one (always locked in this order)."""
    settings = current_app.extensions["casework.settings"]
    lock = timedelta(minutes=settings.throttle_lock_minutes)
    return [
        Limit(client_key(username, client), settings.throttle_max_failures,
              timedelta(minutes=settings.throttle_window_minutes), lock),
        Limit(username_key(username), settings.throttle_account_max_failures,
              timedelta(minutes=settings.throttle_account_window_minutes), lock),
    ]


def _claim(key: str, user_key: str) -> LoginThrottle:
    """The key's row, created if absent and locked until the transaction ends.

    Parallel attempts on one username (from any worker process) queue here, so each sees
    the failures counted before it: no more guesses than allowed, no duplicate-row error.
    """
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(LoginThrottle)
        .values(username_key=key, user_key=user_key, failures=0, window_started_at=utcnow())
        .on_conflict_do_nothing(index_elements=["username_key"])
    )
    return db.session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)


def locked_until(username: str, client: str) -> datetime | None:
    """Until when this client may not try the username, if locked now; holds the turn."""
    now, owner = utcnow(), username_key(username)
    ends = [row.locked_until for row in (_claim(limit.key, owner)
                                         for limit in _limits(username, client))
            if row.locked_until and row.locked_until > now]
    return max(ends, default=None)


def record_failure(username: str, client: str) -> None:
    """Count a failed attempt against both limits; lock when a window holds too many."""
    now, owner = utcnow(), username_key(username)
    for limit in _limits(username, client):
        row = _claim(limit.key, owner)
        if now - row.window_started_at > limit.window:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        if row.failures >= limit.max_failures:
            row.locked_until = now + limit.lock
            row.failures, row.window_started_at = 0, now


def clear(username: str, client: str) -> None:
    """Forget this client's failures after it signed in; the account-wide count stays."""
    row = db.session.get(LoginThrottle, client_key(username, client))
    if row is not None:
        db.session.delete(row)


def is_locked(username: str) -> bool:
    """Whether any lock on the username is in force, from any client."""
    return bool(db.session.scalar(sa.select(sa.exists().where(
        LoginThrottle.user_key == username_key(username),
        LoginThrottle.locked_until > utcnow()))))


def unlock(username: str) -> None:
    """Lift every lock and count on the username, from every client."""
    db.session.execute(sa.delete(LoginThrottle).where(
        LoginThrottle.user_key == username_key(username)))
