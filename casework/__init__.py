"""Casework: case management for GBV hotlines and the 111 child protection line."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from casework.config import Settings, load_settings

PACKAGE_DIR = Path(__file__).parent
# Domain packages with a `views.py` exposing blueprint `bp`, registered in this order.
BLUEPRINT_MODULES = (
    "casework.web.views",
    "casework.accounts.views",
    "casework.accounts.admin_views",
    "casework.intake.views",
    "casework.reports.views",
    "casework.cases.views",
    "casework.cases.workflow_views",
    "casework.referrals.views",
    "casework.referrals.directory_views",
)

MODEL_MODULES = (
    "casework.accounts.models",
    "casework.audit.models",
    "casework.crypto.models",
    "casework.people.models",
    "casework.intake.models",
    "casework.cases.models",
    "casework.referrals.models",
    "casework.reports.models",
)


def resource_dir(name: str) -> Path:
    """A top-level folder (templates, migrations): inside an installed wheel, else the checkout."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: load settings, then wire extensions, security and blueprints."""
    from casework.web.requests import CaseworkFlask

    settings = load_settings(overrides=config)
    app = CaseworkFlask(
        __name__,
        template_folder=str(resource_dir("templates")),
        instance_path=str(settings.instance_path),
    )
    configure_flask(app, settings)
    configure_database(app, settings)
    configure_crypto(app, settings)
    configure_accounts(app)
    configure_web(app, settings)
    register_blueprints(app)
    return app


def configure_flask(app: Flask, settings: Settings) -> None:
    from casework.web.requests import CaseworkRequest

    app.extensions["casework.settings"] = settings
    app.request_class = CaseworkRequest
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        MAX_FORM_MEMORY_SIZE=settings.max_content_length,
        SESSION_COOKIE_NAME="casework_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_absolute_hours),
        WTF_CSRF_ENABLED=settings.csrf_enabled,
        WTF_CSRF_TIME_LIMIT=None,  # the CSRF token lives as long as the session
        WTF_CSRF_SSL_STRICT=settings.cookie_secure,
    )
    logging.getLogger("casework").setLevel(logging.INFO)


def configure_database(app: Flask, settings: Settings) -> None:
    from casework.db import REPORTS_BIND, configure_sqlite
    from casework.extensions import db, migrate
    from casework.storage import create_private_database_file

    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url
    if not settings.is_sqlite:
        # A pooled connection a server restart has closed is found and replaced before a
        # request uses it; a server that does not answer fails fast instead of hanging.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}
    if settings.reports_database_url:
        app.config["SQLALCHEMY_BINDS"] = {REPORTS_BIND: settings.reports_database_url}
    if settings.is_sqlite:
        create_private_database_file(settings.database_url)
    db.init_app(app)
    import_models()
    with app.app_context():
        if settings.is_sqlite:
            for engine in db.engines.values():
                configure_sqlite(engine)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True)


def import_models() -> None:
    """Import every domain's models so the metadata (and Alembic) sees all tables."""
    for module in MODEL_MODULES:
        importlib.import_module(module)


def configure_crypto(app: Flask, settings: Settings) -> None:
    import casework.crypto.labels  # noqa: F401  (names the key events in audit trails)
    from casework.crypto.keycheck import configure_key_check
    from casework.crypto.keyring import load_keyring

    app.extensions["casework.keyring"] = load_keyring(settings.keyring_path, settings.keyring_env)
    configure_key_check(app)


def configure_accounts(app: Flask) -> None:
    from casework.accounts.access import enforce_route_policy
    from casework.extensions import csrf, login_manager

    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    app.before_request(enforce_route_policy)


def configure_web(app: Flask, settings: Settings) -> None:
    from casework.i18n import configure_i18n
    from casework.web.errors import configure_error_pages
    from casework.web.filters import configure_filters
    from casework.web.security import configure_security_headers

    configure_i18n(app, settings.timezone)
    configure_filters(app, settings.timezone)
    configure_security_headers(app, hsts=settings.cookie_secure)
    configure_error_pages(app)
    app.jinja_env.globals["is_demo"] = settings.is_demo
    app.jinja_env.policies["ext.i18n.trimmed"] = True


def register_blueprints(app: Flask) -> None:
    for module_name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(module_name).bp)
