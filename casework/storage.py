"""Where a SQLite database lives: enough free space, writable, readable by its owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Below this much free space a busy day's calls, the WAL and a checkpoint may not fit.
MIN_FREE_BYTES = 64 * 1024 * 1024
SQLITE_SUFFIXES = ("", "-wal", "-shm")


def create_private_database_file(url: str) -> None:
    """Create the SQLite file of `url` with mode 0600 before SQLite does (it would use 0644).

    SQLite gives the WAL and shared-memory files the mode of the database file.
    """
    db_file = url.partition("?")[0].removeprefix("sqlite:///")
    if not url.startswith("sqlite:///") or not db_file or db_file.startswith(":memory:"):
        return
    create_private_file(Path(db_file))


def create_private_file(path: Path) -> None:
    """Create an empty file only its owner may read, in a 0700 folder; keep one that exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def sqlite_file_problems(database: Path) -> list[str]:
    """What stops the database file from being written, or exposes it; each with its cure."""
    folder = database.parent
    try:
        usage = os.statvfs(folder)
    except OSError as error:
        return [f"database folder {folder} cannot be examined: {error.strerror}"]
    problems = []
    if usage.f_flag & os.ST_RDONLY:
        problems.append(f"read-only file system: {folder} is mounted read-only, so the "
                        f"database cannot be written (remount it read-write)")
    free = usage.f_bavail * usage.f_frsize
    if free < MIN_FREE_BYTES:
        problems.append(f"disk full: {free // (1024 * 1024)} MB free on the file system of "
                        f"{folder} (at least {MIN_FREE_BYTES // (1024 * 1024)} MB needed); "
                        f"free space or move the instance")
    return problems + _mode_problems(database)


def _mode_problems(database: Path) -> list[str]:
    problems = []
    for path in (Path(f"{database}{suffix}") for suffix in SQLITE_SUFFIXES):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            problems.append(f"{path} is open to other users (mode {mode:o}); "
                            f"run: chmod 600 {path}")
    return problems
