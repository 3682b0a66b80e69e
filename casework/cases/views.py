"""Case pages: the caseload, the supervisor's overview, the case file, details, notes, tasks.

The workflow steps (assignment, assessments, plan, closure, reopening) are in
`casework.cases.workflow_views`. Opening a case file is audited before the page returns.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casework.accounts.access import allow
from casework.accounts.roles import Role
from casework.cases import queries, service
from casework.cases.casefile import open_case_file
from casework.cases.changes import CaseError, can_work_on
from casework.cases.charts import bar_chart
from casework.cases.codes import CASE_STATUS
from casework.cases.display import countdown, template_context
from casework.cases.forms import CaseEditForm, CaseloadFilterForm, NoteForm, StepForm, TaskForm
from casework.cases.lifecycle import last_returned, pending_closure, pending_plan
from casework.cases.models import FollowUpTask, Plan
from casework.cases.pages import form_version, load_case, save
from casework.cases.workflow import steps_from
from casework.crypto import reveal
from casework.extensions import db
from casework.web.navigation import add_menu_item, set_home

bp = Blueprint("cases", __name__, url_prefix="/cases")

WORKERS = (Role.SOCIAL_WORKER, Role.SUPERVISOR)
add_menu_item("cases.caseload", _l("My cases"), {Role.SOCIAL_WORKER}, order=30)
add_menu_item("cases.overview", _l("Unit cases"), {Role.SUPERVISOR}, order=30)
add_menu_item("cases.opened", _l("Cases I opened"), {Role.OPERATOR}, order=30)
set_home(Role.SOCIAL_WORKER, "cases.caseload")
set_home(Role.SUPERVISOR, "cases.overview")


@bp.app_template_filter("countdown")
def _countdown(due_at):
    return countdown(due_at)


bp.context_processor(template_context)


@bp.get("/mine")
@allow(Role.SOCIAL_WORKER)
def caseload():
    """The social worker's open cases, a page at a time, filtered and sorted as asked."""
    form = CaseloadFilterForm(request.args)
    filters = (queries.CaseloadFilters(status=form.status.data, urgency=form.urgency.data,
                                       due=form.due.data, sort=form.sort.data)
               if form.validate() else queries.CaseloadFilters())
    page = queries.caseload_page(current_user, filters, after=request.args.get("after"),
                                 before=request.args.get("before"))
    return render_template("cases/caseload.html", form=form, page=page, cases=page.items,
                           closed=queries.closed_recently(current_user))


@bp.get("/overview")
@allow(Role.SUPERVISOR)
def overview():
    """The unit at a glance: open cases by status, unassigned, overdue, awaiting approval."""
    paged = request.args.get("list")
    summary = queries.overview(current_user, paged if paged in queries.OVERVIEW_LISTS else None,
                               after=request.args.get("after"),
                               before=request.args.get("before"))
    rows = [(CASE_STATUS.label(code), count) for code, count in summary.by_status]
    chart = bar_chart(rows, _("Open cases by status"), "open-by-status")
    return render_template(
        "cases/overview.html", summary=summary, chart=chart,
        unacted=queries.closed_without_emergency_action(current_user),
        timeliness=queries.emergency_timeliness(current_user),
        timeliness_days=queries.TIMELINESS_DAYS)


@bp.get("/opened")
@allow(Role.OPERATOR)
def opened():
    """Cases the operator opened that no social worker has taken over yet."""
    return render_template("cases/opened.html", cases=queries.caseload(current_user))


@bp.get("/<uuid:case_id>")
@allow(Role.OPERATOR, *WORKERS)
def detail(case_id):
    """The case file; its opening is recorded in the audit trail first."""
    case = load_case(case_id)
    casefile = open_case_file(case, current_user, trail_before=_trail_key())
    db.session.commit()
    return render_template(
        "cases/detail.html", case=case, casefile=casefile,
        steps={step.name for step in steps_from(case.status, current_user.role)}
        if can_work_on(case, current_user) else set(),
        plan_waiting=pending_plan(case), closure_waiting=pending_closure(case),
        returned_plan=last_returned(Plan, case),
        step_form=StepForm(version=str(case.version)), note_form=NoteForm(),
        task_form=TaskForm(), workers=queries.assignable_workers(case))


def _trail_key() -> int | None:
    """The audit trail's page key from the URL; a forged one gives the newest page."""
    text = request.args.get("trail_before", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


@bp.route("/<uuid:case_id>/edit", methods=["GET", "POST"])
@allow(*WORKERS)
def edit(case_id):
    """Change the urgency and the summary, refusing a save made from an older version."""
    case = _workable(case_id)
    form = CaseEditForm()
    if not form.is_submitted():
        form.urgency.data, form.summary.data = case.urgency, _summary(case)
        service.record_view(case, current_user)  # the form shows the decrypted summary
        db.session.commit()
    form_version(form, case)
    return save(form, case, lambda: service.edit_case(
        case, urgency=form.urgency.data, summary=form.summary.data or "", by=current_user,
        seen_version=form.seen_version()),
        template="cases/edit.html", done=_("Changes saved."), current_summary=_summary)


def _summary(case) -> str:
    return reveal(case, "summary") or ""


def _workable(case_id):
    """A case the user may open and work on (operators only read the intake part)."""
    case = load_case(case_id)
    if not can_work_on(case, current_user):
        abort(404)
    return case


@bp.post("/<uuid:case_id>/notes")
@allow(*WORKERS)
def add_note(case_id):
    """Add a note; the text is encrypted."""
    case = _workable(case_id)
    form = NoteForm()
    if form.validate_on_submit():
        service.add_note(case, form.body.data, by=current_user)
        db.session.commit()
        flash(_("Note added."), "success")
    else:
        flash(_("Write the note first (at most 20,000 characters)."), "error")
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="timeline"))


@bp.post("/<uuid:case_id>/tasks")
@allow(*WORKERS)
def add_task(case_id):
    """Add a follow-up task with a due date."""
    case = _workable(case_id)
    form = TaskForm()
    if form.validate_on_submit():
        try:
            service.add_task(case, form.description.data, form.due_on.day, by=current_user)
        except CaseError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Task added."), "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="tasks"))
    return render_template("cases/task_form.html", case=case, form=form)


@bp.post("/<uuid:case_id>/tasks/<uuid:task_id>/done")
@allow(*WORKERS)
def complete_task(case_id, task_id):
    """Mark a follow-up task done."""
    case = _workable(case_id)
    task = db.session.get(FollowUpTask, task_id)
    if task is None or task.case_id != case.id or not StepForm().validate_on_submit():
        abort(404)
    try:
        service.complete_task(case, task, by=current_user)
    except CaseError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="tasks"))
