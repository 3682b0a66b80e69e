"""Generic error pages: no stack trace, no record detail, no hint a record exists."""

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("casework")


def configure_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_template("web/error.html", code=400, reason="csrf"), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        return render_template("web/error.html", code=code, reason=None), code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Log the type and where, never the arguments: they could hold a survivor's data.
        log.error("unhandled %s", type(error).__name__, exc_info=False)
        from casework.extensions import db

        db.session.rollback()
        return render_template("web/error.html", code=500, reason=None), InternalServerError.code
