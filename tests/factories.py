"""Build domain objects for tests through the same service functions the views call."""

from __future__ import annotations

import itertools

from casework.accounts import service as accounts
from casework.accounts.models import Unit, User

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
