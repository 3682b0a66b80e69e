"""The administrator's user pages: create, edit, deactivate, reset password and second factor."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from casework.accounts.models import AuthSession, User
from casework.audit.models import AuditEntry
from tests.factories import PASSWORD, enrol_totp, make_unit

NEW_USER = {
    "username": "lan.tran", "display_name": "Trần Thị Lan", "role": "operator",
    "unit_id": "", "locale": "vi", "password": "a temporary passphrase",
    "must_change_password": "y",
}


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def find(db_session, username: str) -> User | None:
    return db_session.scalar(sa.select(User).where(User.username == username))


def error_of(response, field: str) -> bool:
    return f'id="{field}-error"'.encode() in response.data


def audited(db_session, action: str, user: User) -> bool:
    return db_session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_id == user.id)) == 1


def live_sessions(db_session, user: User) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.ended_at.is_(None)))


def test_the_user_list_shows_every_account(client, admin, make_user):
    other = make_user("board", display_name="Ban VSTBPN")
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert other.username.encode() in page.data and "Ban VSTBPN" in page.text


def test_an_admin_creates_a_user_who_must_change_the_password(app, client, admin, db_session):
    unit = make_unit("AG-CTXH", "Trung tâm CTXH")
    db_session.commit()
    response = client.post("/admin/users/new", data={**NEW_USER, "unit_id": str(unit.id)})
    assert response.status_code == 302
    created = find(db_session, "lan.tran")
    assert (created.role, created.unit_id, created.must_change_password) == (
        "operator", unit.id, True)
    assert audited(db_session, "user_create", created)
    signing_in = app.test_client()
    signing_in.post("/login", data={"username": "lan.tran", "password": NEW_USER["password"]})
    assert signing_in.get("/home").headers["Location"].endswith("/account/password")


@pytest.mark.parametrize(("changes", "field"), [
    ({"username": "no spaces allowed"}, "username"),
    ({"username": "ab"}, "username"),
    ({"username": "x" * 65}, "username"),
    ({"display_name": ""}, "display_name"),
    ({"display_name": "x" * 121}, "display_name"),
    ({"password": "short"}, "password"),
    ({"password": "password1234"}, "password"),
    ({"password": "lan.tran is my name"}, "password"),
    ({"role": "superuser"}, "role"),
    ({"unit_id": "not-a-unit"}, "unit_id"),
    ({"unit_id": str(uuid.uuid4())}, "unit_id"),
    ({"locale": "fr"}, "locale"),
])
def test_bad_input_is_shown_next_to_its_field_and_the_rest_is_kept(client, admin, db_session,
                                                                   changes, field):
    response = client.post("/admin/users/new", data={**NEW_USER, **changes})
    assert response.status_code == 200
    assert error_of(response, field)
    kept = {"username": "lan.tran", "display_name": "Trần Thị Lan"}
    for name, value in kept.items():
        if name not in changes:
            assert f'value="{value}"' in response.text, name
    assert find(db_session, "lan.tran") is None


def test_a_taken_username_is_refused_next_to_the_field(client, admin, make_user, db_session):
    make_user("operator", username="lan.tran")
    db_session.commit()
    response = client.post("/admin/users/new", data={**NEW_USER, "username": "LAN.TRAN"})
    assert response.status_code == 200 and error_of(response, "username")


def test_an_admin_edits_name_role_unit_and_language(client, admin, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    form = client.get(f"/admin/users/{user.id}")
    assert form.status_code == 200 and user.display_name in form.text
    response = client.post(f"/admin/users/{user.id}", data={
        "display_name": "Lê Thị Hoa", "role": "social_worker", "unit_id": "", "locale": "en"})
    assert response.status_code == 302
    db_session.refresh(user)
    assert (user.display_name, user.role, user.unit_id, user.locale) == (
        "Lê Thị Hoa", "social_worker", None, "en")
    assert audited(db_session, "user_update", user)


def test_a_refused_edit_keeps_what_was_typed(client, admin, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    response = client.post(f"/admin/users/{user.id}", data={
        "display_name": "Lê Thị Hoa", "role": "nobody", "unit_id": "", "locale": "vi"})
    assert response.status_code == 200 and error_of(response, "role")
    assert 'value="Lê Thị Hoa"' in response.text


def test_an_admin_cannot_change_their_own_role(client, admin, db_session):
    response = client.post(f"/admin/users/{admin.id}", data={
        "display_name": admin.display_name, "role": "operator", "unit_id": str(admin.unit_id),
        "locale": "vi"})
    assert response.status_code == 200 and error_of(response, "role")
    db_session.refresh(admin)
    assert admin.role == "admin"


def test_deactivation_ends_sessions_and_reactivation_allows_sign_in(app, client, admin,
                                                                    make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    browser = app.test_client()
    browser.post("/login", data={"username": user.username, "password": PASSWORD})
    assert browser.get("/home").status_code == 200
    assert client.post(f"/admin/users/{user.id}/active").status_code == 302
    assert browser.get("/home").status_code == 302
    assert live_sessions(db_session, user) == 0
    db_session.refresh(user)
    assert not user.is_active_account and user.deactivated_at is not None
    client.post(f"/admin/users/{user.id}/active")
    browser.post("/login", data={"username": user.username, "password": PASSWORD})
    assert browser.get("/home").status_code == 200


def test_an_admin_cannot_deactivate_themself(client, admin, db_session):
    client.post(f"/admin/users/{admin.id}/active")
    db_session.refresh(admin)
    assert admin.is_active_account
    assert client.get("/admin/users").status_code == 200


def test_a_password_reset_sets_a_temporary_password(app, client, admin, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    response = client.post(f"/admin/users/{user.id}/password",
                           data={"password": "a fresh temporary one"})
    assert response.status_code == 302
    db_session.refresh(user)
    assert user.must_change_password
    assert audited(db_session, "password_reset", user)
    browser = app.test_client()
    browser.post("/login", data={"username": user.username, "password": "a fresh temporary one"})
    assert browser.get("/home").headers["Location"].endswith("/account/password")


def test_a_refused_password_reset_shows_the_error_and_the_account(client, admin, make_user,
                                                                  db_session):
    user = make_user("operator", display_name="Nguyễn Văn Bình")
    db_session.commit()
    response = client.post(f"/admin/users/{user.id}/password", data={"password": "short"})
    assert response.status_code == 200 and error_of(response, "password")
    assert 'value="Nguyễn Văn Bình"' in response.text


def test_a_second_factor_reset_makes_the_user_enrol_again(app, client, admin, make_user,
                                                          db_session):
    user = make_user("supervisor")
    enrol_totp(user)
    db_session.commit()
    assert client.post(f"/admin/users/{user.id}/2fa").status_code == 302
    db_session.refresh(user)
    assert not user.has_totp and user.totp_secret is None
    browser = app.test_client()
    browser.post("/login", data={"username": user.username, "password": PASSWORD})
    assert browser.get("/home").headers["Location"].endswith("/account/2fa")


@pytest.mark.parametrize("path", ["/admin/users/{id}", "/admin/users/{id}/active",
                                  "/admin/users/{id}/password", "/admin/users/{id}/2fa"])
def test_an_unknown_or_malformed_user_id_answers_404(client, admin, path):
    method = client.get if path == "/admin/users/{id}" else client.post
    assert method(path.format(id=uuid.uuid4())).status_code == 404
    assert method(path.format(id="not-a-uuid")).status_code == 404
