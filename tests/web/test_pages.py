"""Shared pages: landing redirects, the return path after sign-in, language, errors, dates."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
from flask import render_template_string

from casework import create_app
from casework.web.navigation import home_url
from tests.factories import PASSWORD
from tests.support import databases


def location(response) -> str:
    return response.headers.get("Location", "")


def home_of(app, role: str) -> str:
    with app.test_request_context():
        return home_url(role)


def sign_in(client, user, next_path: str | None = None):
    data = {"username": user.username, "password": PASSWORD}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/login", data=data)


# --- where people land ---

def test_the_landing_page_sends_anonymous_visitors_to_sign_in_without_a_return_path(client):
    assert location(client.get("/")) == "/login"


def test_a_page_asked_for_before_sign_in_is_remembered(client):
    assert location(client.get("/account")) == "/login?next=/account"
    assert location(client.get("/account?tab=2")) == "/login?next=/account?tab%3D2"


def test_after_sign_in_the_user_goes_to_the_page_asked_for(client, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    assert location(sign_in(client, user, "/account")) == "/account"


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example/",
                                    "javascript:alert(1)", "account", "/\tevil", ""])
def test_a_return_path_off_this_site_is_ignored(app, client, make_user, db_session, target):
    user = make_user("operator")
    db_session.commit()
    assert location(sign_in(client, user, target)) == home_of(app, "operator")


def test_a_signed_in_user_at_the_sign_in_page_goes_home(app, client, login_as):
    login_as("operator")
    assert location(client.get("/login")) == home_of(app, "operator")


def test_the_home_page_greets_the_user_and_lists_their_menu(client, login_as):
    user = login_as("operator")
    page = client.get("/home")
    assert page.status_code == 200 and user.display_name in page.text


# --- language ---

def test_vietnamese_is_the_default_and_english_a_choice(client):
    assert '<html lang="vi">' in client.get("/login").text
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert location(response) == "/login"
    assert '<html lang="en">' in client.get("/login").text


def test_a_signed_in_user_keeps_their_language_in_every_browser(app, client, login_as,
                                                                db_session):
    user = login_as("operator")
    client.post("/language", data={"language": "en"})
    db_session.refresh(user)
    assert user.locale == "en"
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    assert '<html lang="en">' in elsewhere.get("/home").text


def test_an_unknown_language_changes_nothing(client):
    client.post("/language", data={"language": "fr"})
    assert '<html lang="vi">' in client.get("/login").text


# --- errors ---

def test_an_unknown_page_answers_a_generic_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Traceback" not in response.text


def test_a_wrong_method_answers_405_not_500(client):
    assert client.get("/logout").status_code in (404, 405)
    assert client.delete("/login").status_code == 405


def test_an_oversized_body_answers_413(client, app):
    body = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data={"username": "x", "password": body})
    assert response.status_code == 413


def test_an_unexpected_error_shows_a_generic_page_and_logs_no_personal_data(tmp_path, keyring,
                                                                            caplog):
    app = create_app(databases.settings_for(tmp_path, f"sqlite:///{tmp_path / 'x.db'}",
                                            keyring))

    @app.get("/boom")
    def boom():
        raise ValueError("Nguyễn Thị Mai 0912345678")

    boom.casework_audience = "public"
    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "0912345678" not in response.text and "Nguyễn" not in response.text
    logged = "\n".join(record.getMessage() + str(record.exc_info) for record in caplog.records)
    assert "ValueError" in logged
    assert "0912345678" not in logged and "Nguyễn" not in logged


# --- dates ---

@pytest.mark.parametrize(("template", "value", "shown"), [
    ("{{ value|date }}", datetime(2026, 1, 1, 18, 30, tzinfo=UTC), "02/01/2026"),
    ("{{ value|datetime }}", datetime(2026, 1, 1, 18, 30, tzinfo=UTC), "02/01/2026 01:30"),
    ("{{ value|time }}", datetime(2026, 1, 1, 18, 30, tzinfo=UTC), "01:30"),
    ("{{ value|date }}", date(2026, 11, 15), "15/11/2026"),
    ("{{ value|date }}", None, ""),
    ("{{ value|duration }}", 125, "2:05"),
])
def test_dates_are_shown_day_first_in_vietnam_time(app, template, value, shown):
    with app.test_request_context():
        assert render_template_string(template, value=value) == shown
