"""One way to enter a date everywhere: typed day/month/year, shown dd/mm/yyyy.

A person may type 31/12/2026, 1/2/2026, 31-12-2026, 31.12.2026 or 2026-12-31; what they typed
is kept on error, and an impossible date (31/02) is told apart from an unreadable one.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation

DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
YEAR_MONTH_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Dates a record can sensibly hold; the bounds also keep date arithmetic from overflowing.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
TEXT_MAX = 20

UNREADABLE = _l("Enter a date as dd/mm/yyyy, such as 31/12/2026.")
HINT = _l("Day/month/year, such as 31/12/2026; or pick it from the calendar.")
IMPOSSIBLE = _l("This date does not exist: check the day and the month.")


class DayFormatError(ValueError):
    """The text is not a date in any accepted form."""


class ImpossibleDayError(ValueError):
    """The text has the form of a date, but no such day exists (31/02, month 13)."""


def parse_day(text: str | None) -> date | None:
    """The date typed, None when blank; DayFormatError or ImpossibleDayError otherwise."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if found := DAY_MONTH_YEAR.match(text):
        day, month, year = (int(part) for part in found.groups())
    elif found := YEAR_MONTH_DAY.match(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        raise DayFormatError(text)
    try:
        return date(year, month, day)
    except ValueError:
        raise ImpossibleDayError(text) from None


def show_day(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def day_error(text: str | None) -> str | None:
    """The message for a date that cannot be read, or None when it can (or is blank)."""
    try:
        parse_day(text)
    except ImpossibleDayError:
        return IMPOSSIBLE
    except DayFormatError:
        return UNREADABLE
    return None


class DayField(StringField):
    """A date typed as dd/mm/yyyy with a small picker; `.day` is the date, `.data` the text.

    The text is kept as typed when it cannot be read and shown as dd/mm/yyyy when it can,
    whatever the browser's language (no browser date input).
    """

    def __init__(self, label=None, validators=None, *, bounds=(FIRST_DAY, LAST_DAY),
                 **kwargs):
        render_kw = {"autocomplete": "off", "data_datepicker": "", "maxlength": TEXT_MAX,
                     "placeholder": _l("dd/mm/yyyy"),
                     "data_picker_open": _l("Choose a date from a calendar"),
                     "data_picker_previous": _l("Previous month"),
                     "data_picker_next": _l("Next month"),
                     "data_picker_close": _l("Close the calendar"),
                     **(kwargs.pop("render_kw", None) or {})}
        kwargs.setdefault("description", HINT)
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.bounds = bounds

    def process_data(self, value):
        self.data = show_day(value) if isinstance(value, date) else value

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip()

    @property
    def day(self) -> date | None:
        """The date entered, None when blank or unreadable."""
        try:
            return parse_day(self.data)
        except ValueError:
            return None

    def pre_validate(self, form):
        message = day_error(self.data)
        if message:
            raise StopValidation(message)
        day = self.day
        if day is not None and self.bounds and not self.bounds[0] <= day <= self.bounds[1]:
            raise StopValidation(_l("Enter a date between %(first)s and %(last)s.",
                                     first=show_day(self.bounds[0]),
                                     last=show_day(self.bounds[1])))
