"""How the people records read on screen: the names of their events and fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casework import taxonomy
from casework.audit.labels import register_action_labels

PEOPLE_ACTIONS = {
    "survivor_create": _l("Survivor recorded"),
    "survivor_update": _l("Survivor's details changed (the earlier values are kept)"),
}
register_action_labels(PEOPLE_ACTIONS)

FIELD_LABELS = {
    "name": _l("Name"), "phone": _l("Phone"), "address": _l("Address"), "sex": _l("Sex"),
    "age": _l("Age"), "birth_date": _l("Date of birth"), "commune_code": _l("Commune"),
    "ethnicity": _l("Ethnicity"), "disability": _l("Disability"),
    "vulnerabilities": _l("Special circumstances"),
}
_CODED = {"sex": taxonomy.SEX, "ethnicity": taxonomy.ETHNICITY,
          "disability": taxonomy.DISABILITY}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def value_text(name: str, value) -> str:
    """A recorded value as a person reads it: labels for codes, "—" for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    if name in _CODED:
        return _CODED[name].label(value) or value
    if name == "commune_code":
        return taxonomy.commune_label(value)
    if name == "vulnerabilities":
        return "; ".join(taxonomy.VULNERABILITY.label(code) for code in value)
    return str(value)
