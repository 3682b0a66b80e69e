"""Build domain objects for tests through the same service functions the views call."""

from __future__ import annotations

import itertools
import time

import pyotp

from casework.accounts import service as accounts
from casework.accounts import totp
from casework.accounts.models import Unit, User
from casework.db import utcnow

PASSWORD = "a long test passphrase"
_counter = itertools.count(1)


def make_unit(code: str = "UNIT-A", name: str = "Unit A") -> Unit:
    return accounts.get_or_create_unit(code, name)


def make_user(role: str = "operator", *, username: str | None = None, unit: Unit | None = None,
              **kwargs) -> User:
    user = accounts.create_user(
        username=username or f"{role}{next(_counter)}",
        display_name=kwargs.pop("display_name", f"Test {role}"),
        role=role,
        password=kwargs.pop("password", PASSWORD),
        unit=unit or make_unit(),
        **kwargs,
    )
    from casework.extensions import db

    db.session.flush()
    return user


def enrol_totp(user: User) -> str:
    """Give the user a second factor as if they had enrolled; returns the secret."""
    secret = totp.new_secret()
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = None
    return secret


def totp_code(secret: str, last_step: int | None = None) -> str:
    """A code the server will accept: the current step, or the next one if that was used."""
    step = int(time.time() // totp.STEP_SECONDS)
    if last_step is not None and step <= last_step:
        step = last_step + 1  # one step of clock drift is accepted
    return pyotp.TOTP(secret).at(step * totp.STEP_SECONDS)


# --- intake: calls (issue 4) ---

def make_call(operator: User, call_type: str = "about_other", *, line: str = "111",
              previous=None, **fields):
    """Log a call through the intake service, as the call screen does.

    Non-data call types close at once; data calls take CallRecord fields as keywords
    (`survivor=SurvivorDetails(...)`, `urgency=...`, `caller_phone=...`).
    """
    from casework.extensions import db
    from casework.intake import service
    from casework.intake.records import CallRecord
    from casework.taxonomy import NON_DATA_CALL_TYPES

    draft = service.start_call(operator, line=line)
    if call_type in NON_DATA_CALL_TYPES:
        call = service.log_non_data_call(draft, call_type)
    else:
        fields.setdefault("urgency", "routine")
        fields.setdefault("service_line", "child_protection" if line == "111" else None)
        record = CallRecord(call_type=call_type, line=line, channel="phone", **fields)
        call = service.log_data_call(draft, record, previous)
    db.session.flush()
    return call
