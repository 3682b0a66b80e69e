"""The workflow's forms: assignment, assessments, plan, decisions, review, closure, reopening.

Each view validates its form, calls one service function of casework.cases.service or
casework.cases.lifecycle with the version the form carries, and commits once.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user

from casework.accounts.access import allow
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases import emergency, lifecycle, queries, service
from casework.cases.forms import (
    AssignForm,
    ClosureForm,
    DecisionForm,
    DetailedAssessmentForm,
    EmergencyActionForm,
    InitialAssessmentForm,
    PlanForm,
    ReopenForm,
    StepForm,
)
from casework.cases.display import template_context
from casework.cases.models import ClosureRequest, Plan
from casework.cases.pages import form_version, load_case, save
from casework.cases.schedule import local_today, local_zone
from casework.crypto import reveal
from casework.db import utcnow
from casework.web.forms import choices

bp = Blueprint("case_workflow", __name__, url_prefix="/cases")
bp.context_processor(template_context)

WORKERS = (Role.SOCIAL_WORKER, Role.SUPERVISOR)
FORM = "cases/step_form.html"


@bp.route("/<uuid:case_id>/assign", methods=["GET", "POST"])
@allow(Role.SUPERVISOR)
def assign(case_id):
    """Give the case to a social worker of the unit, or hand it to another."""
    case = load_case(case_id)
    form = AssignForm()
    workers = queries.assignable_workers(case)
    form.worker.choices = choices([("", "—")] + [(str(w.id), w.display_name) for w in workers])
    form_version(form, case)
    return save(form, case, lambda: service.assign_case(
        case, _worker(form.worker.data, workers), by=current_user,
        seen_version=form.seen_version()),
        template=FORM, done=_("The case is assigned."), step="assign")


def _worker(value: str, workers: list[User]) -> User:
    chosen = next((worker for worker in workers if str(worker.id) == value), None)
    if chosen is None:
        abort(404)
    return chosen


@bp.route("/<uuid:case_id>/assessment/initial", methods=["GET", "POST"])
@allow(*WORKERS)
def initial_assessment(case_id):
    """Form 02: the initial risk assessment."""
    case = load_case(case_id)
    form = InitialAssessmentForm()
    form_version(form, case)
    return save(form, case, lambda: lifecycle.record_initial_assessment(
        case, risk_level=form.risk_level.data, emergency_measures=form.emergency_measures.data,
        findings=form.findings.data or "", by=current_user, seen_version=form.seen_version()),
        template=FORM, done=_("Initial assessment recorded."), step="initial_assessment")


@bp.route("/<uuid:case_id>/assessment/detailed", methods=["GET", "POST"])
@allow(*WORKERS)
def detailed_assessment(case_id):
    """Form 03: the detailed assessment of needs."""
    case = load_case(case_id)
    form = DetailedAssessmentForm()
    form_version(form, case)
    return save(form, case, lambda: lifecycle.record_detailed_assessment(
        case, risk_level=form.risk_level.data, needs=form.needs.data or [],
        findings=form.findings.data or "", by=current_user, seen_version=form.seen_version()),
        template=FORM, done=_("Detailed assessment recorded."), step="detailed_assessment")


@bp.route("/<uuid:case_id>/plan", methods=["GET", "POST"])
@allow(*WORKERS)
def plan(case_id):
    """Form 04: goals and a review date, submitted for a supervisor's approval."""
    case = load_case(case_id)
    form = PlanForm()
    form_version(form, case)
    returned = lifecycle.last_returned(Plan, case)
    if returned is not None and not form.is_submitted():
        form.goals.data = reveal(returned, "goals")
        form.review_on.data = returned.review_on.isoformat()
    return save(form, case, lambda: lifecycle.submit_plan(
        case, goals=form.goals.data, review_on=form.review_on.day, by=current_user,
        seen_version=form.seen_version()),
        template=FORM, done=_("Plan submitted for approval."), step="plan",
        shown=lambda: _returned_context(case, returned))


def _returned_context(case, returned) -> dict:
    """The supervisor's comment on the returned plan or closure the form starts from."""
    if returned is None:
        return {"returned": None}
    service.record_view(case, current_user)  # the page shows decrypted text of the case
    return {"returned": {"by": returned.decided_by, "at": returned.decided_at,
                         "comment": reveal(returned, "decision_comment")}}


@bp.route("/<uuid:case_id>/plan/decision", methods=["GET", "POST"])
@allow(Role.SUPERVISOR)
def decide_plan(case_id):
    """Approve the waiting plan, or return it with a comment."""
    case = load_case(case_id)
    form = DecisionForm()
    form_version(form, case)

    def decide():
        if form.decision.data == "approve":
            return lifecycle.approve_plan(case, by=current_user, seen_version=form.seen_version())
        return lifecycle.return_plan(case, comment=form.comment.data, by=current_user,
                                     seen_version=form.seen_version())

    done = (_("Plan approved: the case moves to support.") if form.decision.data == "approve"
            else _("Plan returned to the social worker with your comment."))
    return save(form, case, decide, template=FORM, done=done,
                step="decide_plan", waiting=lifecycle.pending_plan(case))


@bp.route("/<uuid:case_id>/review", methods=["POST"])
@allow(*WORKERS)
def start_review(case_id):
    """The plan has been carried out: review the case."""
    case = load_case(case_id)
    form = StepForm()
    return save(form, case, lambda: lifecycle.start_review(
        case, by=current_user, seen_version=form.seen_version()),
        template=FORM, done=_("Review started."), step="start_review")


@bp.route("/<uuid:case_id>/replan", methods=["POST"])
@allow(*WORKERS)
def replan(case_id):
    """The review found more to do: make a new plan."""
    case = load_case(case_id)
    form = StepForm()
    return save(form, case, lambda: lifecycle.replan(
        case, by=current_user, seen_version=form.seen_version()),
        template=FORM, done=_("Make the new plan."), step="replan")


@bp.route("/<uuid:case_id>/closure", methods=["GET", "POST"])
@allow(*WORKERS)
def request_closure(case_id):
    """Ask a supervisor to close the case, with a reason and an outcome."""
    case = load_case(case_id)
    form = ClosureForm()
    if not case.emergency_clock_running:
        del form.no_emergency_action_reason
    form_version(form, case)
    returned = lifecycle.last_returned(ClosureRequest, case)
    if returned is not None and not form.is_submitted():
        _fill_closure(form, returned)
    return save(form, case, lambda: lifecycle.request_closure(
        case, reason=form.reason.data, outcome=form.outcome.data,
        open_referrals_note=form.open_referrals_note.data or "",
        no_emergency_action_reason=_field_text(form, "no_emergency_action_reason"),
        by=current_user, seen_version=form.seen_version()),
        template=FORM, done=_("Closure requested: a supervisor will decide."),
        step="request_closure", open_referrals=lifecycle.open_referral_count(case),
        shown=lambda: _returned_context(case, returned))


def _fill_closure(form: ClosureForm, returned: ClosureRequest) -> None:
    """Start from the returned request, so the social worker corrects it, not retypes it."""
    form.reason.data = returned.reason
    form.outcome.data = reveal(returned, "outcome")
    form.open_referrals_note.data = reveal(returned, "open_referrals_note")
    if "no_emergency_action_reason" in form:
        form.no_emergency_action_reason.data = reveal(returned, "no_emergency_action_reason")


def _field_text(form, name: str) -> str:
    """The text of a field the form may have left out (None once deleted from a form)."""
    return (form[name].data or "") if name in form else ""


@bp.route("/<uuid:case_id>/closure/decision", methods=["GET", "POST"])
@allow(Role.SUPERVISOR)
def decide_closure(case_id):
    """Close the case as requested, or keep it open with a comment."""
    case = load_case(case_id)
    form = DecisionForm()
    form_version(form, case)

    def decide():
        if form.decision.data == "approve":
            return lifecycle.approve_closure(case, by=current_user,
                                             seen_version=form.seen_version())
        return lifecycle.return_closure(case, comment=form.comment.data, by=current_user,
                                        seen_version=form.seen_version())

    done = (_("Closure approved: the case is closed.") if form.decision.data == "approve"
            else _("Closure returned to the social worker with your comment: "
                   "the case stays open."))
    return save(form, case, decide, template=FORM, done=done,
                step="decide_closure", waiting=lifecycle.pending_closure(case))


@bp.route("/<uuid:case_id>/reopen", methods=["GET", "POST"])
@allow(Role.SUPERVISOR)
def reopen(case_id):
    """Reopen a closed case for a new assessment."""
    case = load_case(case_id)
    form = ReopenForm()
    form_version(form, case)
    return save(form, case, lambda: lifecycle.reopen_case(
        case, reason=form.reason.data, by=current_user, seen_version=form.seen_version()),
        template=FORM, done=_("The case is reopened."), step="reopen")


@bp.route("/<uuid:case_id>/emergency-action", methods=["GET", "POST"])
@allow(*WORKERS)
def emergency_action(case_id):
    """Record an emergency measure taken, at any stage; it stops the 12-hour clock."""
    case = load_case(case_id)
    form = EmergencyActionForm()
    if not form.is_submitted():
        now = utcnow().astimezone(local_zone())
        form.acted_on.data, form.acted_time.data = local_today().isoformat(), now.strftime("%H:%M")
    form_version(form, case)
    return save(form, case, lambda: emergency.record_emergency_action(
        case, measure=form.measure.data, details=form.details.data or "",
        acted_at=_local_moment(form), by=current_user, seen_version=form.seen_version()),
        template=FORM, step="emergency_action",
        done=_("Emergency action recorded: the 12-hour clock is stopped.")
        if case.action_deadline_at else _("Emergency action recorded."))


def _local_moment(form: EmergencyActionForm) -> datetime:
    """The date and time typed, read on the unit's clock."""
    return datetime.combine(form.acted_on.day, form.acted_time.time, tzinfo=local_zone())
