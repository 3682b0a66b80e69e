"""The response headers of SECURITY.md, on every kind of page."""

from __future__ import annotations

import pytest

from casework import create_app
from tests.support import databases

# SECURITY.md: no inline script, no plug-ins, no <base>, never framed; nothing from elsewhere.
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
PAGES = ["/login", "/home", "/account", "/healthz", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(client, login_as, path):
    login_as("operator")
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == EXPECTED_CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"


def test_anonymous_pages_are_not_cached_either(client):
    headers = client.get("/login").headers
    assert headers["Cache-Control"] == "no-store"
    assert headers["Content-Security-Policy"] == EXPECTED_CSP


def test_static_files_may_be_cached_and_are_not_sniffed(client):
    response = client.get("/static/css/casework.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_hold_no_inline_script_or_style(client, login_as):
    login_as("operator")
    for path in ("/login", "/home", "/account", "/account/password"):
        html = client.get(path).text
        assert "<script>" not in html and " onclick=" not in html and "style=" not in html, path
        assert "<style" not in html, path


def test_nothing_is_loaded_from_another_site(client, login_as):
    login_as("operator")
    for path in ("/login", "/home"):
        html = client.get(path).text
        assert 'src="http' not in html and 'href="http' not in html, path
        assert 'src="//' not in html and 'href="//' not in html, path


def test_hsts_and_secure_cookies_outside_local_development(tmp_path, keyring):
    settings = databases.settings_for(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", keyring,
                                      cookie_secure=True)
    app = create_app(settings)
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
