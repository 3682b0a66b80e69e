"""Form fields whose choices are a coded list: labels in the user's language, codes stored.

A code outside the list is refused with a message beside the field; a blank answer is None.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, ValidationError, widgets
from wtforms.fields.choices import SelectChoice

from casework.taxonomy.codes import CodeList

ListSource = CodeList | Callable[[], CodeList]
NOT_LISTED = _l("Choose one of the listed options.")
BLANK_LABEL = "—"


def _resolve(source: ListSource) -> CodeList:
    return source if isinstance(source, CodeList) else source()


def _blank_to_none(value):
    return None if value in (None, "") else str(value)


def _listed(source: ListSource, group: str | None, code) -> bool:
    """Whether a submitted code is one of the list's (or the group's) options."""
    entry = _resolve(source).get(code) if isinstance(code, str) else None
    return entry is not None and (group is None or entry.group == group)


class _ListedCodes:
    """Validation by looking the code up in its list, instead of building every translated
    option label (as WTForms does) only to compare the codes."""

    def _check_listed(self, form, codes) -> None:
        if not self.validate_choice:
            return
        if self._choices_callable is not self._code_choices:  # choices replaced: WTForms' check
            super().pre_validate(form)
        elif not all(_listed(self._code_source, self._code_group, code) for code in codes):
            raise ValidationError(NOT_LISTED)

    def _keep_source(self, source: ListSource, group: str | None) -> None:
        self._code_source, self._code_group = source, group
        self._code_choices = self._choices_callable


def _choices(source: ListSource, group: str | None, blank: bool) -> Callable[[], list]:
    def build() -> list[SelectChoice]:
        options = [SelectChoice(code, label) for code, label in _resolve(source).choices(group)]
        return [SelectChoice("", BLANK_LABEL), *options] if blank else options

    return build


class CodeSelectField(_ListedCodes, SelectField):
    """A drop-down of one code; blank (None) unless a validator requires an answer."""

    def __init__(self, label, code_list: ListSource, *, group: str | None = None,
                 blank: bool = True, **kwargs):
        super().__init__(label, choices=_choices(code_list, group, blank),
                         coerce=_blank_to_none, invalid_choice_message=NOT_LISTED, **kwargs)
        self._keep_source(code_list, group)

    def pre_validate(self, form):
        if self.data is not None and not self.process_errors:
            self._check_listed(form, [self.data])


class CodeRadioField(_ListedCodes, RadioField):
    """Radio buttons of one code: quick with the arrow keys, every option visible."""

    def __init__(self, label, code_list: ListSource, *, group: str | None = None, **kwargs):
        super().__init__(label, choices=_choices(code_list, group, blank=False),
                         coerce=_blank_to_none, invalid_choice_message=NOT_LISTED, **kwargs)
        self._keep_source(code_list, group)

    def pre_validate(self, form):
        if self.data is not None and not self.process_errors:
            self._check_listed(form, [self.data])


class CodeCheckboxField(_ListedCodes, SelectMultipleField):
    """Check boxes for a list where several codes may apply (forms of violence, flags)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, label, code_list: ListSource, *, group: str | None = None, **kwargs):
        super().__init__(label, choices=_choices(code_list, group, blank=False),
                         invalid_choice_message=lambda _count: NOT_LISTED, **kwargs)
        self._keep_source(code_list, group)

    def pre_validate(self, form):
        if self.data and not self.process_errors:
            self._check_listed(form, self.data)

    def process_formdata(self, valuelist):
        # A code sent twice counts once; order follows the list, not the request.
        super().process_formdata(valuelist)
        if self.data:
            self.data = list(dict.fromkeys(self.data))
