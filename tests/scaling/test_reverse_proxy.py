"""Behind a TLS-terminating reverse proxy the forms keep working, and forged headers do nothing.

Casework reads no X-Forwarded-* header (it builds no absolute URL and logs no client address;
Secure cookies and HSTS come from settings). Trusting them through ProxyFix would make
HTTPS requests look secure to Flask-WTF, whose strict referrer check would then refuse every
form: pages are sent with `Referrer-Policy: no-referrer`, so browsers send no Referer.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "casework.example.org",
           "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def production_forms(app, csrf_enabled):
    """CSRF with the strict HTTPS referrer check and Secure cookies, as in production."""
    saved = {key: app.config[key] for key in ("WTF_CSRF_SSL_STRICT", "SESSION_COOKIE_SECURE")}
    app.config.update(WTF_CSRF_SSL_STRICT=True, SESSION_COOKIE_SECURE=True)
    yield
    app.config.update(saved)


def _csrf_token(page: bytes) -> str:
    marker = b'name="csrf_token" type="hidden" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index(b'"', start)].decode()


def test_sign_in_through_a_tls_proxy_works_without_a_referer(client, make_user,
                                                             production_forms):
    user = make_user("operator")
    page = client.get("/login", headers=PROXIED)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = client.post("/login", headers=PROXIED, data={
        "username": user.username, "password": PASSWORD, "csrf_token": _csrf_token(page.data)})
    assert response.status_code == 302
    assert client.get("/home", headers=PROXIED).status_code == 200


def test_a_forged_forwarded_host_does_not_reach_redirects(client, make_user):
    user = make_user("operator")
    response = client.post("/login", headers=PROXIED,
                           data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert "example.org" not in response.headers["Location"]
    assert response.headers["Location"].startswith("/")
