"""Case forms. Every form that changes a case carries the version it was made from.

Limits come from the models; labels are lazily translated; codes come from the coded lists.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from casework.cases.codes import CASE_STATUS, CLOSURE_REASON, NEED, OPEN, RISK_LEVEL
from casework.cases.models import COMMENT_MAX, SUMMARY_MAX, TASK_MAX, TEXT_MAX
from casework.taxonomy import URGENCY
from casework.taxonomy.fields import (
    NOT_LISTED,
    CodeCheckboxField,
    CodeRadioField,
    CodeSelectField,
)
from casework.web.forms import choices

REQUIRED = _l("This field is required.")
# Dates a case can sensibly hold; the bounds also keep date arithmetic from overflowing.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
VERSION_DIGITS = 9
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(form, field):
    """No control characters (tabs and line breaks are fine)."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this text."))


def parse_day(text: str | None) -> date | None:
    """A date typed as yyyy-mm-dd (the date picker) or dd/mm/yyyy; ValueError otherwise."""
    if not text or not text.strip():
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class DayField(StringField):
    """A date input; `.day` is the parsed date, the typed text is kept on error."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, **kwargs)

    @property
    def day(self) -> date | None:
        return parse_day(self.data)

    def pre_validate(self, form):
        try:
            day = parse_day(self.data)
        except ValueError:
            raise ValidationError(_l("Enter a date like 31/12/2026.")) from None
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(_l("Enter a date between %(first)s and %(last)s.",
                                     first=FIRST_DAY.strftime("%d/%m/%Y"),
                                     last=LAST_DAY.strftime("%d/%m/%Y")))


def text_field(label, limit: int, *, required: bool = False, area: bool = True):
    field = TextAreaField if area else StringField
    validators = [DataRequired(REQUIRED) if required else Optional(),
                  Length(max=limit, message=_l("At most %(max)d characters.", max=limit)),
                  plain_text]
    return field(label, validators=validators)


class VersionedForm(FlaskForm):
    """A form that changes a case: it carries the version the user saw."""

    version = HiddenField()

    def seen_version(self) -> int:
        """The version the form was made from; anything malformed counts as stale."""
        text = self.version.data or ""
        return int(text) if text.isdigit() and len(text) <= VERSION_DIGITS else -1


class CaseEditForm(VersionedForm):
    urgency = CodeRadioField(_l("Urgency"), URGENCY, validators=[InputRequired(REQUIRED)])
    summary = text_field(_l("What the case is about"), SUMMARY_MAX)


class AssignForm(VersionedForm):
    worker = SelectField(_l("Social worker"), choices=[], invalid_choice_message=NOT_LISTED,
                         validators=[DataRequired(_l("Choose a social worker."))])


class InitialAssessmentForm(VersionedForm):
    risk_level = CodeRadioField(_l("Risk level"), RISK_LEVEL,
                                validators=[InputRequired(_l("Choose a risk level."))])
    emergency_measures = BooleanField(_l("Emergency measures have been applied"))
    findings = text_field(_l("Findings"), TEXT_MAX)


class DetailedAssessmentForm(VersionedForm):
    risk_level = CodeRadioField(_l("Risk level"), RISK_LEVEL,
                                validators=[InputRequired(_l("Choose a risk level."))])
    needs = CodeCheckboxField(_l("Needs"), NEED,
                              validators=[DataRequired(_l("Choose at least one need."))])
    findings = text_field(_l("Findings"), TEXT_MAX)


class PlanForm(VersionedForm):
    goals = text_field(_l("Goals and the support to give"), TEXT_MAX, required=True)
    review_on = DayField(_l("Review date"), validators=[DataRequired(REQUIRED)])


DECISIONS = (("approve", _l("Approve")), ("return", _l("Return with a comment")))


class DecisionForm(VersionedForm):
    decision = RadioField(_l("Decision"), choices=choices(DECISIONS),
                          invalid_choice_message=NOT_LISTED,
                          validators=[InputRequired(_l("Approve or return."))])
    comment = text_field(_l("Comment"), COMMENT_MAX)

    def validate_comment(self, field):
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Say what should change."))


class StepForm(VersionedForm):
    """A step with nothing to fill in (start the review, make a new plan)."""


class ClosureForm(VersionedForm):
    reason = CodeSelectField(_l("Reason for closing"), CLOSURE_REASON,
                             validators=[InputRequired(_l("Choose a reason for closing."))])
    outcome = text_field(_l("Outcome for the survivor"), TEXT_MAX, required=True)
    open_referrals_note = text_field(_l("What happens to the referrals still open"), TEXT_MAX)


class ReopenForm(VersionedForm):
    reason = text_field(_l("Why the case is reopened"), TEXT_MAX, required=True)


class NoteForm(FlaskForm):
    body = text_field(_l("Note"), TEXT_MAX, required=True)


class TaskForm(FlaskForm):
    description = text_field(_l("Task"), TASK_MAX, required=True, area=False)
    due_on = DayField(_l("Due on"), validators=[DataRequired(REQUIRED)])


class CaseloadFilterForm(FlaskForm):
    """How the caseload is filtered and sorted, read from the query string."""

    class Meta:
        csrf = False

    status = CodeSelectField(_l("Status"), CASE_STATUS, group=OPEN)
    urgency = CodeSelectField(_l("Urgency"), URGENCY)
    due = SelectField(_l("Next deadline"), choices=choices([
        ("", _l("Any")), ("overdue", _l("Overdue")), ("week", _l("Within 7 days"))]), default="")
    sort = SelectField(_l("Sort by"), choices=choices([
        ("urgency", _l("Most urgent first")), ("due", _l("Nearest deadline first")),
        ("status", _l("Status")), ("opened", _l("Newest first"))]), default="urgency")
