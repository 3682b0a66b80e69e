"""The production WSGI server: bounded connections and timeouts, one server per SQLite file.

Waitress's defaults suit a trusted network: 100 connections in all, idle ones kept for two
minutes, and a request that trickles in a byte at a time kept for ever. A hundred idle or
slow connections would then lock every operator out of the hotline, so the limits come
from settings (`CASEWORK_CONNECTION_LIMIT`, `CASEWORK_IDLE_TIMEOUT_SECONDS`).
"""

from __future__ import annotations

import fcntl
import os
import resource
import socket
import time
import types
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

# File descriptors beyond the connections: database files, logs, the trigger pipe.
SPARE_FILE_DESCRIPTORS = 128


class ServerLockError(RuntimeError):
    """Another server process already serves this SQLite database; the message names it."""


# A request still arriving after the idle timeout may go on while it keeps this rate, so a
# large form on a poor mobile line completes while one trickled in a byte at a time does not.
MIN_BYTES_PER_SECOND = 500


class HotlineChannel(HTTPChannel):
    """A connection that remembers when the request it is receiving began, and its size."""

    request_began: float | None = None
    request_bytes = 0

    def received(self, data):
        if self.request is None:
            self.request_began, self.request_bytes = time.time(), 0
        self.request_bytes += len(data)
        try:
            return super().received(data)
        finally:
            if self.request is None:
                self.request_began = None

    def too_slow(self, now: float) -> bool:
        """Whether the request being received has taken longer than its size allows."""
        if self.request is None or self.request_began is None:
            return False
        allowed = self.adj.channel_timeout + self.request_bytes / MIN_BYTES_PER_SECOND
        return now - self.request_began > allowed


def _close_slow_requests(server: BaseWSGIServer, now: float) -> None:
    """Waitress closes silent connections; also close those whose request never completes."""
    BaseWSGIServer.maintenance(server, now)
    for channel in list(server.active_channels.values()):
        if isinstance(channel, HotlineChannel) and channel.too_slow(now):
            channel.will_close = True


def serve_app(app: Flask, host: str, port: int, threads: int) -> None:
    """Serve until stopped, refusing to share a SQLite database with another server."""
    settings = app.extensions["casework.settings"]
    if settings.is_sqlite and not settings.sqlite_several_servers:
        hold_server_lock(Path(settings.database_url.removeprefix("sqlite:///")))
    _allow_file_descriptors(settings.connection_limit + SPARE_FILE_DESCRIPTORS)
    server = create_server(
        app, host=host, port=port, threads=threads, ident="casework",
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"] * 2,
        connection_limit=settings.connection_limit,
        channel_timeout=settings.idle_timeout_seconds,
        cleanup_interval=max(1, min(30, settings.idle_timeout_seconds // 3)),
        asyncore_use_poll=True,  # select() cannot watch more than 1024 connections
    )
    server.channel_class = HotlineChannel
    server.maintenance = types.MethodType(_close_slow_requests, server)
    server.run()


def _allow_file_descriptors(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        ceiling = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


_held_locks: list[int] = []  # kept open for the life of the process: closing releases


def server_lock_path(database: Path) -> Path:
    return database.with_name(database.name + "-serve.lock")


def hold_server_lock(database: Path) -> None:
    """Take the database's server lock for the life of this process, or name its holder.

    Two servers on one SQLite file both work, but each save then waits for the other
    process's writes (seconds at a busy desk), so a second one is refused. The lock is
    the kernel's: it ends with the process, however it ends.
    """
    path = server_lock_path(database)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise ServerLockError(f"cannot create the server lock {path}: {error.strerror}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(descriptor, 300, 0).decode("utf-8", "replace").strip()
        os.close(descriptor)
        raise ServerLockError(
            f"another server already serves the SQLite database {database}: "
            f"{holder or 'a process that has not said which'}. A SQLite database serves one "
            f"server process (a second makes every save wait for the other): stop that "
            f"process first, or use PostgreSQL to run several servers") from None
    os.ftruncate(descriptor, 0)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    os.pwrite(descriptor, f"process {os.getpid()} on {socket.gethostname()}, started "
                          f"{started}".encode(), 0)
    _held_locks.append(descriptor)


def server_holding(database: Path) -> str | None:
    """Who serves this SQLite database right now ("process … on …, started …"), or None.

    For commands that must not run under a server, such as a restore.
    """
    path = server_lock_path(database)
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return os.pread(descriptor, 300, 0).decode("utf-8", "replace").strip() or "a process"
    finally:
        os.close(descriptor)  # also releases the shared lock, if it was granted
    return None
