"""Which application processes serve an instance, for commands that must not run beside them.

Each `casework serve` (and a serving `casework demo`) records itself in the instance folder,
`run/serve-<pid>.json` (process id, host, address, database kind, start time), and holds an
exclusive lock on that file for as long as it runs. The operating system releases the lock
when the process ends, however it ends (even `kill -9`), so a record whose lock can be taken
belongs to a server that is gone: it is removed, never reported. A command such as
`casework restore` asks `running_servers()` and refuses while any is listed.

This sees the servers of one machine that share the instance folder, on SQLite and on
PostgreSQL alike; application servers on other machines keep their own instance folders.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from casework.db import utcnow

RUN_DIR = "run"
PREFIX = "serve-"


@dataclass(frozen=True)
class ServerRecord:
    pid: int
    hostname: str
    address: str
    database: str  # "sqlite" or "postgresql"
    started_at: datetime

    def describe(self) -> str:
        since = self.started_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        return (f"pid {self.pid} on {self.hostname} serving {self.address} "
                f"({self.database}) since {since}")


def run_folder(instance_path: Path) -> Path:
    return Path(instance_path) / RUN_DIR


@contextmanager
def serving(instance_path: Path, address: str, database: str) -> Iterator[ServerRecord]:
    """Record this process as serving the instance until the block ends."""
    folder = run_folder(instance_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    record = ServerRecord(os.getpid(), socket.gethostname(), address, database, utcnow())
    path = folder / f"{PREFIX}{record.pid}.json"
    # Locked and written under another name, then renamed: a reader never finds the record
    # unlocked or empty and takes it for a stale one.
    temporary = folder / f".{PREFIX}{record.pid}.tmp"
    fd = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = {**asdict(record), "started_at": record.started_at.isoformat()}
        os.write(fd, json.dumps(data).encode())
        os.fsync(fd)
        os.replace(temporary, path)
        yield record
    finally:
        path.unlink(missing_ok=True)
        temporary.unlink(missing_ok=True)
        os.close(fd)  # releases the lock


def running_servers(instance_path: Path) -> list[ServerRecord]:
    """The processes serving the instance now; records left by ended ones are removed."""
    folder = run_folder(instance_path)
    if not folder.is_dir():
        return []
    running = []
    for path in sorted(folder.glob(f"{PREFIX}*.json")):
        record = _live_record(path)
        if record is not None:
            running.append(record)
    return running


def _live_record(path: Path) -> ServerRecord | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None  # ended while we looked
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(fd)
        path.unlink(missing_ok=True)  # nobody holds it: its server has ended
        return None
    finally:
        os.close(fd)


def _read(fd: int) -> ServerRecord:
    with os.fdopen(os.dup(fd), "r", encoding="utf-8") as handle:
        data = json.load(handle)
    return ServerRecord(int(data["pid"]), str(data["hostname"]), str(data["address"]),
                        str(data["database"]), datetime.fromisoformat(data["started_at"]))
