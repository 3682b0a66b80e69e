"""Sign-in and sign-out through the real forms."""

from casework.accounts.models import AuthSession
from tests.factories import PASSWORD


def test_operator_signs_in_and_lands_on_a_page_of_their_role(client, make_user):
    user = make_user("operator")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make_user):
    user = make_user("operator")
    wrong = client.post("/login", data={"username": user.username, "password": "nope" * 4})
    unknown = client.post("/login", data={"username": "nobody-here", "password": "nope" * 4})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.data.replace(user.username.encode(), b"") == unknown.data.replace(
        b"nobody-here", b"")


def test_sign_out_ends_every_session_of_the_user(app, client, login_as, db_session):
    user = login_as("social_worker")
    other_browser = app.test_client()
    other_browser.post("/login", data={"username": user.username, "password": PASSWORD})
    assert other_browser.get("/home").status_code == 200
    client.post("/logout")
    assert other_browser.get("/home").status_code == 302
    live = [s for s in db_session.query(AuthSession).filter_by(user_id=user.id) if not s.ended_at]
    assert live == []
