"""The board's period and line chooser (a GET form: it changes nothing)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation

from casework.reports.periods import (
    LINE_LABELS, PERIOD_KIND_LABELS, Line, Period, PeriodKind, standard_period,
)
from casework.taxonomy.fields import NOT_LISTED
from casework.web.dates import DayField
from casework.web.forms import choices

FIRST_YEAR = 2000
LAST_YEAR = 2100


def _parsed(_form, field) -> None:
    """Stop at a value that could not be read: its own message says enough."""
    if field.process_errors:
        raise StopValidation()


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads

    # Every message is the project's own, so that the chooser speaks the board's language
    # (WTForms' built-in messages are English).
    kind = SelectField(_l("Period"), choices=choices((k.value, label) for k, label in
                                                     PERIOD_KIND_LABELS.items()),
                       default=PeriodKind.YEAR.value, invalid_choice_message=NOT_LISTED)
    year = IntegerField(
        _l("Year"), invalid_value_message=_l("Enter the year in four digits, such as 2025."),
        validators=[_parsed, Optional(), NumberRange(
            FIRST_YEAR, LAST_YEAR, message=_l("Choose a year from %(min)s to %(max)s."))])
    start = DayField(_l("From (custom range)"), validators=[Optional()])
    end = DayField(_l("To (custom range)"), validators=[Optional()])
    line = RadioField(_l("Line"), choices=choices((line.value, label) for line, label in
                                                  LINE_LABELS.items()),
                      default=Line.BOTH.value, validators=[InputRequired(_l("Choose a line."))],
                      invalid_choice_message=NOT_LISTED)

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that a standard period has its year and a custom range
        both ends in order."""
        valid = super().validate(extra_validators)
        if self.kind.data != PeriodKind.CUSTOM:
            # Checked here: Optional() stops the field's own validators on an empty year.
            if self.year.data is None and not self.year.errors:
                self.year.errors = [*self.year.errors, _l("Enter the year.")]
                valid = False
            return valid
        for field, message in ((self.start, _l("Enter the first day of the range.")),
                               (self.end, _l("Enter the last day of the range."))):
            if field.day is None and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        if valid and self.end.day < self.start.day:
            self.end.errors = [*self.end.errors, _l("The range ends before it starts.")]
            valid = False
        return valid

    def period(self) -> Period:
        """The chosen period (call after validation)."""
        if self.kind.data == PeriodKind.CUSTOM:
            return Period(self.start.day, self.end.day, PeriodKind.CUSTOM)
        return standard_period(self.kind.data, self.year.data)

    def chosen_line(self) -> Line:
        return Line(self.line.data)


def default_year(today: date) -> int:
    """The last whole year: the first report a board usually wants."""
    return today.year - 1

