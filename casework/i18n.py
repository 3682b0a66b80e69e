"""Languages: Vietnamese first, English second; one message catalogue per domain package."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from casework.extensions import babel

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
PACKAGE_ROOT = Path(__file__).parent


def translation_directories() -> list[str]:
    """Every `translations/` folder of the package: each domain keeps its own catalogue."""
    return sorted(str(path) for path in PACKAGE_ROOT.glob("*/translations") if path.is_dir())


def select_locale() -> str:
    """The user's preference, else the session's choice, else the instance default."""
    default = current_app.extensions["casework.settings"].default_locale
    if not has_request_context():  # a command or a background job: no user, no session
        return default
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return default


def configure_i18n(app: Flask, timezone: str) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    app.config["BABEL_DEFAULT_TIMEZONE"] = timezone
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: timezone)


def current_path() -> str:
    """This request's path with its query string, without the bare "?" Werkzeug leaves."""
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def safe_next_url(target: str | None) -> str | None:
    """Accept only a path on this site, so a link cannot send a user elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "\" as "/", so "/\host" would leave the site; control characters too.
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    return target if request else None
