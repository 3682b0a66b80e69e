"""Sign-in with an optional second factor, sign-out, and a user's own account pages."""

from __future__ import annotations

import time
import uuid

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from casework.accounts import service, throttle, totp
from casework.accounts.access import allow_signed_in, public
from casework.accounts.forms import (
    ChangePasswordForm,
    PreferencesForm,
    SignInForm,
    TotpForm,
)
from casework.accounts.models import User
from casework.extensions import db, login_manager
from casework.i18n import safe_next_url
from casework.web.navigation import home_url

bp = Blueprint("accounts", __name__)

PENDING_KEY = "pending_sign_in"
PENDING_SECONDS = 300


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    from casework.accounts.sessions import load_session_user

    return load_session_user(token)


def _client() -> str:
    """The client's network address, as sign-in throttling counts it."""
    settings = current_app.extensions["casework.settings"]
    return throttle.client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                                   settings.trusted_proxies)


def _finish(user: User, next_url: str | None):
    token = service.complete_sign_in(user, _client())
    db.session.commit()
    locale = session.get("locale")
    session.clear()  # a fresh session at sign-in: nothing from before carries over
    if locale:
        session["locale"] = locale
    user.session_token = token
    login_user(user)
    session.permanent = True
    return redirect(safe_next_url(next_url) or home_url(user.role))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user.role))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form)
    result = service.check_password(form.username.data, form.password.data, _client())
    db.session.commit()  # failures and throttling persist even when sign-in is refused
    if result.outcome == service.SignInOutcome.OK:
        return _finish(result.user, form.next.data)
    if result.outcome == service.SignInOutcome.NEEDS_TOTP:
        session[PENDING_KEY] = {"user": str(result.user.id), "at": time.time(),
                                "next": form.next.data}
        return redirect(url_for("accounts.login_totp"))
    form.password.data = ""
    return render_template("accounts/login.html", form=form, refused=True), 200


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_totp():
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("accounts.login"))
    user = db.session.get(User, uuid.UUID(pending["user"]))
    form = TotpForm()
    if form.validate_on_submit() and user and user.is_active:
        if service.check_second_factor(user, form.code.data, _client()):
            session.pop(PENDING_KEY, None)
            return _finish(user, pending.get("next"))
        db.session.commit()
        form.code.errors = [_("That code is not valid. Wait for a new code and try again.")]
    return render_template("accounts/login_totp.html", form=form)


@bp.post("/logout")
@allow_signed_in
def logout():
    service.sign_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out. All your sessions have ended."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@allow_signed_in
def profile():
    form = PreferencesForm(obj=current_user)
    if form.validate_on_submit():
        service.set_locale(current_user, form.locale.data)
        db.session.commit()
        session["locale"] = form.locale.data
        flash(_("Preferences saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@allow_signed_in
def change_password():
    form = ChangePasswordForm()
    form.policy_username = current_user.username
    if form.validate_on_submit():
        try:
            token = service.change_password(current_user, form.current_password.data,
                                            form.new_password.data, _client())
        except service.AccountError as error:
            db.session.commit()  # the failure counts towards the lock even though refused
            form.current_password.errors = [
                _("Too many wrong passwords. Wait a few minutes, or ask an administrator.")
                if error.args[0] == "locked" else _("The current password is not correct.")]
        else:
            db.session.commit()
            _relogin(token)
            flash(_("Password changed. Your other sessions have ended."), "success")
            return redirect(home_url(current_user.role))
    return render_template("accounts/change_password.html", form=form)


def _relogin(token: str) -> None:
    user = current_user._get_current_object()
    user.session_token = token
    login_user(user)


@bp.route("/account/2fa", methods=["GET", "POST"])
@allow_signed_in
def totp_enrol():
    user = current_user._get_current_object()
    secret = service.pending_totp_secret(user)
    db.session.commit()  # the same secret on reload and in the next request, server-side only
    form = TotpForm()
    if form.validate_on_submit():
        token = service.enable_totp(user, form.code.data)
        if token:
            db.session.commit()
            _relogin(token)
            flash(_("Two-step sign-in is on. Your other sessions have ended."), "success")
            return redirect(home_url(current_user.role))
        form.code.errors = [_("That code is not valid. Check the time on your phone.")]
    uri = totp.provisioning_uri(secret, current_user.username)
    return render_template("accounts/totp_enrol.html", form=form, secret=secret,
                           qr=totp.qr_svg(uri))
