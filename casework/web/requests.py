"""The request class: submitted text arrives without NUL characters.

No browser sends a NUL, PostgreSQL refuses one in any text column, and nothing a person
types needs it; dropping it on arrival keeps a pasted or forged NUL from becoming an
error page, while everything else the user typed is kept.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict


class WithoutNul(ImmutableMultiDict):
    """Form or query values with every NUL character removed from keys and values."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            items = mapping.items(multi=True)
        else:
            items = mapping.items() if isinstance(mapping, dict) else mapping
        super().__init__([(_clean(key), _clean(value)) for key, value in items])


def _clean(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class CaseworkRequest(Request):
    """Flask's request with NUL-free form and query values."""

    parameter_storage_class = WithoutNul
