"""Pages every user shares: the landing redirect, the language switch, the health check, icons."""

from flask import (Blueprint, current_app, redirect, render_template, send_from_directory,
                   session, url_for)
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from casework.accounts.access import allow_signed_in, public
from casework.extensions import db
from casework.i18n import LANGUAGES, current_path, safe_next_url
from casework.web.forms import choices
from casework.web.navigation import home_url, menu_for

bp = Blueprint("web", __name__)


class LanguageForm(FlaskForm):
    language = SelectField(choices=choices(LANGUAGES.items()))
    next = HiddenField()


@bp.get("/")
@allow_signed_in
def index():
    """Send each user to their role's home page."""
    return redirect(home_url(current_user.role))


@bp.get("/home")
@allow_signed_in
def home():
    return render_template("web/home.html", items=menu_for(current_user.role))


@bp.post("/language")
@public
def set_language():
    """Switch the interface language; remembered for the account when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.language.data
        if current_user.is_authenticated:
            current_user.locale = form.language.data
            db.session.commit()
    return redirect(safe_next_url(form.next.data) or url_for("web.index"))


@bp.get("/healthz")
@public
def healthz():
    return {"status": "ok"}


@bp.get("/favicon.ico")
@public
def favicon():
    """The icon browsers ask for at the root, whatever the page says."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest, so a phone can keep Casework on its home screen (no offline use)."""
    return send_from_directory(current_app.static_folder, "manifest.webmanifest",
                               mimetype="application/manifest+json", max_age=86400)


@bp.app_context_processor
def _layout_context():
    form = LanguageForm(formdata=None, language=_current_locale(), next=current_path())
    items = menu_for(current_user.role) if current_user.is_authenticated else []
    return {"menu_items": items, "language_form": form}


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")
