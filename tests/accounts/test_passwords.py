"""Passwords: the policy, changing one's own, the must-change flow, Argon2id and rehashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask_babel import force_locale

from casework.accounts.passwords import PasswordPolicyError, check_policy, common_passwords
from tests.factories import PASSWORD

NEW_PASSWORD = "rain on the mekong at dawn"


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new,
        "confirm_password": new if confirm is None else confirm})


def can_sign_in(app, username: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"username": username,
                                                      "password": password})
    return response.status_code == 302 and "/login" not in response.headers["Location"]


# --- the policy ---

@pytest.mark.parametrize(("password", "reason"), [
    ("short pass", "at least 12"),
    ("x" * 129, "at most 128"),
    ("password1234", "too common"),
    ("qwertyuiop123", "too common"),
    ("aaaaaaaaaaaaaaa", "too common"),
    ("ababababababab", "too common"),
    ("Dragon2024!!!", "too common"),
    ("2025 iloveyou 2025", "too common"),
    ("anhyeuem@2025", "too common"),
    ("hotlinehotline", "too common"),
    ("my name is nguyenvana ok", "username"),
])
def test_the_policy_refuses(app, password, reason):
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(PasswordPolicyError) as refused:
            check_policy(password, username="NguyenVanA")
        assert reason in str(refused.value.args[0])


@pytest.mark.parametrize("password", ["x7kq!mz9-ab2", "a" * 60 + "bcd" + "e" * 65,
                                      "mưa trên sông Hậu", "1800 hotline night shift"])
def test_the_policy_accepts_long_enough_uncommon_passwords(password):
    check_policy(password, username="someone")


def test_the_blocklist_is_large_and_compared_case_insensitively(app):
    assert len(common_passwords()) >= 10_000
    with app.test_request_context(), pytest.raises(PasswordPolicyError):
        check_policy("PassWord1234")


# --- changing one's own password ---

def test_a_changed_password_replaces_the_old_one(app, client, login_as):
    user = login_as("operator")
    response = change(client)
    assert response.status_code == 302
    assert can_sign_in(app, user.username, NEW_PASSWORD)
    assert not can_sign_in(app, user.username, PASSWORD)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"current": "not my password at all"}, "current_password"),
    ({"confirm": "something different here"}, "confirm_password"),
    ({"new": "too short"}, "new_password"),
    ({"new": ""}, "new_password"),
])
def test_a_refused_change_shows_the_error_next_to_the_field(app, client, login_as, kwargs,
                                                           field):
    user = login_as("operator")
    response = change(client, **kwargs)
    assert response.status_code == 200
    assert f'id="{field}-error"'.encode() in response.data
    assert can_sign_in(app, user.username, PASSWORD)


def test_wrong_current_passwords_count_towards_the_lock(app, client, login_as, db_session):
    from casework.audit.models import AuditEntry

    user = login_as("operator")
    for _ in range(5):
        assert b'id="current_password-error"' in change(client, current="a wrong guess here").data
    locked = change(client)
    assert locked.status_code == 200 and b'id="current_password-error"' in locked.data
    assert not can_sign_in(app, user.username, NEW_PASSWORD)
    outcomes = db_session.scalars(db_session.query(AuditEntry.outcome).filter(
        AuditEntry.action == "password_change").statement).all()
    assert outcomes == ["refused"] * 5 + ["locked"]


# --- the must-change flow ---

def test_a_temporary_password_must_be_changed_before_anything_else(app, client, make_user,
                                                                   db_session):
    user = make_user("operator", must_change_password=True)
    db_session.commit()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    for path in ("/home", "/account", "/"):
        assert client.get(path).headers["Location"].endswith("/account/password"), path
    page = client.get("/account/password")
    assert page.status_code == 200 and b"flash-info" in page.data, "says why"
    assert change(client).status_code == 302
    db_session.refresh(user)
    assert not user.must_change_password
    assert client.get("/home").status_code == 200


# --- hashing ---

def test_passwords_are_stored_as_argon2id_hashes(make_user):
    user = make_user("operator")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(app, make_user, db_session,
                                                           override_settings):
    user = make_user("operator")
    db_session.commit()
    old_hash = user.password_hash
    override_settings(argon2_time_cost=2)
    assert can_sign_in(app, user.username, PASSWORD)
    db_session.refresh(user)
    assert user.password_hash != old_hash and ",t=2," in user.password_hash
    assert PasswordHasher(time_cost=2, memory_cost=64, parallelism=1).verify(
        user.password_hash, PASSWORD)


def test_a_current_hash_is_left_alone_at_sign_in(app, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    old_hash = user.password_hash
    assert can_sign_in(app, user.username, PASSWORD)
    db_session.refresh(user)
    assert user.password_hash == old_hash


def test_the_policy_speaks_vietnamese_by_default(app):
    with app.test_request_context(), pytest.raises(PasswordPolicyError) as refused:
        check_policy("short")
    with app.test_request_context():
        assert str(refused.value.args[0]) == "Mật khẩu phải có ít nhất 12 ký tự."
