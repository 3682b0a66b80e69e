"""A misconfigured or half-installed hotline refuses to start, and says why, promptly."""

from __future__ import annotations

from tests.hardening.live import SERVER_ENV, casework


def test_check_names_a_database_that_was_never_migrated(fresh_instance):
    result = casework({**fresh_instance, **SERVER_ENV}, "check", check=False)
    assert result.returncode == 1
    assert "not at the latest migration" in result.stdout


def test_check_passes_on_a_migrated_instance(fresh_instance):
    casework(fresh_instance, "init-db")
    result = casework({**fresh_instance, **SERVER_ENV}, "check", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK")


def test_check_refuses_cookies_without_secure_outside_a_demo(fresh_instance):
    casework(fresh_instance, "init-db")
    result = casework({**fresh_instance, "CASEWORK_COOKIE_SECURE": "0"}, "check", check=False)
    assert result.returncode == 1
    assert "CASEWORK_COOKIE_SECURE is off outside a demo" in result.stdout
