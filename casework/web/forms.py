"""Form helpers shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """Options for a SelectField from (value, label) pairs; labels may be lazy strings."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def picklist() -> dict:
    """Attributes that make a drop-down searchable by typing (the plain list without script)."""
    return {"data_picklist": "",
            "data_picklist_placeholder": _l("Type part of the name"),
            "data_picklist_empty": _l("Nothing matches what you typed.")}
