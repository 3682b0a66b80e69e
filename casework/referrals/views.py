"""A case's referrals (propose, consent, send or override, the agency's answer, completion)
and the services it received. Reached through the case: who may not open the case gets 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from casework import audit
from casework.accounts.access import allow
from casework.accounts.roles import Role
from casework.cases.changes import CaseError, can_work_on
from casework.cases.display import template_context
from casework.cases.pages import load_case, show_error
from casework.crypto import reveal
from casework.extensions import db
from casework.referrals import directory, service
from casework.referrals.forms import (
    CompleteForm,
    ConsentForm,
    OverrideForm,
    ReferralForm,
    ResponseForm,
    SendForm,
    ServiceForm,
    answer,
)
from casework.referrals.models import Referral
from casework.referrals.service import ReferralConflictError
from casework.web.forms import choices

bp = Blueprint("referrals", __name__, url_prefix="/cases")
bp.context_processor(template_context)
WORKERS = (Role.SOCIAL_WORKER, Role.SUPERVISOR)


def _case(case_id):
    case = load_case(case_id)
    if not can_work_on(case, current_user):
        abort(404)
    return case


def _referral(case, referral_id) -> Referral:
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.case_id != case.id:
        abort(404)
    return referral


@bp.route("/<uuid:case_id>/referrals/new", methods=["GET", "POST"])
@allow(*WORKERS)
def new_referral(case_id):
    """Propose a referral to an agency of the directory; consent comes next."""
    case = _case(case_id)
    form = ReferralForm()
    providers = directory.active_providers()
    form.provider_id.choices = choices([("", "—")] + directory.provider_choices(providers))
    if form.validate_on_submit():
        provider = next((p for p in providers if str(p.id) == form.provider_id.data), None)
        if provider is None:
            abort(404)
        try:
            referral = service.propose_referral(case, provider, reason=form.reason.data or "",
                                                by=current_user)
        except CaseError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Referral proposed. Record the consent next."), "success")
            return redirect(url_for("referrals.referral", case_id=case.id,
                                    referral_id=referral.id))
    return render_template("referrals/new_referral.html", case=case, form=form)


@bp.get("/<uuid:case_id>/referrals/<uuid:referral_id>")
@allow(*WORKERS)
def referral(case_id, referral_id):
    """One referral with the step its state allows; opening it is audited."""
    case = _case(case_id)
    current = _referral(case, referral_id)
    page = _referral_page(case, current)
    db.session.commit()
    return page


def _referral_page(case, referral, **forms):
    """The referral page; decrypting its text is recorded in the audit trail first."""
    audit.record("referral_view", "referral", referral.id)
    version = str(referral.version)
    defaults = {"consent_form": ConsentForm(formdata=None, version=version),
                "send_form": SendForm(formdata=None, version=version),
                "override_form": OverrideForm(formdata=None, version=version),
                "response_form": ResponseForm(formdata=None, version=version),
                "complete_form": CompleteForm(formdata=None, version=version)}
    text = {name: reveal(referral, name) for name in ("reason", "outcome", "override_reason")}
    return render_template("referrals/referral.html", case=case, referral=referral, text=text,
                           history=directory.history_of(referral), **{**defaults, **forms})


def _referral_step(case_id, referral_id, form, action, done, form_name: str):
    """Run one referral step from its form, or show the referral page with what went wrong.

    `done` is the message, or a function of the referral after the step that says what
    the step did (an answer may be yes or no).
    """
    case = _case(case_id)
    current = _referral(case, referral_id)
    if form.validate_on_submit():
        try:
            action(case, current)
            db.session.commit()
        except (ReferralConflictError, StaleDataError):
            # StaleDataError: another save of the same version committed first.
            db.session.rollback()
            form.version.data = str(current.version)
            flash(_("Someone else changed this referral while you were editing: its state and "
                    "history are below. Your input is kept; save again to apply it."), "error")
        except CaseError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(done(current) if callable(done) else done, "success")
            return redirect(url_for("referrals.referral", case_id=case.id,
                                    referral_id=current.id))
    page = _referral_page(case, current, **{form_name: form})
    db.session.commit()
    return page


@bp.post("/<uuid:case_id>/referrals/<uuid:referral_id>/consent")
@allow(*WORKERS)
def consent(case_id, referral_id):
    form = ConsentForm()
    return _referral_step(case_id, referral_id, form, lambda case, referral:
                          service.record_consent(
                              case, referral, survivor_consent=answer(form.survivor_consent.data),
                              representative_consent=answer(form.representative_consent.data),
                              by=current_user, seen_version=form.seen_version()),
                          _consent_outcome, "consent_form")


def _consent_outcome(referral) -> str:
    if referral.status == "consent_refused":
        return _("Consent refused: the referral will not be sent.")
    return _("Consent given: the referral can be sent.")


@bp.post("/<uuid:case_id>/referrals/<uuid:referral_id>/send")
@allow(*WORKERS)
def send(case_id, referral_id):
    form = SendForm()
    return _referral_step(case_id, referral_id, form, lambda case, referral:
                          service.send_referral(case, referral, by=current_user,
                                                seen_version=form.seen_version()),
                          _("Referral sent."), "send_form")


@bp.post("/<uuid:case_id>/referrals/<uuid:referral_id>/override")
@allow(Role.SUPERVISOR)
def override(case_id, referral_id):
    """Send without consent in an emergency, with a reason; audited."""
    form = OverrideForm()
    return _referral_step(case_id, referral_id, form, lambda case, referral:
                          service.send_with_emergency_override(
                              case, referral, reason=form.reason.data, by=current_user,
                              seen_version=form.seen_version()),
                          _("Referral sent under an emergency override."), "override_form")


@bp.post("/<uuid:case_id>/referrals/<uuid:referral_id>/response")
@allow(*WORKERS)
def respond(case_id, referral_id):
    form = ResponseForm()
    return _referral_step(case_id, referral_id, form, lambda case, referral:
                          service.record_response(
                              case, referral, accepted=form.response.data == "accept",
                              by=current_user, seen_version=form.seen_version()),
                          _("The agency accepted the referral.")
                          if form.response.data == "accept"
                          else _("The agency declined the referral."), "response_form")


@bp.post("/<uuid:case_id>/referrals/<uuid:referral_id>/complete")
@allow(*WORKERS)
def complete(case_id, referral_id):
    form = CompleteForm()
    return _referral_step(case_id, referral_id, form, lambda case, referral:
                          service.complete_referral(case, referral,
                                                    outcome=form.outcome.data or "",
                                                    by=current_user,
                                                    seen_version=form.seen_version()),
                          _("Referral completed."), "complete_form")


@bp.route("/<uuid:case_id>/services/new", methods=["GET", "POST"])
@allow(*WORKERS)
def record_service(case_id):
    """Record a service the survivor received, or a protective measure applied."""
    case = _case(case_id)
    form = ServiceForm()
    providers = directory.active_providers()
    referrals = directory.referrals_of(case)
    form.provider_id.choices = choices([("", _("this unit"))]
                                       + directory.provider_choices(providers))
    form.referral_id.choices = choices([("", "—")] + directory.referral_choices(referrals))
    if form.validate_on_submit():
        try:
            service.record_service(
                case, service_type=form.service_type.data, delivered_on=form.delivered_on.day,
                provider=directory.pick(providers, form.provider_id.data),
                referral=directory.pick(referrals, form.referral_id.data),
                note=form.note.data or "", by=current_user)
        except CaseError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Service recorded."), "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="services"))
    return render_template("referrals/service_form.html", case=case, form=form)
