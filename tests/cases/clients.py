"""Several signed-in browsers in one test: a supervisor, social workers, an operator."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests import factories

_VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def signed_in(app, db_session, user) -> FlaskClient:
    """A new test client signed in as an existing user (passing two-step sign-in if needed)."""
    client = app.test_client()
    needs_code = user.role in app.extensions["casework.settings"].require_2fa_roles
    secret = factories.enrol_totp(user) if needs_code else None
    db_session.commit()
    response = client.post("/login", data={"username": user.username,
                                            "password": factories.PASSWORD})
    if secret:
        response = client.post("/login/code", data={"code": factories.totp_code(secret)})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return client


def version_in(html: str) -> str:
    """The case version a page's form carries."""
    found = _VERSION.search(html)
    assert found, "the page has no version field"
    return found.group(1) or found.group(2)
