"""Stolen, replayed and stale session cookies: each event that must end a session does.

The attacker here holds a copy of a victim's cookie (from a shared computer, a proxy log, a
browser backup) and replays it after the victim signs out, is deactivated, changes their
password or their second factor. Every replay must land on the sign-in page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from casework.accounts.models import AuthSession, User
from casework.crypto import reveal
from casework.db import utcnow
from tests.factories import PASSWORD, enrol_totp, totp_code

COOKIE = "casework_session"
NEW_PASSWORD = "another long passphrase for testing"


def session_cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def replay(app, cookie_value: str):
    """A second browser holding a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie_value)
    return thief


def is_signed_in(client) -> bool:
    response = client.get("/home")
    return response.status_code == 200


def sign_in(client, user: User, secret: str | None = None, *, last_step: int | None = None):
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    if secret:
        response = client.post("/login/code", data={"code": totp_code(secret, last_step)})
    return response


def live_sessions(db_session, user: User) -> list[AuthSession]:
    return list(db_session.scalars(sa.select(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.ended_at.is_(None))))


def test_the_cookie_from_before_sign_in_is_not_signed_in_afterwards(app, client, make_user,
                                                                     db_session):
    user = make_user("operator")
    db_session.commit()
    client.post("/language", data={"language": "en"})  # a planted pre-sign-in cookie
    planted = session_cookie(client)
    assert planted
    sign_in(client, user)
    assert session_cookie(client) != planted
    assert is_signed_in(client)
    assert not is_signed_in(replay(app, planted))


def test_each_sign_in_gets_its_own_session(app, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    first, second = app.test_client(), app.test_client()
    sign_in(first, user)
    sign_in(second, user)
    assert session_cookie(first) != session_cookie(second)
    tokens = {auth.token_hash for auth in live_sessions(db_session, user)}
    assert len(tokens) == 2


def _sign_out(client, admin, user):
    client.post("/logout")


def _deactivate(client, admin, user):
    assert admin.post(f"/admin/users/{user.id}/active").status_code == 302


def _admin_password_reset(client, admin, user):
    response = admin.post(f"/admin/users/{user.id}/password", data={"password": NEW_PASSWORD})
    assert response.status_code == 302


def _role_change(client, admin, user):
    response = admin.post(f"/admin/users/{user.id}", data={
        "display_name": user.display_name, "role": "social_worker",
        "unit_id": str(user.unit_id), "locale": "vi"})
    assert response.status_code == 302


def _admin_second_factor_reset(client, admin, user):
    assert admin.post(f"/admin/users/{user.id}/2fa").status_code == 302


@pytest.mark.parametrize("event", [_sign_out, _deactivate, _admin_password_reset, _role_change,
                                   _admin_second_factor_reset])
def test_a_copied_cookie_stops_working_after(event, app, client, login_as, make_user,
                                             db_session):
    user = make_user("operator")
    db_session.commit()
    sign_in(client, user)
    stolen = replay(app, session_cookie(client))
    assert is_signed_in(stolen)
    admin_client = app.test_client()
    _sign_in_admin(app, admin_client, make_user, db_session)
    event(client, admin_client, user)
    assert not is_signed_in(stolen)
    assert not is_signed_in(client)
    assert live_sessions(db_session, user) == []


def _sign_in_admin(app, admin_client, make_user, db_session):
    admin = make_user("admin")
    secret = enrol_totp(admin)
    db_session.commit()
    response = sign_in(admin_client, admin, secret)
    assert response.status_code == 302 and "/login" not in response.headers["Location"]


def test_a_copied_cookie_stops_working_after_the_victim_changes_password(app, client, make_user,
                                                                         db_session):
    user = make_user("operator")
    db_session.commit()
    sign_in(client, user)
    before = session_cookie(client)
    stolen = replay(app, before)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert not is_signed_in(stolen)
    assert is_signed_in(client), "the browser that changed the password stays signed in"
    assert session_cookie(client) != before
    assert len(live_sessions(db_session, user)) == 1


def test_a_copied_cookie_stops_working_after_the_victim_turns_on_two_step(app, client,
                                                                          make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    sign_in(client, user)
    stolen = replay(app, session_cookie(client))
    assert client.get("/account/2fa").status_code == 200
    db_session.expire_all()
    secret = reveal(db_session.get(User, user.id), "totp_pending_secret")
    response = client.post("/account/2fa", data={"code": totp_code(secret)})
    assert response.status_code == 302
    assert not is_signed_in(stolen)
    assert is_signed_in(client)


def _age_session(db_session, user: User, **moved_back: timedelta) -> None:
    now = utcnow()
    for auth in live_sessions(db_session, user):
        for column, delta in moved_back.items():
            setattr(auth, column, now - delta)
    db_session.commit()


@pytest.mark.parametrize(("idle", "expected_signed_in"), [
    (timedelta(minutes=14), True),
    (timedelta(minutes=16), False),
])
def test_idle_timeout(app, client, make_user, db_session, idle, expected_signed_in):
    user = make_user("operator")
    db_session.commit()
    sign_in(client, user)
    _age_session(db_session, user, last_seen_at=idle)
    assert is_signed_in(client) is expected_signed_in
    if not expected_signed_in:
        ended = db_session.scalar(sa.select(AuthSession).where(AuthSession.user_id == user.id))
        assert ended.end_reason == "idle"


def test_absolute_timeout_ends_a_session_in_constant_use(app, client, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    sign_in(client, user)
    _age_session(db_session, user, created_at=timedelta(hours=12, minutes=1),
                 last_seen_at=timedelta(seconds=0))
    assert not is_signed_in(client)
    ended = db_session.scalar(sa.select(AuthSession).where(AuthSession.user_id == user.id))
    assert ended.end_reason == "absolute"


def test_an_idle_session_cannot_be_revived_by_a_later_request(app, client, make_user,
                                                             db_session):
    user = make_user("operator")
    db_session.commit()
    sign_in(client, user)
    _age_session(db_session, user, last_seen_at=timedelta(minutes=16))
    assert not is_signed_in(client)
    _age_session(db_session, user, last_seen_at=timedelta(0))  # no live session: nothing moves
    assert not is_signed_in(client)


def test_session_cookie_is_http_only_and_same_site(client, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    response = sign_in(client, user)
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "sign-in sets the session cookie"
    for header in cookies:
        flags = {part.strip().lower() for part in header.split(";")[1:]}
        assert "httponly" in flags, header
        assert "samesite=lax" in flags or "samesite=strict" in flags, header


def test_a_totp_code_is_accepted_once(app, client, make_user, db_session):
    user = make_user("supervisor")
    secret = enrol_totp(user)
    db_session.commit()
    code = totp_code(secret)
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    replayer = app.test_client()
    replayer.post("/login", data={"username": user.username, "password": PASSWORD})
    refused = replayer.post("/login/code", data={"code": code})
    assert refused.status_code == 200
    assert b"That code is not valid" in refused.data or "không hợp lệ" in refused.text
    assert not is_signed_in(replayer)


def test_the_code_step_cannot_be_skipped(app, client, make_user, db_session):
    user = make_user("supervisor")
    enrol_totp(user)
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    for path in ("/home", "/account", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert live_sessions(db_session, user) == []


def test_guessing_codes_locks_the_second_step_too(app, client, make_user, db_session):
    user = make_user("supervisor")
    secret = enrol_totp(user)
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    right = totp_code(secret)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for _attempt in range(5):
        client.post("/login/code", data={"code": wrong})
    refused = client.post("/login/code", data={"code": right})
    assert refused.status_code != 302 or "/login" in refused.headers["Location"]
    assert not is_signed_in(client)


def _normalised(response, username: str) -> bytes:
    return response.data.replace(username.encode(), b"<username>")


def test_unknown_wrong_locked_and_deactivated_get_one_answer(app, make_user, db_session):
    active, locked, deactivated = (make_user("operator") for _ in range(3))
    deactivated.is_active_account = False
    db_session.commit()
    for _attempt in range(5):
        app.test_client().post("/login", data={"username": locked.username, "password": "x" * 14})

    def attempt(username, password):
        return _normalised(app.test_client().post(
            "/login", data={"username": username, "password": password}), username)

    answers = {
        "unknown user": attempt("nobody-at-all", PASSWORD),
        "wrong password": attempt(active.username, "wrong password here"),
        "locked, right password": attempt(locked.username, PASSWORD),
        "deactivated, right password": attempt(deactivated.username, PASSWORD),
    }
    assert len(set(answers.values())) == 1, list(answers)
    assert b'id="sign-in-refused"' in answers["unknown user"]


def test_an_unknown_username_is_locked_like_a_real_one(app, make_user, db_session):
    """Otherwise the lock itself would tell an attacker which usernames exist."""
    real = make_user("operator")
    db_session.commit()
    for username in (real.username, "nobody-at-all"):
        for _attempt in range(5):
            app.test_client().post("/login", data={"username": username, "password": "x" * 14})
    # The real user, with the right password, is refused while locked, like the unknown one.
    response = app.test_client().post("/login", data={"username": real.username,
                                                      "password": PASSWORD})
    assert response.status_code == 200 and b'id="sign-in-refused"' in response.data
