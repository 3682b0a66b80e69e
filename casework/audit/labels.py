"""What each audit action is called when a supervisor reads a trail.

The entries hold stable action codes; each domain registers the labels of its own actions.
An action without a label is shown by its code.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

OUTCOMES = {"ok": _l("succeeded"), "refused": _l("refused"), "locked": _l("locked")}

_labels: dict[str, object] = {
    "sign_in": _l("Signed in"),
    "sign_in_totp": _l("Two-step code entered"),
    "sign_out": _l("Signed out"),
    "password_change": _l("Password changed"),
    "password_reset": _l("Password reset by an administrator"),
    "totp_enable": _l("Two-step sign-in turned on"),
    "totp_reset": _l("Two-step sign-in removed"),
    "user_create": _l("Account created"),
    "user_update": _l("Account changed"),
    "user_activate": _l("Account reactivated"),
    "user_deactivate": _l("Account deactivated"),
    "user_unlock": _l("Sign-in unlocked by an administrator"),
    "view": _l("Record opened"),
}


def register_action_labels(labels: Mapping[str, object]) -> None:
    """Add the labels of a domain's audit actions (called once, at import)."""
    _labels.update(labels)


def action_label(action: str) -> str:
    label = _labels.get(action)
    return str(label) if label is not None else action


def outcome_label(outcome: str) -> str:
    label = OUTCOMES.get(outcome)
    return str(label) if label is not None else outcome
