"""The service directory: agencies a case can be referred to, managed by administrators."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casework import taxonomy
from casework.accounts.access import allow
from casework.accounts.roles import Role
from casework.cases.changes import CaseError
from casework.cases.pages import show_error
from casework.extensions import db
from casework.referrals import directory, service
from casework.referrals.codes import SERVICE_TYPE
from casework.referrals.forms import DirectoryFilterForm, ProviderForm
from casework.referrals.models import ServiceProvider
from casework.web.navigation import add_menu_item

bp = Blueprint("directory", __name__, url_prefix="/services")

add_menu_item("directory.providers", _l("Service directory"),
              {Role.ADMIN, Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.OPERATOR}, order=60)


@bp.context_processor
def _directory_context():
    return {"SERVICE_TYPE": SERVICE_TYPE, "commune_label": taxonomy.commune_label}


@bp.get("/")
@allow(Role.ADMIN, Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.OPERATOR)
def providers():
    """Every agency in the directory, with its public contact; filtered by kind and commune."""
    form = DirectoryFilterForm(request.args)
    valid = form.validate()
    page = directory.provider_page(
        service_type=form.service_type.data if valid else None,
        commune_code=form.commune_code.data if valid else None,
        after=request.args.get("after"), before=request.args.get("before"))
    return render_template("referrals/directory.html", page=page, providers=page.items, form=form)


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_provider():
    form = ProviderForm()
    return _save_provider(form, None, lambda: service.create_provider(
        name=form.name.data, service_type=form.service_type.data,
        commune_code=form.commune_code.data, contact=form.contact.data or "", by=current_user))


@bp.route("/<uuid:provider_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_provider(provider_id):
    provider = db.session.get(ServiceProvider, provider_id)
    if provider is None:
        abort(404)
    form = ProviderForm(obj=provider)
    return _save_provider(form, provider, lambda: service.update_provider(
        provider, name=form.name.data, service_type=form.service_type.data,
        commune_code=form.commune_code.data, contact=form.contact.data or "",
        is_active=form.is_active.data, by=current_user))


def _save_provider(form: ProviderForm, provider, action):
    if form.validate_on_submit():
        try:
            action()
        except CaseError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Directory saved."), "success")
            return redirect(url_for("directory.providers"))
    return render_template("referrals/provider_form.html", form=form, provider=provider)
