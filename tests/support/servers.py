"""Run `casework` commands and the production server as subprocesses, the way an operator does."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT_SECONDS = 90


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any CASEWORK_ setting, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASEWORK_")}
    env.update(extra)
    return env


def run_casework(*args: str, env: dict[str, str], input: str | None = None,
                 timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `python -m casework ARGS` with the given environment and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "casework", *args], env=command_env(env), input=input,
        capture_output=True, text=True, timeout=timeout,
        stdin=None if input else subprocess.DEVNULL,
    )


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def running_server(args: list[str], *, env: dict[str, str], port: int, log_path: Path):
    """Start `casework ARGS` in the background, wait until /healthz answers, stop it after."""
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "casework", *args], env=command_env(env),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(process, base_url, log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_health(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n"
                               + log_path.read_text(encoding="utf-8")[-3000:])
        if answers(base_url + "/healthz"):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /healthz within {START_TIMEOUT_SECONDS} s:\n"
                       + log_path.read_text(encoding="utf-8")[-3000:])
