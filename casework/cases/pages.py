"""What the case views share: loading a visible case and saving a form through a service.

A save that fails keeps everything the user typed: a rule broken shows its message next to
the field; a save from an older version shows what changed meanwhile, and the form then
carries the current version, so saving again is a deliberate choice.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from casework import audit
from casework.accounts.access import get_visible_or_404
from casework.cases.changes import CaseError, EditConflictError
from casework.cases.models import Case
from casework.cases.queries import changes_since, users_by_id
from casework.extensions import db


def load_case(case_id) -> Case:
    """The case if the signed-in user may open it; 404 otherwise."""
    return get_visible_or_404(Case, case_id, current_user)


def form_version(form, case: Case) -> None:
    """Put the case's current version in a form shown for the first time."""
    if not form.is_submitted():
        form.version.data = str(case.version)


def save(form, case: Case, action: Callable[[], object], *, template: str, done: str,
         shown: Callable[[], dict] | None = None, **context):
    """Validate, run the service, commit once and go back to the case; else show the form.

    `shown` gives what only the form page shows (read when the page is rendered, so a
    successful save decrypts and audits nothing it does not show).
    """
    conflict = None
    if form.validate_on_submit():
        try:
            action()
            db.session.commit()
        except (EditConflictError, StaleDataError):
            # StaleDataError: a save from the same version committed between this one's
            # version check and its UPDATE, which the version column then refused.
            db.session.rollback()
            conflict = _conflict(form, case)
        except CaseError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    if shown is not None:
        context.update(shown())
    return render_template(template, form=form, case=case, conflict=conflict, **context)


def show_error(form, error: CaseError) -> None:
    """Put a refused rule's message next to its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(str(error.message), "error")


def _conflict(form, case: Case) -> dict:
    """What changed since the form was made; the form now carries the current version."""
    events = changes_since(case, form.seen_version())
    form.version.data = str(case.version)
    audit.record("case_view", "case", case.id)  # the page now shows the current values
    db.session.commit()
    flash(_("Someone else saved this while you were editing. Your input is kept below: "
            "check what changed, then save again to apply it."), "error")
    return {"events": events, "people": users_by_id(event.actor_id for event in events)}
