"""Sign-in sessions stored in the database: idle and absolute timeouts, end-all on demand."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from casework.accounts.models import AuthSession, User
from casework.db import utcnow
from casework.extensions import db

# Writing last_seen_at on every request would turn every page view into a write: it is
# written at most once a minute, far finer than the idle timeout's minutes.
TOUCH_INTERVAL = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    """Create a session for the user and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(AuthSession(user_id=user.id, token_hash=_hash(token)))
    user.session_token = token
    return token


def _expired(auth: AuthSession, now) -> str | None:
    settings = current_app.extensions["casework.settings"]
    if now - auth.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        return "idle"
    if now - auth.created_at > timedelta(hours=settings.session_absolute_hours):
        return "absolute"
    return None


def load_session_user(token: str) -> User | None:
    """The user of a live session token, or None; expired sessions are ended on the way."""
    auth = db.session.scalar(sa.select(AuthSession).options(joinedload(AuthSession.user))
                             .where(AuthSession.token_hash == _hash(token)))
    if auth is None or auth.ended_at is not None or not auth.user.is_active:
        return None
    now = utcnow()
    reason = _expired(auth, now)
    if reason:
        _write_alone(auth.id, ended_at=now, end_reason=reason)
        return None
    if now - auth.last_seen_at > TOUCH_INTERVAL:
        _write_alone(auth.id, last_seen_at=now)
    auth.user.session_token = token
    return auth.user


def _write_alone(auth_id, **values) -> None:
    """Update a live session in a transaction of its own that writes before it reads.

    The request's reading transaction ends first, so a page view never writes after its
    reads (which would cost it its turn if a save committed meanwhile, see
    `casework.db.deferred_writes`); a session ended meanwhile stays ended.
    """
    db.session.commit()
    db.session.execute(sa.update(AuthSession)
                       .where(AuthSession.id == auth_id, AuthSession.ended_at.is_(None))
                       .values(**values))
    db.session.commit()


def end_session(token: str, reason: str = "logout") -> None:
    db.session.execute(
        sa.update(AuthSession)
        .where(AuthSession.token_hash == _hash(token), AuthSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )


def end_all_sessions(user: User, reason: str) -> int:
    """End every live session of the user, in every browser and worker process."""
    result = db.session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    return result.rowcount


def live_session_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None))
    )
