"""Describe the machine a benchmark ran on: the figures only mean something beside it."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa


def _first_line_with(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def memory_gib() -> float:
    kib = _first_line_with("/proc/meminfo", "MemTotal").split()[0]
    return int(kib) / 1024 / 1024 if kib.isdigit() else float("nan")


def postgres_version(url: str | None) -> str:
    if not url:
        return "not measured"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SHOW server_version").scalar()
    except sa.exc.SQLAlchemyError as error:
        return f"unreachable ({type(error).__name__})"
    finally:
        engine.dispose()


def git_commit() -> str:
    """The commit measured; CASEWORK_BENCH_COMMIT names it when running from an export."""
    if os.environ.get("CASEWORK_BENCH_COMMIT"):
        return os.environ["CASEWORK_BENCH_COMMIT"]
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True, cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def describe(postgres_url: str | None) -> dict[str, str]:
    """The machine and software versions, as label → value."""
    return {
        "CPU": _first_line_with("/proc/cpuinfo", "model name"),
        "Cores": str(os.cpu_count()),
        "Memory": f"{memory_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres_version(postgres_url),
        "Commit": git_commit(),
    }
