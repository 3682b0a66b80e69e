"""Real instances and `casework serve` processes for the attack, crash and load tests.

Builds on `bench/live.py` (the server process and the small browser): an instance with its
own database and key file, commands run the way an operator runs them, and an app object in
this process for seeding and inspecting the same database.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.live import Browser, LiveServer, casework_command
from casework import create_app

# `casework serve` runs the production checks, which refuse cookies without Secure; the
# test browser sends Secure cookies over loopback HTTP anyway.
SERVER_ENV = {"CASEWORK_COOKIE_SECURE": "1"}
# Two servers on one SQLite file are refused outside tests, which show that their writes
# still never collide.
SEVERAL_SERVERS = {"CASEWORK_SQLITE_SEVERAL_SERVERS": "1"}


@dataclass(frozen=True)
class LiveInstance:
    """An instance folder with its own database, as `casework` commands see it."""

    env: dict[str, str]
    directory: Path

    @property
    def database_url(self) -> str:
        return self.env["CASEWORK_DATABASE_URL"]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def database_file(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))


def casework(env: dict[str, str], *args: str, stdin: str = "",
             check: bool = True) -> subprocess.CompletedProcess:
    """Run a `casework` command against an instance and capture what it prints."""
    return subprocess.run([*casework_command(), *args], env={**os.environ, **env}, input=stdin,
                          text=True, check=check, capture_output=True, timeout=300)


def instance_app(env: dict[str, str]):
    """An app in this process on the instance's database, for seeding and inspecting it."""
    return create_app({"instance_path": env["CASEWORK_INSTANCE"],
                       "database_url": env["CASEWORK_DATABASE_URL"]})


def start_server(env: dict[str, str], log_path: Path, *, threads: int = 4) -> LiveServer:
    """Start `casework serve` on the instance; its output goes to `log_path`."""
    return LiveServer({**env, **SERVER_ENV}, threads=threads, log_path=log_path).start()


__all__ = ["SEVERAL_SERVERS", "Browser", "LiveInstance", "LiveServer", "casework", "instance_app",
           "start_server"]
