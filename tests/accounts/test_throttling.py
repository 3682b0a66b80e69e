"""Sign-in throttling is kept in the database: five failures lock a username for a while."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from casework.accounts.models import LoginThrottle
from casework.accounts.throttle import username_key
from casework.db import utcnow
from tests.factories import PASSWORD

WRONG = "not the right passphrase"


def attempt(app, username: str, password: str):
    """One sign-in from a new browser, as an attacker rotating clients would."""
    return app.test_client().post("/login", data={"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def throttle_row(db_session, username: str) -> LoginThrottle | None:
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
    assert user.username not in stored and username_key(user.username) in stored
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
