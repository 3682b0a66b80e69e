"""The workflow after assignment: assessments, plans, review, closure and reopening.

Each step is a service function that checks the workflow table (casework.cases.workflow),
the case's version and its own rules, then records the event and the audit entry.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User
from casework.cases.changes import CaseError, begin_step, finish_step
from casework.cases.codes import ANY_STAGE_CLOSURE_REASONS, CLOSURE_REASON, NEED, RISK_LEVEL
from casework.cases.models import Assessment, Case, ClosureRequest, Plan
from casework.cases.schedule import local_today, refresh_next_due
from casework.cases.service import add_note
from casework.db import utcnow
from casework.extensions import db


def record_initial_assessment(case: Case, *, risk_level: str, emergency_measures: bool,
                              findings: str, by: User, seen_version: int | None = None
                              ) -> Assessment:
    """Form 02: the initial risk assessment; emergency measures stop the 12-hour clock."""
    if risk_level not in RISK_LEVEL:
        raise CaseError(_l("Choose a risk level."), field="risk_level")
    current = begin_step(case, "record_initial_assessment", by, seen_version)
    assessment = _assessment(case, "initial", risk_level, [], findings, by)
    assessment.emergency_measures = emergency_measures
    if emergency_measures and case.emergency_action_at is None:
        case.emergency_action_at = assessment.assessed_at
    finish_step(case, current, by, subject_id=assessment.id, detail=risk_level)
    refresh_next_due(case)
    return assessment


def record_detailed_assessment(case: Case, *, risk_level: str, needs: list[str],
                               findings: str, by: User, seen_version: int | None = None
                               ) -> Assessment:
    """Form 03: the detailed assessment of needs, which leads to the plan."""
    if risk_level not in RISK_LEVEL:
        raise CaseError(_l("Choose a risk level."), field="risk_level")
    if not needs or any(need not in NEED for need in needs):
        raise CaseError(_l("Choose at least one need from the list."), field="needs")
    current = begin_step(case, "record_detailed_assessment", by, seen_version)
    assessment = _assessment(case, "detailed", risk_level, needs, findings, by)
    finish_step(case, current, by, subject_id=assessment.id, detail=risk_level)
    refresh_next_due(case)
    return assessment


def _assessment(case: Case, kind: str, risk_level: str, needs: list[str], findings: str,
                by: User) -> Assessment:
    assessment = Assessment(case_id=case.id, kind=kind, risk_level=risk_level,
                            needs=" ".join(sorted(set(needs))), assessed_by_id=by.id,
                            assessed_at=utcnow())
    assessment.findings = findings.strip() or None
    db.session.add(assessment)
    return assessment


def pending_plan(case: Case) -> Plan | None:
    return _pending(Plan, case)


def pending_closure(case: Case) -> ClosureRequest | None:
    return _pending(ClosureRequest, case)


def last_returned(model, case: Case):
    """The case's latest plan (or closure request) if a supervisor returned it, else None."""
    latest = db.session.scalar(
        sa.select(model).where(model.case_id == case.id)
        .order_by(model.submitted_at.desc()).limit(1)
    )
    return latest if latest is not None and latest.status == "returned" else None


def _pending(model, case: Case):
    return db.session.scalar(
        sa.select(model).where(model.case_id == case.id, model.status == "submitted")
    )


def submit_plan(case: Case, *, goals: str, review_on: date, by: User,
                seen_version: int | None = None) -> Plan:
    """Form 04: submit goals and a review date for a supervisor's approval."""
    if not goals.strip():
        raise CaseError(_l("Write the plan's goals."), field="goals")
    if review_on <= local_today():
        raise CaseError(_l("The review date must be in the future."), field="review_on")
    current = begin_step(case, "submit_plan", by, seen_version)
    if pending_plan(case) is not None:
        raise CaseError(_l("A plan is already waiting for approval."))
    plan = Plan(case_id=case.id, review_on=review_on, submitted_by_id=by.id,
                submitted_at=utcnow(), status="submitted")
    plan.goals = goals.strip()
    db.session.add(plan)
    if case.plan_submitted_at is None:
        case.plan_submitted_at = plan.submitted_at
    finish_step(case, current, by, subject_id=plan.id)
    refresh_next_due(case)
    return plan


def approve_plan(case: Case, *, by: User, seen_version: int | None = None) -> Plan:
    """Approve the waiting plan: the case moves to support, with the plan's review date."""
    current = begin_step(case, "approve_plan", by, seen_version)
    plan = _require_pending(pending_plan(case), _l("No plan is waiting for approval."))
    _decide(plan, "approved", "", by)
    case.review_due_on = plan.review_on
    case.plan_approved_at = case.plan_approved_at or plan.decided_at
    finish_step(case, current, by, subject_id=plan.id)
    refresh_next_due(case)
    return plan


def return_plan(case: Case, *, comment: str, by: User, seen_version: int | None = None) -> Plan:
    """Send the waiting plan back to the social worker with a comment."""
    if not comment.strip():
        raise CaseError(_l("Say what should change."), field="comment")
    current = begin_step(case, "return_plan", by, seen_version)
    plan = _require_pending(pending_plan(case), _l("No plan is waiting for approval."))
    _decide(plan, "returned", comment, by)
    finish_step(case, current, by, subject_id=plan.id)
    return plan


def _require_pending(item, message):
    if item is None:
        raise CaseError(message)
    return item


def _decide(item, status: str, comment: str, by: User) -> None:
    item.status, item.decided_at, item.decided_by_id = status, utcnow(), by.id
    item.decision_comment = comment.strip() or None


def start_review(case: Case, *, by: User, seen_version: int | None = None) -> None:
    """The plan has been carried out, or its review date has come: review the case."""
    current = begin_step(case, "start_review", by, seen_version)
    finish_step(case, current, by)
    refresh_next_due(case)


def replan(case: Case, *, by: User, seen_version: int | None = None) -> None:
    """The review found the case not yet safe and stable: make a new plan."""
    current = begin_step(case, "replan", by, seen_version)
    finish_step(case, current, by)
    refresh_next_due(case)


def request_closure(case: Case, *, reason: str, outcome: str, open_referrals_note: str = "",
                    no_emergency_action_reason: str = "", by: User,
                    seen_version: int | None = None) -> ClosureRequest:
    """Ask a supervisor to close the case, with a reason and an outcome."""
    _check_closure_reason(case, reason)
    if not outcome.strip():
        raise CaseError(_l("Describe the outcome for the survivor."), field="outcome")
    if open_referral_count(case) and not open_referrals_note.strip():
        raise CaseError(_l("A referral is still open: say what happens to it."),
                        field="open_referrals_note")
    if case.emergency_clock_running and not no_emergency_action_reason.strip():
        raise CaseError(_l("No emergency action is recorded for this urgent child case: "
                           "record it, or say why none was taken."),
                        field="no_emergency_action_reason")
    current = begin_step(case, "request_closure", by, seen_version)
    if pending_plan(case) is not None:
        raise CaseError(_l("A plan is waiting for approval: approve or return it first."))
    request = ClosureRequest(case_id=case.id, reason=reason, submitted_by_id=by.id,
                             submitted_at=utcnow(), status="submitted")
    request.outcome = outcome.strip()
    request.open_referrals_note = open_referrals_note.strip() or None
    if case.emergency_clock_running:
        request.no_emergency_action_reason = no_emergency_action_reason.strip()
    db.session.add(request)
    finish_step(case, current, by, subject_id=request.id, detail=reason)
    return request


def _check_closure_reason(case: Case, reason: str) -> None:
    if reason not in CLOSURE_REASON:
        raise CaseError(_l("Choose a reason for closing."), field="reason")
    if case.status != "review" and reason not in ANY_STAGE_CLOSURE_REASONS:
        raise CaseError(_l("This reason needs a review of the case first."), field="reason")


def open_referral_count(case: Case) -> int:
    from casework.referrals.models import Referral
    from casework.referrals.codes import OPEN_REFERRAL_STATUSES

    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Referral)
        .where(Referral.case_id == case.id, Referral.status.in_(OPEN_REFERRAL_STATUSES))
    )


def approve_closure(case: Case, *, by: User, seen_version: int | None = None) -> ClosureRequest:
    """Close the case for the waiting request's reason."""
    current = begin_step(case, "approve_closure", by, seen_version)
    request = _require_pending(pending_closure(case), _l("No closure is waiting for approval."))
    if case.emergency_clock_running and not request.no_emergency_action_reason:
        # The case became urgent after the request: its missed deadline needs a reason.
        raise CaseError(_l("No emergency action is recorded and the request gives no reason: "
                           "return it so that the social worker records one."))
    _decide(request, "approved", "", by)
    case.closed_at, case.closure_reason = request.decided_at, request.reason
    finish_step(case, current, by, subject_id=request.id, detail=request.reason)
    refresh_next_due(case)
    return request


def return_closure(case: Case, *, comment: str, by: User,
                   seen_version: int | None = None) -> ClosureRequest:
    """Keep the case open and tell the social worker why."""
    if not comment.strip():
        raise CaseError(_l("Say why the case stays open."), field="comment")
    current = begin_step(case, "return_closure", by, seen_version)
    request = _require_pending(pending_closure(case), _l("No closure is waiting for approval."))
    _decide(request, "returned", comment, by)
    finish_step(case, current, by, subject_id=request.id)
    return request


def reopen_case(case: Case, *, reason: str, by: User, seen_version: int | None = None) -> None:
    """Reopen a closed case for a new assessment; the reason is kept as a note."""
    if not reason.strip():
        raise CaseError(_l("Say why the case is reopened."), field="reason")
    current = begin_step(case, "reopen", by, seen_version)
    note = add_note(case, reason, by=by, kind="reopen")
    case.closed_at, case.closure_reason, case.review_due_on = None, None, None
    finish_step(case, current, by, subject_id=note.id)
    refresh_next_due(case)
