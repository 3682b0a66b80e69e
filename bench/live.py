"""Real server processes and a small HTTP client that signs in like a browser.

Used by the benchmarks and by `tests/scaling/`: `LiveServer` starts `casework serve` (or any
WSGI command) on a free loopback port and reports its memory; `Browser` keeps one
keep-alive connection, its own cookies and the CSRF token of the last form it read.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

CSRF_PATTERN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
START_TIMEOUT_SECONDS = 60


def casework_command() -> list[str]:
    """The `casework` console script of the running interpreter's environment."""
    script = Path(sys.executable).with_name("casework")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from casework.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """A server subprocess on 127.0.0.1; `casework serve` unless another command is given."""

    def __init__(self, env: dict[str, str], *, threads: int = 8,
                 command: list[str] | None = None, log_path: Path | None = None):
        self.port = free_port()
        self.command = (command or [*casework_command(), "serve"]) + [
            "--host", "127.0.0.1", "--port", str(self.port), "--threads", str(threads)]
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT)
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{' '.join(self.command)} exited with "
                                   f"{self.process.returncode}; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not listen on port {self.port} in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def memory_kib(self, field: str = "VmRSS") -> int:
        """Resident memory now (VmRSS) or at its peak since the last reset (VmHWM)."""
        return read_status_kib(self.process.pid, field)

    def reset_peak_memory(self) -> bool:
        """Start a new peak-RSS window; False where the kernel does not allow it."""
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False


def read_status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


class Browser:
    """One user's browser: keep-alive connection, cookies, CSRF token of the last form."""

    def __init__(self, base_url: str):
        host, port = base_url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None

    def request(self, method: str, path: str, fields: dict | None = None) -> Response:
        body = urlencode(fields or {}, doseq=True) if method == "POST" else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            return self._send(method, path, body, headers)
        except (http.client.HTTPException, ConnectionError):
            self.connection.close()  # the server closed an idle keep-alive connection
            return self._send(method, path, body, headers)

    def _send(self, method, path, body, headers) -> Response:
        self.connection.request(method, path, body=body, headers=headers)
        raw = self.connection.getresponse()
        content = raw.read()
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                self._store_cookie(value)
        found = CSRF_PATTERN.search(content)
        if found:
            self.csrf_token = found.group(1).decode()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, content)

    def _store_cookie(self, header: str) -> None:
        # The server sets Secure cookies; this client sends them over loopback HTTP anyway.
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        if "expires=thu, 01 jan 1970" in header.lower() or value == "":
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict | None = None) -> Response:
        """Submit a form with the CSRF token the last page carried."""
        return self.request("POST", path, {"csrf_token": self.csrf_token or "", **(fields or {})})

    def sign_in(self, username: str, password: str) -> bool:
        """Sign in through the real form; True when the server starts a session."""
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        return response.status == 302 and "/login" not in (response.location or "")

    def close(self) -> None:
        self.connection.close()
