"""Account operations: sign-in, passwords, second factor, and the admin's user management.

Each function writes its audit event in the caller's transaction; the caller commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app

from casework import audit
from casework.accounts import passwords, sessions, throttle, totp
from casework.accounts.models import Unit, User
from casework.accounts.roles import Role
from casework.crypto import reveal
from casework.db import utcnow
from casework.extensions import db


class AccountError(ValueError):
    """An account operation was refused; the message is shown to the user."""


class SignInOutcome(StrEnum):
    OK = "ok"
    NEEDS_TOTP = "needs_totp"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None


def find_user(username: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(sa.func.lower(User.username) == username.strip().lower())
    )


def check_password(username: str, password: str, client: str = "") -> SignInResult:
    """First factor: the same answer for an unknown user and a wrong password.

    A locked username costs the same hashing time as a checked one, so timing does not
    tell that a lock is in force.
    """
    if throttle.locked_until(username, client):
        passwords.spend_equal_time(password)
        audit.record("sign_in", "user", None, outcome="locked")
        return SignInResult(SignInOutcome.LOCKED)
    user = find_user(username)
    if user is None:
        passwords.spend_equal_time(password)
    # A deactivated account costs the same hashing time, so timing does not reveal it.
    password_ok = user is not None and passwords.verify_password(user.password_hash, password)
    if not password_ok or not user.is_active:
        throttle.record_failure(username, client)
        audit.record("sign_in", "user", user.id if user else None, outcome="refused")
        return SignInResult(SignInOutcome.REFUSED)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if user.has_totp:
        return SignInResult(SignInOutcome.NEEDS_TOTP, user)
    return SignInResult(SignInOutcome.OK, user)


def check_second_factor(user: User, code: str, client: str = "") -> bool:
    """Second factor: a valid code not used before; failures count towards throttling."""
    if throttle.locked_until(user.username, client):
        # Without this the code step could be guessed without limit once the password is known.
        audit.record("sign_in_totp", "user", user.id, outcome="locked")
        return False
    step = totp.accept_code(reveal(user, "totp_secret"), code, user.totp_last_step)
    if step is None:
        throttle.record_failure(user.username, client)
        audit.record("sign_in_totp", "user", user.id, outcome="refused")
        return False
    user.totp_last_step = step
    return True


def complete_sign_in(user: User, client: str = "") -> str:
    """Start a fresh session for a user who passed every factor; returns its token."""
    throttle.clear(user.username, client)
    token = sessions.start_session(user)
    audit.record("sign_in", "user", user.id, actor_id=user.id)
    return token


def sign_out(user: User) -> None:
    """Signing out ends all of the user's sessions, in every browser."""
    sessions.end_all_sessions(user, "logout")
    audit.record("sign_out", "user", user.id, actor_id=user.id)


def needs_totp_enrolment(user: User) -> bool:
    settings = current_app.extensions["casework.settings"]
    return (
        not settings.is_demo and user.role in settings.require_2fa_roles and not user.has_totp
    )


def set_password(user: User, new_password: str) -> None:
    passwords.check_policy(new_password, username=user.username)
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()


def change_password(user: User, current_password: str, new_password: str,
                    client: str = "") -> str:
    """Change one's own password; ends every session and returns a fresh token for this one.

    Wrong current passwords count towards the sign-in lock: a stolen session must not become
    a way to guess the password without limit.
    """
    if throttle.locked_until(user.username, client):
        passwords.spend_equal_time(current_password)
        audit.record("password_change", "user", user.id, outcome="locked")
        raise AccountError("locked")
    if not passwords.verify_password(user.password_hash, current_password):
        throttle.record_failure(user.username, client)
        audit.record("password_change", "user", user.id, outcome="refused")
        raise AccountError("current_password")
    set_password(user, new_password)
    user.must_change_password = False
    sessions.end_all_sessions(user, "password_changed")
    audit.record("password_change", "user", user.id)
    return sessions.start_session(user)


def pending_totp_secret(user: User) -> str:
    """The secret being enrolled, kept encrypted on the user's row; a new one when none is."""
    age = utcnow() - user.totp_pending_at if user.totp_pending_at else None
    if age is not None and age < totp.PENDING_LIFETIME:
        return reveal(user, "totp_pending_secret")
    secret = totp.new_secret()
    user.totp_pending_secret = secret
    user.totp_pending_at = utcnow()
    return secret


def _clear_pending_totp(user: User) -> None:
    user.totp_pending_secret = None
    user.totp_pending_at = None


def enable_totp(user: User, code: str) -> str | None:
    """Turn on the enrolled TOTP once the user proves the app works; returns a new token."""
    if user.totp_pending_at is None:
        return None
    secret = reveal(user, "totp_pending_secret")
    step = totp.accept_code(secret, code, None)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    _clear_pending_totp(user)
    sessions.end_all_sessions(user, "totp_changed")
    audit.record("totp_enable", "user", user.id)
    return sessions.start_session(user)


def reset_totp(user: User) -> None:
    """Admin action: remove a lost second factor; the user enrols again at next sign-in."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    _clear_pending_totp(user)
    sessions.end_all_sessions(user, "totp_changed")
    audit.record("totp_reset", "user", user.id)


def create_user(
    *, username: str, display_name: str, role: Role | str, password: str,
    unit: Unit | None = None, locale: str = "vi", must_change_password: bool = False,
) -> User:
    username = username.strip()
    if find_user(username) is not None:
        raise AccountError("username_taken")
    user = User(
        username=username, display_name=display_name.strip(), role=str(Role(role)),
        unit_id=unit.id if unit else None, locale=locale, password_hash="",
        must_change_password=must_change_password,
    )
    set_password(user, password)
    db.session.add(user)
    audit.record("user_create", "user", user.id)
    return user


def update_user(user: User, *, display_name: str, role: str, unit_id: uuid.UUID | None,
                locale: str) -> None:
    role_changed = user.role != role
    user.display_name, user.role, user.unit_id, user.locale = display_name, role, unit_id, locale
    if role_changed:
        sessions.end_all_sessions(user, "role_changed")
    audit.record("user_update", "user", user.id)


def set_active(user: User, active: bool) -> None:
    user.is_active_account = active
    user.deactivated_at = None if active else utcnow()
    if not active:
        sessions.end_all_sessions(user, "deactivated")
    audit.record("user_activate" if active else "user_deactivate", "user", user.id)


def reset_password(user: User, temporary_password: str) -> None:
    """Admin action: set a temporary password the user must change at next sign-in."""
    set_password(user, temporary_password)
    user.must_change_password = True
    sessions.end_all_sessions(user, "password_reset")
    throttle.unlock(user.username)
    audit.record("password_reset", "user", user.id)


def unlock_sign_in(user: User) -> None:
    """Admin action: lift every sign-in lock on the account, from every client."""
    throttle.unlock(user.username)
    audit.record("user_unlock", "user", user.id)


def is_sign_in_locked(user: User) -> bool:
    return throttle.is_locked(user.username)


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def get_or_create_unit(code: str, name: str) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code, name=name)
        db.session.add(unit)
    return unit
