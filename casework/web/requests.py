"""The application and request classes.

Submitted text arrives without NUL characters: no browser sends a NUL, PostgreSQL refuses
one in any text column, and nothing a person types needs it; dropping it on arrival keeps a
pasted or forged NUL from becoming an error page, while everything else the user typed is
kept.

A page that only shows something reads without taking SQLite's write lock, so browsing
never holds up an operator saving a call (see `casework.db.deferred_writes`).
"""

from __future__ import annotations

from flask import Flask, Request, request
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


# Methods that only show something; whatever they write (a view in the audit trail, the
# session's last activity) is small and comes after their reads.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CaseworkFlask(Flask):
    """Flask whose page views read without the write lock and are re-run if that fails.

    A page view that writes after reading (recording the view in the audit trail) is refused
    if another save committed since its reads, as its snapshot is then stale; it is run once
    more from the start as a writing request, which waits its turn and cannot be refused.
    """

    def full_dispatch_request(self):
        from casework.db import deferred_writes

        with deferred_writes(request.method in READING_METHODS):
            return super().full_dispatch_request()

    def dispatch_request(self):
        from casework.db import StaleSnapshotError, deferred_writes
        from casework.extensions import db

        try:
            return super().dispatch_request()
        except StaleSnapshotError:
            db.session.rollback()
            with deferred_writes(False):
                return super().dispatch_request()
