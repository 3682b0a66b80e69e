"""The administrator's user management: create, edit, deactivate, reset."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casework.accounts import service, sessions
from casework.accounts.access import allow
from casework.accounts.forms import ConfirmForm, EditUserForm, ResetPasswordForm, UserForm
from casework.accounts.models import Unit, User
from casework.accounts.roles import Role
from casework.extensions import db
from casework.web.forms import choices
from casework.web.navigation import add_menu_item, set_home

bp = Blueprint("admin", __name__, url_prefix="/admin")

add_menu_item("admin.users", _l("Users"), {Role.ADMIN}, order=80)
set_home(Role.ADMIN, "admin.users")


def _unit_choices():
    units = db.session.scalars(sa.select(Unit).order_by(Unit.name))
    return choices([("", _l("— none —"))] + [(str(unit.id), unit.name) for unit in units])


def _user_or_404(user_id) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _unit_id(value: str):
    return uuid.UUID(value) if value else None


@bp.get("/users")
@allow(Role.ADMIN)
def users():
    rows = db.session.scalars(sa.select(User).order_by(User.role, User.username)).all()
    locked = {user.id for user in rows if service.is_sign_in_locked(user)}
    return render_template("accounts/admin_users.html", users=rows, locked=locked,
                           confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def create_user():
    form = UserForm()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        unit = db.session.get(Unit, _unit_id(form.unit_id.data)) if form.unit_id.data else None
        try:
            service.create_user(
                username=form.username.data, display_name=form.display_name.data,
                role=form.role.data, password=form.password.data, unit=unit,
                locale=form.locale.data, must_change_password=form.must_change_password.data,
            )
        except service.AccountError:
            form.username.errors = [_("This username is already taken.")]
        else:
            db.session.commit()
            flash(_("User created."), "success")
            return redirect(url_for("admin.users"))
    return render_template("accounts/admin_user_form.html", form=form, user=None)


def _edit_form(user: User, *, submitted: bool) -> EditUserForm:
    """The edit form, bound to the request only when it is the form being submitted."""
    form = EditUserForm(obj=user) if submitted else EditUserForm(formdata=None, obj=user)
    form.unit_id.choices = _unit_choices()
    if not submitted:
        form.unit_id.data = str(user.unit_id) if user.unit_id else ""
    return form


def _render_edit(user: User, form: EditUserForm, reset_form: ResetPasswordForm):
    return render_template("accounts/admin_user_form.html", form=form, user=user,
                           reset_form=reset_form, confirm=ConfirmForm(),
                           live_sessions=sessions.live_session_count(user))


def _is_self(user: User) -> bool:
    return user.id == current_user.id


@bp.route("/users/<uuid:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_user(user_id):
    user = _user_or_404(user_id)
    form = _edit_form(user, submitted=request.method == "POST")
    if form.validate_on_submit():
        if _is_self(user) and form.role.data != user.role:
            # An administrator who demoted themself could lock everyone out of this page.
            form.role.errors = [_("You cannot change your own role.")]
            return _render_edit(user, form, ResetPasswordForm(formdata=None))
        service.update_user(user, display_name=form.display_name.data, role=form.role.data,
                            unit_id=_unit_id(form.unit_id.data), locale=form.locale.data)
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("admin.users"))
    return _render_edit(user, form, ResetPasswordForm(formdata=None))


@bp.post("/users/<uuid:user_id>/active")
@allow(Role.ADMIN)
def toggle_active(user_id):
    user = _user_or_404(user_id)
    if _is_self(user):
        flash(_("You cannot deactivate your own account."), "error")
    elif ConfirmForm().validate_on_submit():
        service.set_active(user, not user.is_active_account)
        db.session.commit()
        flash(_("Account reactivated.") if user.is_active_account
              else _("Account deactivated. Its sessions have ended."), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<uuid:user_id>/password")
@allow(Role.ADMIN)
def reset_password(user_id):
    user = _user_or_404(user_id)
    form = ResetPasswordForm()
    form.policy_username = user.username
    if form.validate_on_submit():
        service.reset_password(user, form.password.data)
        db.session.commit()
        flash(_("Temporary password set. The user must change it at next sign-in."), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _render_edit(user, _edit_form(user, submitted=False), form)


@bp.post("/users/<uuid:user_id>/2fa")
@allow(Role.ADMIN)
def reset_totp(user_id):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        service.reset_totp(user)
        db.session.commit()
        flash(_("Two-step sign-in removed. The user will enrol again."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<uuid:user_id>/unlock")
@allow(Role.ADMIN)
def unlock_sign_in(user_id):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        service.unlock_sign_in(user)
        db.session.commit()
        flash(_("Sign-in unlocked: %(username)s may try again from anywhere.",
                username=user.username), "success")
    return redirect(url_for("admin.users"))
