"""Form fields whose choices are a coded list: labels in the user's language, codes stored.

A code outside the list is refused with a message beside the field; a blank answer is None.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from casework.taxonomy.codes import CodeList

ListSource = CodeList | Callable[[], CodeList]
NOT_LISTED = _l("Choose one of the listed options.")
BLANK_LABEL = "—"


def _resolve(source: ListSource) -> CodeList:
    return source if isinstance(source, CodeList) else source()


def _blank_to_none(value):
    return None if value in (None, "") else str(value)


def _choices(source: ListSource, group: str | None, blank: bool) -> Callable[[], list]:
    def build() -> list[SelectChoice]:
        options = [SelectChoice(code, label) for code, label in _resolve(source).choices(group)]
        return [SelectChoice("", BLANK_LABEL), *options] if blank else options

    return build


class CodeSelectField(SelectField):
    """A drop-down of one code; blank (None) unless a validator requires an answer."""

    def __init__(self, label, code_list: ListSource, *, group: str | None = None,
                 blank: bool = True, **kwargs):
        super().__init__(label, choices=_choices(code_list, group, blank),
                         coerce=_blank_to_none, invalid_choice_message=NOT_LISTED, **kwargs)

    def pre_validate(self, form):
        if self.data is not None:
            super().pre_validate(form)


class CodeRadioField(RadioField):
    """Radio buttons of one code: quick with the arrow keys, every option visible."""

    def __init__(self, label, code_list: ListSource, *, group: str | None = None, **kwargs):
        super().__init__(label, choices=_choices(code_list, group, blank=False),
                         coerce=_blank_to_none, invalid_choice_message=NOT_LISTED, **kwargs)

    def pre_validate(self, form):
        if self.data is not None:
            super().pre_validate(form)


class CodeCheckboxField(SelectMultipleField):
    """Check boxes for a list where several codes may apply (forms of violence, flags)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, label, code_list: ListSource, *, group: str | None = None, **kwargs):
        super().__init__(label, choices=_choices(code_list, group, blank=False),
                         invalid_choice_message=lambda _count: NOT_LISTED, **kwargs)

    def process_formdata(self, valuelist):
        # A code sent twice counts once; order follows the list, not the request.
        super().process_formdata(valuelist)
        if self.data:
            self.data = list(dict.fromkeys(self.data))
