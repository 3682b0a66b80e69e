"""Sign-in attacked through two real `casework serve` processes on one database.

Runs on SQLite and on PostgreSQL (whichever the suite uses). An attacker spreads password
guesses over both processes and fires them in parallel; the lock must hold, and no guess may
produce an error page.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from casework.audit.models import AuditEntry
from casework.extensions import db
from tests import factories
from tests.factories import PASSWORD
from tests.hardening.live import SEVERAL_SERVERS, Browser, start_server

pytestmark = pytest.mark.slow

WRONG = "certainly not the passphrase"
PARALLEL_GUESSES = 16
MAX_FAILURES = 5  # the default of Settings.throttle_max_failures


@pytest.fixture(scope="module")
def servers(live_instance):
    env = {**live_instance.env, **SEVERAL_SERVERS}
    first = start_server(env, live_instance.directory / "first.log", threads=8)
    second = start_server(env, live_instance.directory / "second.log", threads=8)
    yield first, second
    first.stop()
    second.stop()


def make_user(app, role: str = "operator"):
    with app.app_context():
        user = factories.make_user(role)
        db.session.commit()
        return user.username, user.id


def guess(base_url: str, username: str, password: str) -> int:
    """One sign-in attempt from a fresh browser; the HTTP status of the answer."""
    browser = Browser(base_url)
    try:
        browser.get("/login")
        return browser.post("/login", {"username": username, "password": password}).status
    finally:
        browser.close()


def sign_in_outcomes(app, user_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(AuditEntry.outcome).where(AuditEntry.action == "sign_in",
                                                AuditEntry.object_id == user_id)))


def test_the_session_cookie_is_secure_http_only_and_same_site(servers, live_app):
    username, _ = make_user(live_app)
    browser = Browser(servers[0].base_url)
    browser.get("/login")
    response = browser.request("POST", "/login", {"csrf_token": browser.csrf_token,
                                                  "username": username, "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert cookie.startswith("casework_session=")
    assert {"secure", "httponly", "samesite=lax"} <= flags
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["server"] == "casework", "no server name or version given away"


def test_parallel_guesses_over_two_processes_lock_the_account_without_errors(servers,
                                                                             live_app):
    username, user_id = make_user(live_app)
    urls = [server.base_url for server in servers] * (PARALLEL_GUESSES // 2)
    with ThreadPoolExecutor(max_workers=PARALLEL_GUESSES) as pool:
        statuses = list(pool.map(lambda url: guess(url, username, WRONG), urls))
    assert statuses == [200] * PARALLEL_GUESSES  # each answered with the sign-in form
    for server in servers:
        assert guess(server.base_url, username, PASSWORD) == 200, "the right password got in"
    outcomes = sign_in_outcomes(live_app, user_id)
    assert outcomes.count("refused") <= MAX_FAILURES, "more guesses checked than allowed"
    assert outcomes.count("ok") == 0


def test_deactivation_on_one_process_ends_the_session_on_the_other(servers, live_app):
    username, user_id = make_user(live_app)
    first, second = servers
    browser = Browser(first.base_url)
    assert browser.sign_in(username, PASSWORD)
    elsewhere = Browser(second.base_url)
    elsewhere.cookies = dict(browser.cookies)
    assert elsewhere.get("/home").status == 200
    with live_app.app_context():
        from casework.accounts import service
        from casework.accounts.models import User

        service.set_active(db.session.get(User, user_id), False)
        db.session.commit()
    for client in (browser, elsewhere):
        response = client.get("/home")
        assert response.status == 302 and "/login" in response.location
