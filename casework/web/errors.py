"""Generic error pages: no stack trace, no record detail, no hint a record exists."""

import logging

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from casework.faults import Fault, database_fault, outages

log = logging.getLogger("casework")
# Seconds a browser (or the reverse proxy) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def configure_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return _error_page(400, reason="csrf")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return _error_page(error.code or 500)

    @app.errorhandler(sa.exc.SQLAlchemyError)
    def _database(error: sa.exc.SQLAlchemyError):
        fault = database_fault(error)
        return _unexpected(error) if fault is None else unavailable(fault)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Log the type and where, never the arguments: they could hold a survivor's data.
        log.error("unhandled %s", type(error).__name__, exc_info=False)
        _forget_database_state()
        return render_template("web/error.html", code=500, reason=None), InternalServerError.code

    app.after_request(_notice_recovery)


def _error_page(code: int, reason: str | None = None):
    """An error page; drawn as for a visitor when the user cannot be loaded for the menu."""
    try:
        return render_template("web/error.html", code=code, reason=reason), code
    except sa.exc.SQLAlchemyError as error:
        fault = database_fault(error)
        if fault is None:
            log.error("unhandled %s drawing an error page", type(error).__name__)
        else:
            outages.failed(fault)
        _forget_database_state()
        return render_template("web/error.html", code=code, reason=reason), code


def unavailable(fault: Fault):
    """The 'temporarily unavailable' page, drawn without asking the database anything."""
    outages.failed(fault)
    _forget_database_state()
    return (render_template("web/unavailable.html"), ServiceUnavailable.code,
            {"Retry-After": str(RETRY_AFTER_SECONDS)})


def _forget_database_state() -> None:
    """End the failed transaction and draw the page as for a visitor, so nothing is loaded."""
    from casework.extensions import db

    g._login_user = current_app.login_manager.anonymous_user()
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass  # the connection is gone; the pool replaces it


def _notice_recovery(response):
    """During an outage, end it once a request shows the database doing what had failed."""
    fault = outages.current
    if fault is None or response.status_code >= 500:
        return response
    if g.get("casework_committed") or (not fault.on_write and _database_answers()):
        outages.recovered()
    return response


def _database_answers() -> bool:
    from casework.extensions import db

    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _note_commit(_session) -> None:
    if has_request_context():
        g.casework_committed = True
