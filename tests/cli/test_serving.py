"""`casework serve` under idle and slow connections, and alone on its SQLite database.

Every connection is to loopback, every wait has a bound, and every socket and server is
closed at the end whatever happens.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.live import Browser, LiveServer
from casework.extensions import db
from casework.serving import server_holding
from tests import factories
from tests.factories import PASSWORD
from tests.hardening.live import instance_app
from tests.hardening.writers import call_form
from tests.support import databases
from tests.support.servers import free_port, run_casework

SECURE = {"CASEWORK_COOKIE_SECURE": "1"}  # production checks refuse insecure cookies
HELD_CONNECTIONS = 300
USER_TIMEOUT_SECONDS = 20  # far beyond a normal answer; the old limit kept users out for minutes


@pytest.fixture
def instance(tmp_path, keyring):
    """A migrated instance with one operator; yields (env, username)."""
    with databases.scratch_database(tmp_path) as url:
        env = databases.make_instance(tmp_path / "instance", url, keyring)
        assert run_casework("init-db", env=env).returncode == 0
        app = instance_app(env)
        with app.app_context():
            username = factories.make_user("operator").username
            db.session.commit()
            db.engine.dispose()
        yield {**env, **SECURE}, username


@contextlib.contextmanager
def server(env: dict, log_path, threads: int = 4):
    live = LiveServer(env, threads=threads, log_path=log_path).start()
    try:
        yield live
    finally:
        live.stop()


@contextlib.contextmanager
def held_connections(port: int, count: int):
    """Open `count` connections: half send nothing, half start a request and never end it."""
    sockets = []
    try:
        for number in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sockets.append(sock)
            if number % 2:
                sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             b"Content-Type: application/x-www-form-urlencoded\r\n"
                             b"Content-Length: 100000\r\n\r\nusername=")
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def log_a_call(browser: Browser, username: str) -> str:
    """Sign in and log a data call the way the call desk does; the call page's path."""
    assert browser.sign_in(username, PASSWORD), "sign-in refused"
    browser.get("/calls/desk")
    started = browser.post("/calls/start", {"line": "111", "channel": "phone"})
    assert started.status == 302, started.status
    draft_path = urlsplit(started.location).path
    browser.get(draft_path)
    logged = browser.post(draft_path + "/log", call_form("held-connections"))
    assert logged.status == 302 and "/drafts/" not in (logged.location or ""), logged.status
    return urlsplit(logged.location).path


def test_a_user_signs_in_and_logs_a_call_while_300_connections_idle_or_trickle(instance,
                                                                               tmp_path):
    env, username = instance
    with server(env, tmp_path / "serve.log") as live:
        with held_connections(live.port, HELD_CONNECTIONS):
            browser = Browser(live.base_url)
            browser.connection.timeout = USER_TIMEOUT_SECONDS
            try:
                call_path = log_a_call(browser, username)
                assert browser.get(call_path).status == 200
            except (TimeoutError, OSError) as error:
                pytest.fail(f"the user was kept out by {HELD_CONNECTIONS} held connections: "
                            f"{type(error).__name__}")
            finally:
                browser.close()


def closed_by_server(sock: socket.socket, trickle_every: float, within: float) -> bool:
    """Send a header byte at a time; True once the server has closed the connection."""
    deadline = time.monotonic() + within
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    while time.monotonic() < deadline:
        try:
            sock.sendall(b"X")
            sock.settimeout(trickle_every)
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def test_a_request_that_trickles_in_is_closed_after_the_idle_timeout(instance, tmp_path):
    env, _username = instance
    with server({**env, "CASEWORK_IDLE_TIMEOUT_SECONDS": "5"}, tmp_path / "serve.log") as live:
        with socket.create_connection(("127.0.0.1", live.port), timeout=5) as sock:
            # Each byte comes well inside the timeout, so only the request's age can end it.
            assert closed_by_server(sock, trickle_every=1.0, within=40)


@pytest.mark.skipif(databases.postgres_url() is not None,
                    reason="several servers on one PostgreSQL database are supported")
def test_a_second_server_on_one_sqlite_database_is_refused_naming_the_first(instance,
                                                                           tmp_path):
    env, _username = instance
    with server(env, tmp_path / "first.log", threads=2) as first:
        try:
            second = run_casework("serve", "--port", str(free_port()), env=env, timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("a second server started on the same SQLite database")
    output = second.stdout + second.stderr
    assert second.returncode != 0
    assert "Cannot start: another server already serves the SQLite database" in output
    assert f"process {first.process.pid} on {socket.gethostname()}" in output
    assert "use PostgreSQL to run several servers" in output and "Traceback" not in output


@pytest.mark.skipif(databases.postgres_url() is not None, reason="the SQLite server lock")
def test_a_server_starts_again_once_the_first_has_stopped(instance, tmp_path):
    env, _username = instance
    database = Path(env["CASEWORK_DATABASE_URL"].removeprefix("sqlite:///"))
    with server(env, tmp_path / "first.log", threads=2) as first:
        assert server_holding(database).startswith(f"process {first.process.pid} on ")
    assert server_holding(database) is None
    with server(env, tmp_path / "second.log", threads=2) as second:
        assert Browser(second.base_url).get("/healthz").status == 200
