"""Database faults named by their cause, and logged once per outage rather than per request.

A full disk, a locked SQLite file, a read-only file system or an unreachable PostgreSQL
server are faults of the installation, not of the request: users are told the service is
briefly unavailable, and the operator reads one line that names the cause when it starts
and one when it ends. The line holds the error's class and code, never its message or SQL
parameters, which could carry a survivor's data.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa

log = logging.getLogger("casework")


@dataclass(frozen=True)
class Fault:
    """What stopped the database, in words an operator can act on."""

    cause: str  # a stable code: disk_full, locked, read_only, io_error, unreachable, ...
    description: str
    code: str  # the driver's error code (SQLITE_FULL, sqlstate 53100, ...), or its class
    on_write: bool  # shown by writes only: a read succeeding does not mean it is over

    def __str__(self) -> str:
        return f"{self.description} [{self.code}]"


_SQLITE_CAUSES = {
    13: ("disk_full", "disk full: the database file cannot grow (free space on its disk)",
         True),
    5: ("locked", "database locked: another process held the SQLite write lock longer than "
                  "the busy timeout (is a second server or a command running on this file?)",
        True),
    6: ("locked", "database locked: a table is locked by another connection", True),
    8: ("read_only", "read-only: the database file, its folder or its file system refuses "
                     "writes (check the file's owner and mode, and `mount` for `ro`)", True),
    10: ("io_error", "disk I/O error reading or writing the database file", False),
    14: ("unreachable", "cannot open the database file (missing folder, or no access)", False),
    11: ("corrupt", "the database file is damaged: restore the latest backup", False),
    26: ("corrupt", "the database file is not a SQLite database", False),
}
# Older drivers give no error code: fall back on SQLite's fixed messages.
_SQLITE_MESSAGES = {"database or disk is full": 13, "database is locked": 5,
                    "readonly database": 8, "disk i/o error": 10,
                    "unable to open database file": 14}


def _sqlite_fault(error: sqlite3.Error) -> Fault | None:
    code = getattr(error, "sqlite_errorcode", None)
    name = getattr(error, "sqlite_errorname", None)
    if code is None:
        text = str(error).lower()
        code = next((value for key, value in _SQLITE_MESSAGES.items() if key in text), None)
    if code is None or code & 0xFF not in _SQLITE_CAUSES:
        return None
    cause, description, on_write = _SQLITE_CAUSES[code & 0xFF]
    return Fault(cause, description, name or f"SQLite error {code}", on_write)


_PG_CAUSES = (  # sqlstate prefixes, most specific first
    ("53100", "disk_full", "disk full on the PostgreSQL server", True),
    ("53300", "unreachable", "PostgreSQL refuses connections: too many connections", False),
    ("53", "resources", "PostgreSQL is out of resources (memory or disk)", True),
    ("25006", "read_only", "read-only: PostgreSQL refuses writes (a standby, or "
                           "default_transaction_read_only)", True),
    ("55P03", "locked", "database locked: a lock was not granted in time", True),
    ("40P01", "locked", "deadlock between two transactions", True),
    ("57P", "unreachable", "PostgreSQL is shutting down or restarting", False),
    ("08", "unreachable", "the connection to PostgreSQL failed", False),
)


def _postgresql_fault(error: BaseException) -> Fault | None:
    sqlstate = getattr(error, "sqlstate", None)
    kind = type(error).__name__
    if sqlstate:
        for prefix, cause, description, on_write in _PG_CAUSES:
            if sqlstate.startswith(prefix):
                return Fault(cause, description, f"sqlstate {sqlstate} {kind}", on_write)
        return None
    # psycopg gives no sqlstate when the server cannot be reached or the connection died.
    if kind in ("OperationalError", "InterfaceError"):
        return Fault("unreachable", "cannot reach PostgreSQL (refused, closed or timed out)",
                     kind, False)
    return None


def database_fault(error: BaseException) -> Fault | None:
    """The installation fault behind a database error, or None for an ordinary error."""
    if isinstance(error, sa.exc.TimeoutError):
        return Fault("busy", "every database connection of this process stayed busy: "
                             "requests queue behind slow ones", "pool timeout", False)
    if not isinstance(error, sa.exc.DBAPIError):
        return None
    original = error.orig
    if isinstance(original, sqlite3.Error):
        return _sqlite_fault(original)
    fault = _postgresql_fault(original) if original is not None else None
    if fault is None and error.connection_invalidated:
        return Fault("unreachable", "the connection to the database was lost",
                     type(original).__name__, False)
    return fault


class OutageLog:
    """One line when the database fails, one when it works again; silence in between."""

    def __init__(self):
        self._lock = threading.Lock()
        self._fault: Fault | None = None
        self._since = 0.0
        self._refused = 0

    @property
    def current(self) -> Fault | None:
        return self._fault

    def failed(self, fault: Fault) -> None:
        """Note a request refused because of `fault`; only the first of an outage is logged."""
        with self._lock:
            self._refused += 1
            if self._fault is not None:
                return
            self._fault, self._since, self._refused = fault, time.monotonic(), 1
        log.error("database unavailable: %s; users see 'temporarily unavailable' (503) "
                  "until it recovers, and further failures are not logged", fault)

    def recovered(self) -> None:
        """Note that the database served what had failed: the outage is over."""
        with self._lock:
            fault = self._fault
            if fault is None:
                return
            seconds, refused = time.monotonic() - self._since, self._refused
            self._fault = None
        log.warning("database available again after %.0f s (%s); %d request(s) were refused",
                    seconds, fault.cause, refused)


outages = OutageLog()
