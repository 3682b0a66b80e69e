"""Sign-in throttling is kept in the database.

Five failures from one client lock that client out of the username for a while; many more
from every client together lock the username everywhere; an administrator can lift both.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from casework.accounts.models import LoginThrottle
from casework.accounts import passwords
from casework.accounts.throttle import client_address, client_key, username_key
from casework.db import utcnow
from tests.factories import PASSWORD

WRONG = "not the right passphrase"
HERE = "127.0.0.1"  # the test client's address


def attempt(app, username: str, password: str, address: str = HERE):
    """One sign-in from a new browser at `address`, as an attacker rotating browsers would."""
    return app.test_client().post("/login", data={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def signed_in(response) -> bool:
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def throttle_row(db_session, username: str, address: str = HERE) -> LoginThrottle | None:
    """The count of one client's failures on the username."""
    db_session.expire_all()
    return db_session.get(LoginThrottle, client_key(username, address))


def account_row(db_session, username: str) -> LoginThrottle | None:
    """The count of every client's failures on the username."""
    db_session.expire_all()
    return db_session.get(LoginThrottle, username_key(username))


def test_five_failures_lock_the_username_even_for_the_right_password(app, make_user,
                                                                     db_session):
    user = make_user("operator")
    db_session.commit()
    for _ in range(4):
        attempt(app, user.username, WRONG)
    assert throttle_row(db_session, user.username).locked_until is None
    attempt(app, user.username, WRONG)
    assert throttle_row(db_session, user.username).locked_until > utcnow()
    refused = attempt(app, user.username, PASSWORD)
    assert not signed_in(refused)
    assert b'id="sign-in-refused"' in refused.data


def test_the_lock_is_stored_by_hashed_username_and_ends_after_its_time(app, make_user,
                                                                        db_session):
    user = make_user("operator")
    db_session.commit()
    for _ in range(5):
        attempt(app, user.username, WRONG)
    stored = db_session.scalars(sa.select(LoginThrottle.username_key)).all()
    assert user.username not in stored and client_key(user.username, HERE) in stored
    assert HERE not in stored and username_key(user.username) in stored
    row = throttle_row(db_session, user.username)
    row.locked_until = utcnow() - timedelta(seconds=1)
    db_session.commit()
    assert signed_in(attempt(app, user.username, PASSWORD))
    assert throttle_row(db_session, user.username) is None, "a success clears the count"


def test_the_username_is_matched_whatever_its_case_or_spaces(app, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    for variant in (user.username.upper(), f" {user.username}", user.username.title(),
                    user.username, f"{user.username} "):
        attempt(app, variant, WRONG)
    assert not signed_in(attempt(app, user.username, PASSWORD))


def test_failures_outside_the_window_do_not_add_up(app, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    for _ in range(4):
        attempt(app, user.username, WRONG)
    row = throttle_row(db_session, user.username)
    row.window_started_at = utcnow() - timedelta(minutes=16)
    db_session.commit()
    attempt(app, user.username, WRONG)
    assert throttle_row(db_session, user.username).failures == 1
    assert signed_in(attempt(app, user.username, PASSWORD))


def test_a_successful_sign_in_resets_the_count(app, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    for _ in range(4):
        attempt(app, user.username, WRONG)
    assert signed_in(attempt(app, user.username, PASSWORD))
    for _ in range(4):
        attempt(app, user.username, WRONG)
    assert signed_in(attempt(app, user.username, PASSWORD))


def test_the_limits_come_from_the_settings(app, make_user, db_session, override_settings):
    override_settings(throttle_max_failures=2)
    user = make_user("operator")
    db_session.commit()
    attempt(app, user.username, WRONG)
    attempt(app, user.username, WRONG)
    assert not signed_in(attempt(app, user.username, PASSWORD))


# --- a stranger cannot lock the real user out ---

def test_failures_from_one_client_do_not_lock_the_user_out_elsewhere(app, make_user,
                                                                     db_session):
    user = make_user("operator")
    db_session.commit()
    for _ in range(5):
        attempt(app, user.username, WRONG, address="198.51.100.9")
    assert not signed_in(attempt(app, user.username, PASSWORD, address="198.51.100.9"))
    assert signed_in(attempt(app, user.username, PASSWORD, address="10.0.0.21"))


def test_many_clients_together_lock_the_username_everywhere(app, make_user, db_session,
                                                             override_settings):
    override_settings(throttle_account_max_failures=8)
    user = make_user("operator")
    db_session.commit()
    for n in range(8):
        attempt(app, user.username, WRONG, address=f"198.51.100.{n}")  # 1 each: under 5
    assert account_row(db_session, user.username).locked_until > utcnow()
    refused = attempt(app, user.username, PASSWORD, address="10.0.0.21")
    assert not signed_in(refused) and b'id="sign-in-refused"' in refused.data


def test_the_account_wide_limit_is_larger_by_default(app):
    settings = app.extensions["casework.settings"]
    assert settings.throttle_account_max_failures > settings.throttle_max_failures


def test_a_success_keeps_the_failures_counted_from_other_clients(app, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    for _ in range(3):
        attempt(app, user.username, WRONG, address="198.51.100.9")
    assert signed_in(attempt(app, user.username, PASSWORD))
    assert account_row(db_session, user.username).failures == 3


# --- a locked answer looks and costs the same as a checked one ---

def test_a_locked_answer_runs_the_password_hash_as_a_checked_one_does(app, make_user,
                                                                      db_session, monkeypatch):
    user = make_user("operator")
    db_session.commit()
    for _ in range(5):
        attempt(app, user.username, WRONG)
    hashed = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password",
                        lambda stored, typed: hashed.append(typed) or real_verify(stored, typed))
    locked = attempt(app, user.username, PASSWORD)
    assert hashed == [PASSWORD], "one Argon2 verification, as for a checked password"
    hashed.clear()
    checked = attempt(app, user.username, WRONG, address="10.0.0.21")
    assert hashed == [WRONG]
    assert locked.status_code == checked.status_code == 200
    assert b'id="sign-in-refused"' in locked.data and b'id="sign-in-refused"' in checked.data


# --- the administrator lifts a lock ---

def test_an_administrator_sees_and_lifts_a_lock_and_it_is_audited(app, client, login_as,
                                                                  make_user, db_session):
    from casework.audit.models import AuditEntry

    user = make_user("operator")
    db_session.commit()
    for n in range(5):
        attempt(app, user.username, WRONG)
        attempt(app, user.username, WRONG, address=f"198.51.100.{n}")
    login_as("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert page.count("data-sign-in-locked") == 1
    assert f"/admin/users/{user.id}/unlock" in page
    response = client.post(f"/admin/users/{user.id}/unlock")
    assert response.status_code == 302
    assert signed_in(attempt(app, user.username, PASSWORD))
    entry = db_session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "user_unlock")).one()
    assert entry.object_id == user.id
    assert "data-sign-in-locked" not in client.get("/admin/users").get_data(as_text=True)


def test_an_unlock_is_refused_without_the_csrf_token(app, client, login_as, make_user,
                                                     db_session, csrf_enabled):
    user = make_user("operator")
    db_session.commit()
    for _ in range(5):
        attempt(app, user.username, WRONG)
    login_as("admin")
    client.post(f"/admin/users/{user.id}/unlock")
    assert not signed_in(attempt(app, user.username, PASSWORD))


# --- which address is the client's ---

def test_the_client_address_comes_from_trusted_proxies_only():
    assert client_address("10.0.0.1", "203.0.113.7", 0) == "10.0.0.1"
    assert client_address("10.0.0.1", "203.0.113.7", 1) == "203.0.113.7"
    assert client_address("10.0.0.1", "6.6.6.6, 203.0.113.7", 1) == "203.0.113.7"
    assert client_address("10.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2", 2) == "203.0.113.7"
    assert client_address("10.0.0.1", "203.0.113.7", 2) == "10.0.0.1"
    assert client_address(None, None, 0) == ""
