"""Where a SQLite database lives: enough free space, writable, readable by its owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Below this much free space a busy day's calls, the WAL and a checkpoint may not fit.
MIN_FREE_BYTES = 64 * 1024 * 1024
SQLITE_SUFFIXES = ("", "-wal", "-shm")


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
