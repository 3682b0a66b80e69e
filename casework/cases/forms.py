"""Case forms. Every form that changes a case carries the version it was made from.

Limits come from the models; labels are lazily translated; codes come from the coded lists.
"""

from __future__ import annotations

import re
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from casework.cases.codes import (
    CASE_STATUS,
    CLOSURE_REASON,
    EMERGENCY_MEASURE,
    NEED,
    OPEN,
    RISK_LEVEL,
)
from casework.cases.models import COMMENT_MAX, SUMMARY_MAX, TASK_MAX, TEXT_MAX
from casework.taxonomy import URGENCY
from casework.taxonomy.fields import (
    NOT_LISTED,
    CodeCheckboxField,
    CodeRadioField,
    CodeSelectField,
)
from casework.web.dates import DayField
from casework.web.forms import choices

REQUIRED = _l("This field is required.")
VERSION_DIGITS = 9
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(form, field):
    """No control characters (tabs and line breaks are fine)."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this text."))


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
    no_emergency_action_reason = text_field(
        _l("Why no emergency action was taken within 12 hours"), COMMENT_MAX)


class TimeField(StringField):
    """A time of day typed as hh:mm (24-hour clock); `.time` is the parsed time."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("render_kw", {"type": "time"})
        super().__init__(label, **kwargs)

    @property
    def time(self) -> time | None:
        text = (self.data or "").strip()
        return datetime.strptime(text, "%H:%M").time() if text else None

    def pre_validate(self, form):
        try:
            self.time
        except ValueError:
            raise ValidationError(_l("Enter a time like 14:30.")) from None


class EmergencyActionForm(VersionedForm):
    measure = CodeSelectField(_l("Measure taken"), EMERGENCY_MEASURE,
                              validators=[InputRequired(_l("Choose the measure taken."))])
    acted_on = DayField(_l("Date it was taken"), validators=[DataRequired(REQUIRED)])
    acted_time = TimeField(_l("Time it was taken"), validators=[DataRequired(REQUIRED)])
    details = text_field(_l("What was done, by whom"), COMMENT_MAX, required=True)


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
