"""How a case reads on screen: step names, countdowns, urgency badges. Codes stay in the data."""

from __future__ import annotations

from datetime import datetime

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from casework.audit.labels import register_action_labels
from casework.db import utcnow

URGENCY_BADGES = {"immediate": "danger", "urgent": "warn", "routine": ""}

# What each step or event of a case is called in its history and in the audit trail.
CASE_ACTIONS = {
    "case_open": _l("Case opened from a call"),
    "case_view": _l("Case file opened"),
    "call_attach": _l("Call attached"),
    "assign": _l("Assigned"),
    "reassign": _l("Reassigned"),
    "edit_details": _l("Details changed"),
    "record_initial_assessment": _l("Initial assessment recorded"),
    "record_detailed_assessment": _l("Detailed assessment recorded"),
    "submit_plan": _l("Plan submitted for approval"),
    "approve_plan": _l("Plan approved"),
    "return_plan": _l("Plan returned with a comment"),
    "start_review": _l("Review started"),
    "replan": _l("New plan needed"),
    "request_closure": _l("Closure requested"),
    "approve_closure": _l("Case closed"),
    "return_closure": _l("Closure returned: the case stays open"),
    "reopen": _l("Case reopened"),
    "note_add": _l("Note added"),
    "task_add": _l("Task added"),
    "task_done": _l("Task done"),
    "referral_view": _l("Referral opened"),
    "referral_propose": _l("Referral proposed"),
    "referral_consent_given": _l("Consent to the referral given"),
    "referral_consent_refused": _l("Consent to the referral refused"),
    "referral_send": _l("Referral sent"),
    "referral_override": _l("Referral sent without consent: emergency override"),
    "referral_accept": _l("Referral accepted by the provider"),
    "referral_decline": _l("Referral declined by the provider"),
    "referral_complete": _l("Referral completed"),
    "service_record": _l("Service delivered"),
    "provider_create": _l("Agency added to the directory"),
    "provider_update": _l("Agency changed in the directory"),
}
register_action_labels(CASE_ACTIONS)


EDITABLE_FIELDS = {"urgency": _l("Urgency"), "summary": _l("What the case is about")}


def edited_fields(detail: str | None) -> str:
    """The translated names of the fields an edit changed (stored as codes)."""
    return ", ".join(str(EDITABLE_FIELDS.get(name, name)) for name in (detail or "").split())


def template_context() -> dict:
    """Names every case and referral template uses: coded lists, labels, countdown words."""
    from casework import taxonomy
    from casework.cases import codes
    from casework.referrals import codes as referral_codes

    return {
        "taxonomy": taxonomy, "URGENCY": taxonomy.URGENCY, "CASE_STATUS": codes.CASE_STATUS,
        "RISK_LEVEL": codes.RISK_LEVEL, "NEED": codes.NEED, "DECISION": codes.DECISION,
        "CLOSURE_REASON": codes.CLOSURE_REASON, "SERVICE_TYPE": referral_codes.SERVICE_TYPE,
        "REFERRAL_STATUS": referral_codes.REFERRAL_STATUS,
        "CONSENT_RULE": referral_codes.CONSENT_RULE, "urgency_badge": URGENCY_BADGES,
        "case_action": action_label, "edited_fields": edited_fields,
        "countdown_strings": countdown_strings(),
    }


def action_label(action: str) -> str:
    label = CASE_ACTIONS.get(action)
    return str(label) if label is not None else action


def _phrases() -> dict[str, str]:
    """The countdown's phrases in the request's language, translated once per request.

    A caseload page shows hundreds of countdowns; asking gettext for each costs more than
    the rest of the row. Kept per locale, so a `force_locale` block still gets its own.
    """
    if not g:  # outside an application context: nothing to keep them in
        return _translated_phrases()
    locale = get_locale()
    kept = g.get("casework_countdown_phrases")
    if kept is None or kept[0] is not locale:
        kept = g.casework_countdown_phrases = (locale, _translated_phrases())
    return kept[1]


def _translated_phrases() -> dict[str, str]:
    # gettext without arguments returns the translated format string, filled in below.
    return {"days": _("%(days)s d %(hours)s h"), "hours": _("%(hours)s h %(minutes)s min"),
            "overdue": _("overdue by %(time)s"), "left": _("%(time)s left")}


def _amount(seconds: int, phrases: dict[str, str]) -> str:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    if days:
        return phrases["days"] % {"days": days, "hours": hours}
    return phrases["hours"] % {"hours": hours, "minutes": rest // 60}


def remaining_text(due_at: datetime, now: datetime | None = None) -> str:
    """'3 h 20 min left' or 'overdue by 2 h 0 min', in the user's language."""
    seconds = int((due_at - (now or utcnow())).total_seconds())
    phrases = _phrases()
    if seconds < 0:
        return phrases["overdue"] % {"time": _amount(-seconds, phrases)}
    return phrases["left"] % {"time": _amount(seconds, phrases)}


def countdown(due_at: datetime | None) -> Markup:
    """A countdown the page's script keeps current; without script it reads as served."""
    if due_at is None:
        return Markup("")
    cls = " overdue" if due_at < utcnow() else ""
    # Escaped by hand: Markup.format costs as much as the rest of the row.
    return Markup(f'<span class="countdown{cls}" data-due="{escape(due_at.isoformat())}">'
                  f'{escape(remaining_text(due_at))}</span>')


def countdown_strings() -> dict[str, str]:
    """The words the countdown script uses, so that it speaks the page's language."""
    return {"left": _("%(time)s left", time="{t}"),
            "overdue": _("overdue by %(time)s", time="{t}"),
            "long": _("%(days)s d %(hours)s h", days="{d}", hours="{h}"),
            "short": _("%(hours)s h %(minutes)s min", hours="{h}", minutes="{m}")}


__all__ = ["CASE_ACTIONS", "URGENCY_BADGES", "action_label", "countdown", "countdown_strings",
           "edited_fields", "remaining_text", "template_context"]
