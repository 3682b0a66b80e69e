"""Two-step sign-in (TOTP): enrolment, sign-in with a code, replay refused, who must use it.

Replayed codes and guessing past the lock through the web are also covered by
tests/hardening/test_sessions.py.
"""

from __future__ import annotations

import base64
import re
import time
import zlib

import pyotp
import pytest
import sqlalchemy as sa

from casework.accounts import totp
from casework.accounts.models import User
from tests.factories import PASSWORD, enrol_totp, totp_code

MUST_USE_TWO_STEP = ("supervisor", "admin", "board")


def location(response) -> str:
    return response.headers.get("Location", "")


def enrolment_secret(client) -> str:
    """The secret the enrolment page shows (read back from the page's QR key text)."""
    page = client.get("/account/2fa").get_data(as_text=True)
    match = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    assert match, "the page shows the key for typing by hand"
    return match.group(1)


def session_cookie_payload(client) -> str:
    """Everything the browser's session cookie says, decoded as the browser could."""
    cookie = client.get_cookie("casework_session")
    assert cookie is not None
    body = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    if cookie.value.startswith("."):
        raw = zlib.decompress(raw)
    return raw.decode()


def wrong_code(secret: str) -> str:
    return f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"


# --- the code itself ---

def test_a_code_is_accepted_once_and_never_an_older_one():
    secret = totp.new_secret()
    now = 1_700_000_000.0
    code = pyotp.TOTP(secret).at(now)
    step = totp.accept_code(secret, code, None, now=now)
    assert step == int(now // totp.STEP_SECONDS)
    assert totp.accept_code(secret, code, step, now=now) is None
    earlier = pyotp.TOTP(secret).at(now - totp.STEP_SECONDS)
    assert totp.accept_code(secret, earlier, step, now=now) is None


@pytest.mark.parametrize(("offset", "accepted"), [(-60, False), (-30, True), (0, True),
                                                  (30, True), (60, False)])
def test_one_step_of_clock_drift_is_allowed(offset, accepted):
    secret = totp.new_secret()
    now = 1_700_000_010.0
    code = pyotp.TOTP(secret).at(now + offset)
    assert (totp.matching_step(secret, code, now=now) is not None) is accepted


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_are_refused(typed):
    assert totp.matching_step(totp.new_secret(), typed) is None


def test_spaces_inside_a_typed_code_are_ignored():
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).now()
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}") is not None


# --- enrolment ---

def test_enrolment_shows_a_local_qr_code_and_refuses_a_wrong_code(client, login_as, db_session):
    user = login_as("operator")
    page = client.get("/account/2fa")
    assert page.status_code == 200
    secret = enrolment_secret(client)
    assert b"<svg" in page.data and secret.encode() in page.data
    refused = client.post("/account/2fa", data={"code": wrong_code(secret)})
    assert refused.status_code == 200
    assert b'id="code-error"' in refused.data
    db_session.refresh(user)
    assert not user.has_totp


def test_enrolment_with_a_right_code_turns_two_step_on_and_stores_the_secret_encrypted(
        client, login_as, db_session):
    user = login_as("operator")
    client.get("/account/2fa")
    secret = enrolment_secret(client)
    response = client.post("/account/2fa", data={"code": totp_code(secret)})
    assert response.status_code == 302
    db_session.refresh(user)
    assert user.has_totp
    stored = db_session.execute(
        sa.select(User.__table__.c.totp_secret).where(User.__table__.c.id == user.id)
    ).scalar_one()
    assert secret not in stored
    db_session.refresh(user)
    assert user.totp_pending_at is None and user.totp_pending_secret is None


def test_the_secret_being_enrolled_never_travels_in_the_session_cookie(client, login_as,
                                                                       db_session):
    user = login_as("operator")
    secret = enrolment_secret(client)
    payload = session_cookie_payload(client)
    assert "_user_id" in payload, "the decoding reads the real cookie"
    assert secret not in payload and "totp" not in payload
    stored = db_session.execute(
        sa.select(User.__table__.c.totp_pending_secret).where(User.__table__.c.id == user.id)
    ).scalar_one()
    assert stored and secret not in stored, "kept on the server, encrypted"


def test_a_pending_secret_is_replaced_once_it_is_old(client, login_as, db_session):
    user = login_as("operator")
    first = enrolment_secret(client)
    db_session.refresh(user)
    user.totp_pending_at -= totp.PENDING_LIFETIME
    db_session.commit()
    assert enrolment_secret(client) != first


def test_the_enrolment_secret_stays_the_same_while_the_user_reloads(client, login_as):
    login_as("operator")
    client.get("/account/2fa")
    first = enrolment_secret(client)
    client.get("/account/2fa")
    assert enrolment_secret(client) == first


# --- signing in with a code ---

def test_sign_in_with_password_then_code_lands_on_the_home_page(app, client, make_user,
                                                                 db_session):
    user = make_user("operator")
    secret = enrol_totp(user)
    db_session.commit()
    first = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert location(first).endswith("/login/code")
    assert client.get("/home").status_code == 302, "not signed in before the code"
    second = client.post("/login/code", data={"code": totp_code(secret)})
    assert second.status_code == 302
    assert client.get("/home").status_code == 200


def test_a_wrong_code_shows_an_error_and_does_not_sign_in(client, make_user, db_session):
    user = make_user("operator")
    secret = enrol_totp(user)
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    refused = client.post("/login/code", data={"code": wrong_code(secret)})
    assert refused.status_code == 200 and b'id="code-error"' in refused.data
    assert client.get("/home").status_code == 302


def test_the_code_step_expires_after_five_minutes(client, make_user, db_session):
    user = make_user("operator")
    secret = enrol_totp(user)
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    with client.session_transaction() as flask_session:
        flask_session["pending_sign_in"] = {**flask_session["pending_sign_in"],
                                             "at": time.time() - 301}
    response = client.post("/login/code", data={"code": totp_code(secret)})
    assert location(response).endswith("/login")
    assert client.get("/home").status_code == 302


def test_the_code_page_without_a_password_step_sends_to_sign_in(client):
    assert location(client.get("/login/code")).endswith("/login")


def test_sign_in_with_a_code_keeps_the_page_asked_for(client, make_user, db_session):
    user = make_user("operator")
    secret = enrol_totp(user)
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD,
                                "next": "/account"})
    response = client.post("/login/code", data={"code": totp_code(secret)})
    assert location(response) == "/account"


# --- who must use it ---

@pytest.mark.parametrize("role", MUST_USE_TWO_STEP)
def test_roles_that_must_use_two_step_are_sent_to_enrol(client, make_user, db_session, role):
    user = make_user(role)
    db_session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    for path in ("/home", "/account", "/"):
        assert location(client.get(path)).endswith("/account/2fa"), path
    client.get("/account/2fa")
    client.post("/account/2fa", data={"code": totp_code(enrolment_secret(client))})
    assert client.get("/home").status_code == 200


@pytest.mark.parametrize("role", ["operator", "social_worker"])
def test_other_roles_may_sign_in_without_two_step(client, make_user, db_session, role):
    user = make_user(role)
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert client.get("/home").status_code == 200


def test_a_demo_instance_does_not_ask_for_two_step(client, make_user, db_session,
                                                   override_settings):
    override_settings(is_demo=True)
    user = make_user("supervisor")
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert client.get("/home").status_code == 200


def test_two_step_can_be_required_of_other_roles(client, make_user, db_session,
                                                 override_settings):
    override_settings(require_2fa_roles=("operator",))
    user = make_user("operator")
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert location(client.get("/home")).endswith("/account/2fa")
