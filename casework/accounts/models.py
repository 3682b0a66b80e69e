"""Staff accounts, units, sign-in sessions and sign-in throttling."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.roles import Role
from casework.crypto import encrypted_column
from casework.db import UUIDPrimaryKey, utcnow
from casework.extensions import db

USERNAME_MAX = 64
DISPLAY_NAME_MAX = 120


class Unit(UUIDPrimaryKey, db.Model):
    """A team that owns cases, such as a province's Social Work Centre."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class User(UUIDPrimaryKey, db.Model):
    """A staff member who signs in; never a survivor or a caller."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('operator', 'social_worker', 'supervisor', 'board', 'admin')",
            name="role_known",
        ),
    )

    username: Mapped[str] = mapped_column(sa.String(USERNAME_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(DISPLAY_NAME_MAX))
    role: Mapped[str] = mapped_column(sa.String(20))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("units.id"))
    locale: Mapped[str] = mapped_column(sa.String(5), default="vi")
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    totp_secret = encrypted_column()
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The secret being enrolled stays here, encrypted, until the user proves it works:
    # never in the session cookie, which the browser can read.
    totp_pending_secret = encrypted_column()
    totp_pending_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship()

    # Flask-Login identifies the signed-in browser by its session token, not the user id,
    # so that ending a session in the database ends it everywhere.
    session_token = None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None

    def get_id(self) -> str | None:
        return self.session_token


class AuthSession(UUIDPrimaryKey, db.Model):
    """One signed-in browser; the cookie holds a token whose hash is stored here."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(sa.String(32))

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed sign-ins per username and client, and per username from every client.

    Shared by every worker process through the database. `username_key` is the row's key:
    the hashed username for the slower limit over all clients, or the hash of the username
    with the client's address for the per-client limit. `user_key` is the hashed username
    on both, so an administrator can lift every lock of one account.
    """

    __tablename__ = "login_throttles"

    username_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
