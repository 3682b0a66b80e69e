"""Shared fixtures: one migrated database per test session, rolled back after each test.

Select the database with CASEWORK_TEST_DATABASE_URL (a postgresql+psycopg:// URL to a
server where the user may CREATE DATABASE); without it the suite runs on SQLite. Each test
session creates its own databases and drops them at the end, so runs never collide.

Tests of code that opens its own connections or processes (CLI commands, key rotation,
backups, servers) use `fresh_instance`, a separate instance with its own database.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session, sessionmaker

import casework.db
from casework import create_app
from casework.crypto.keyring import new_keyring
from casework.extensions import db
from tests import factories
from tests.support import databases, pages
from tests.support.databases import settings_for

PASSWORD = factories.PASSWORD


# Timing belongs in bench/: on a shared two-core machine a slow example is noise, not a
# failure, so Hypothesis checks behaviour only.
hypothesis_settings.register_profile("casework", deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("casework")


@pytest.fixture(scope="session")
def keyring():
    return new_keyring()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with databases.scratch_database(tmp_path_factory.mktemp("db")) as url:
        yield url


class RequestIsolatingClient(FlaskClient):
    """A test client whose every request gets its own app context, hence its own `g`.

    `db_session` keeps an app context pushed for the whole test and a request reuses it, so
    without this Flask-Login's user cached in `g` would follow one browser's sign-in into
    every other test client.
    """

    def open(self, *args, **kwargs):
        if self.preserve_context:
            return super().open(*args, **kwargs)
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url, keyring):
    application = create_app(settings_for(tmp_path_factory.mktemp("instance"), database_url,
                                           keyring))
    application.test_client_class = RequestIsolatingClient
    databases.migrate(application)
    return application


@pytest.fixture
def db_session(app, monkeypatch):
    """Run the test inside a transaction that is rolled back afterwards.

    Views commit as usual; with `create_savepoint` each commit only releases a SAVEPOINT,
    and the test body and every request share one session, so all see the same state.
    Long reads (`casework.db.reading_connection`) join that transaction too, since a
    connection of their own could not see its uncommitted rows.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        session = scoped_session(factory, scopefunc=lambda: "test")
        session.remove = session.expire_all  # request teardown must not end the test's session

        @contextmanager
        def joined_reading(_engine):
            yield session.connection()

        monkeypatch.setattr(casework.db, "reading_connection", joined_reading)
        original, db.session = db.session, session
        try:
            yield session
        finally:
            db.session = original
            session.close()
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def make_user(db_session):
    return factories.make_user


@pytest.fixture
def login_as(app, client, db_session):
    """Sign a new user of the given role in through the real sign-in form; returns the user.

    Roles that must use two-step sign-in get a second factor and pass the code step too,
    so the user lands on their home page rather than on the enrolment page.
    """

    def with_csrf(data: dict, form_path: str) -> dict:
        if not app.config["WTF_CSRF_ENABLED"]:
            return data
        return {**data, "csrf_token": pages.csrf_token(client.get(form_path).text)}

    def sign_in(role: str, **kwargs):
        user = factories.make_user(role, **kwargs)
        needs_code = role in app.extensions["casework.settings"].require_2fa_roles
        secret = factories.enrol_totp(user) if needs_code else None
        db_session.commit()
        response = client.post("/login", data=with_csrf(
            {"username": user.username, "password": PASSWORD}, "/login"))
        if secret:
            response = client.post("/login/code", data=with_csrf(
                {"code": factories.totp_code(secret)}, "/login/code"))
        assert response.status_code == 302, "sign-in failed"
        assert "/login" not in response.headers["Location"], "sign-in refused"
        return user

    return sign_in


@pytest.fixture
def fresh_instance(tmp_path, keyring):
    """An instance folder of its own (secret key, key file, empty database) for CLI tests."""
    with databases.scratch_database(tmp_path) as url:
        yield databases.make_instance(tmp_path / "instance", url, keyring)


@pytest.fixture
def override_settings(app, monkeypatch):
    """Change settings for one test: `override_settings(is_demo=True)` returns the new ones."""

    def override(**changes):
        settings = dataclasses.replace(app.extensions["casework.settings"], **changes)
        monkeypatch.setitem(app.extensions, "casework.settings", settings)
        return settings

    return override


@pytest.fixture
def csrf_enabled(app):
    """Turn CSRF protection on for one test (Flask-WTF reads the flag per request)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def pytest_report_header(config):
    return f"casework test database: {databases.describe()}"

