"""CSRF: every state-changing request needs the form's token, sign-in and sign-out included."""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.support.pages import csrf_token


def test_sign_in_without_a_token_is_refused(client, make_user, db_session, csrf_enabled):
    user = make_user("operator")
    db_session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/home").status_code == 302


def test_sign_in_with_the_token_of_the_form_works(client, make_user, db_session, csrf_enabled):
    user = make_user("operator")
    db_session.commit()
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200


def test_sign_out_without_a_token_is_refused_and_the_session_lives_on(client, login_as,
                                                                      csrf_enabled):
    login_as("operator")
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/home").status_code == 200


def test_sign_out_with_the_token_of_the_page_works(client, login_as, csrf_enabled):
    login_as("operator")
    token = csrf_token(client.get("/home").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/home").status_code == 302


def test_a_forged_token_is_refused(client, login_as, csrf_enabled):
    login_as("operator")
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.post("/language", data={"language": "en", "csrf_token": "x"}).status_code == 400


def test_the_refusal_page_explains_without_detail(client, csrf_enabled):
    response = client.post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 400
    assert "Traceback" not in response.text and "CSRF" not in response.text
