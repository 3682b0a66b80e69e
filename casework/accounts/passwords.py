"""Argon2id password hashing and the password policy of SECURITY.md."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128


class PasswordPolicyError(ValueError):
    """The proposed password breaks the policy; the message is shown to the user."""


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("casework.accounts").joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


def check_policy(password: str, *, username: str = "") -> None:
    """Length 12–128, not a common password, not the username; no composition rules."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    folded = password.casefold()
    if folded in common_passwords() or len(set(folded)) < 4:
        raise PasswordPolicyError(_l("This password is too common; choose another."))
    if username and username.casefold() in folded:
        raise PasswordPolicyError(_l("The password must not contain the username."))


def hasher() -> PasswordHasher:
    settings = current_app.extensions["casework.settings"]
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@cache
def _dummy_hash(time_cost: int, memory: int, parallelism: int) -> str:
    return PasswordHasher(time_cost, memory, parallelism=parallelism).hash("not-a-password")


def spend_equal_time(password: str) -> None:
    """Verify against a dummy hash so an unknown username costs as much as a wrong password."""
    settings = current_app.extensions["casework.settings"]
    dummy = _dummy_hash(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )
    verify_password(dummy, password)
