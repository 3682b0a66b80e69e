"""Two application servers on one PostgreSQL database behave as one: no per-process state.

Several stateless servers behind a reverse proxy is how Casework grows past one machine.
That holds only if sessions and sign-in throttling live in the database, which these tests
show with two real `casework serve` processes.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from bench.live import Browser, LiveServer, casework_command
from tests.support import databases

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(databases.postgres_url() is None,
                       reason="needs PostgreSQL: set CASEWORK_TEST_DATABASE_URL"),
]

PASSWORD = "a long scaling passphrase"
# The servers run the production checks, which refuse insecure cookies; this client sends
# Secure cookies over loopback HTTP regardless.
SERVER_ENV = {"CASEWORK_COOKIE_SECURE": "1"}


def _casework(env: dict, *args: str, stdin: str = "") -> None:
    subprocess.run([*casework_command(), *args], env=env, input=stdin, text=True, check=True,
                   capture_output=True)


def _create_user(env: dict, username: str) -> str:
    _casework(env, "create-user", "--username", username, "--display-name", username,
              "--role", "social_worker", "--password-stdin", stdin=PASSWORD + "\n")
    return username


@pytest.fixture(scope="module")
def instance_env(tmp_path_factory, keyring):
    directory = tmp_path_factory.mktemp("scaling")
    with databases.scratch_database(directory) as url:
        env = {**os.environ, **databases.make_instance(directory / "instance", url, keyring)}
        _casework(env, "init-db")
        yield env


@pytest.fixture(scope="module")
def servers(instance_env, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    first = LiveServer({**instance_env, **SERVER_ENV}, threads=2, log_path=logs / "first.log")
    second = LiveServer({**instance_env, **SERVER_ENV}, threads=2, log_path=logs / "second.log")
    with first, second:
        yield first, second


def _same_cookies(browser: Browser, server: LiveServer) -> Browser:
    other = Browser(server.base_url)
    other.cookies = dict(browser.cookies)
    return other


def test_a_session_started_on_one_server_is_honoured_by_the_other(servers, instance_env):
    first, second = servers
    username = _create_user(instance_env, "scaling-shared")
    browser = Browser(first.base_url)
    assert browser.sign_in(username, PASSWORD)
    elsewhere = _same_cookies(browser, second)
    assert elsewhere.get("/home").status == 200
    assert Browser(second.base_url).get("/home").status == 302  # no cookie, no entry


def test_signing_out_on_one_server_ends_the_session_on_the_other(servers, instance_env):
    first, second = servers
    username = _create_user(instance_env, "scaling-logout")
    browser = Browser(first.base_url)
    assert browser.sign_in(username, PASSWORD)
    elsewhere = _same_cookies(browser, second)
    assert elsewhere.get("/home").status == 200
    browser.get("/home")  # a page whose sign-out form carries the CSRF token
    assert browser.post("/logout").status == 302
    refused = elsewhere.get("/home")
    assert refused.status == 302 and "/login" in refused.location


def test_failed_sign_ins_across_both_servers_share_one_lock(servers, instance_env):
    first, second = servers
    locked = _create_user(instance_env, "scaling-locked")
    for server, attempts in ((first, 3), (second, 2)):  # five in all, fewer than five on each
        for _ in range(attempts):
            assert not Browser(server.base_url).sign_in(locked, "not the password at all")
    refused = Browser(first.base_url)
    assert not refused.sign_in(locked, PASSWORD)
    assert b'id="sign-in-refused"' in refused.post(
        "/login", {"username": locked, "password": PASSWORD}).body
    control = _create_user(instance_env, "scaling-control")
    assert Browser(first.base_url).sign_in(control, PASSWORD)
