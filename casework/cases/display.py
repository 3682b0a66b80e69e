"""How a case reads on screen: step names, countdowns, urgency badges. Codes stay in the data."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from flask import current_app, g, url_for
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
    "record_emergency_action": _l("Emergency action recorded"),
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
        "CLOSURE_REASON": codes.CLOSURE_REASON, "EMERGENCY_MEASURE": codes.EMERGENCY_MEASURE,
        "SERVICE_TYPE": referral_codes.SERVICE_TYPE,
        "REFERRAL_STATUS": referral_codes.REFERRAL_STATUS,
        "CONSENT_RULE": referral_codes.CONSENT_RULE, "urgency_badge": URGENCY_BADGES,
        "case_action": action_label, "edited_fields": edited_fields,
        "countdown_strings": countdown_strings(), "case_rows": case_rows,
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


def remaining_text(due_at: datetime, now: datetime | None = None,
                   phrases: dict[str, str] | None = None) -> str:
    """'3 h 20 min left' or 'overdue by 2 h 0 min', in the user's language."""
    seconds = int((due_at - (now or utcnow())).total_seconds())
    phrases = phrases or _phrases()
    if seconds < 0:
        return phrases["overdue"] % {"time": _amount(-seconds, phrases)}
    return phrases["left"] % {"time": _amount(seconds, phrases)}


def countdown(due_at: datetime | None, now: datetime | None = None,
              phrases: dict[str, str] | None = None) -> Markup:
    """A countdown the page's script keeps current; without script it reads as served.

    A list passes the same `now` and `phrases` for every row, so that one page's countdowns
    agree with each other and the phrases are looked up once.
    """
    if due_at is None:
        return Markup("")
    now = now or utcnow()
    cls = " overdue" if due_at < now else ""
    # Escaped by hand: Markup.format costs as much as the rest of the row. An ISO date holds
    # only digits, "-", ":", ".", "+" and "T", nothing to escape.
    return Markup(f'<span class="countdown{cls}" data-due="{due_at.isoformat()}">'
                  f'{escape(remaining_text(due_at, now, phrases))}</span>')


# Each cell names its column (data-label) for the stacked cards of a narrow screen.
_CASE_ROW = ('<tr data-case="{code}"><td data-label="{l_case}"><a href="{url}">{code}</a>{child}'
             '</td><td data-label="{l_status}">{status}</td><td data-label="{l_urgency}">'
             '<span class="badge {badge}">{urgency}</span></td>{worker}'
             '<td data-label="{l_received}">{received}</td>'
             '<td class="deadline" data-label="{l_due}">{due}</td></tr>')


def case_rows(cases: Iterable, show_worker: bool = False) -> Iterator[Markup]:
    """The rows of a case table (`case_table` in templates/cases/_case.html), as HTML.

    A caseload lists hundreds of cases. Built in the template, each row costs Flask-Babel
    locale look-ups, a URL build and a dozen escaped outputs, which together cost more than
    loading the cases; here the language, the phrases, the time, the date format and the
    link pattern are resolved once per table, and each row is one format string whose
    every value is escaped with `html.escape` (the countdown is already escaped HTML).
    """
    from casework.cases.codes import CASE_STATUS
    from casework.taxonomy import URGENCY
    from casework.taxonomy.codes import current_language

    language = current_language()
    statuses, urgencies = _labels(CASE_STATUS, language), _labels(URGENCY, language)
    now, phrases, link = utcnow(), _phrases(), _case_link()
    shown = current_app.jinja_env.filters["datetime"]  # the same format as `|datetime`
    child = f' <span class="badge">{html.escape(_("child"))}</span>'
    labels = {key: html.escape(str(text)) for key, text in (
        ("l_case", _("Case")), ("l_status", _("Status")), ("l_urgency", _("Urgency")),
        ("l_received", _("Received")), ("l_due", _("Next deadline")))}
    worker_label = html.escape(_("Social worker"))
    for case in cases:
        due_at = case.next_due_at if case.is_open else None  # a closed case has no clock
        due = (f"{html.escape(shown(due_at))} · {countdown(due_at, now, phrases)}"
               if due_at else "—")
        worker = ""
        if show_worker:
            name = case.assigned_to.display_name if case.assigned_to else "—"
            worker = f'<td data-label="{worker_label}">{html.escape(name)}</td>'
        yield Markup(_CASE_ROW.format(
            code=html.escape(case.code), url=html.escape(link(case.id)),
            child=child if case.is_child else "",
            status=html.escape(statuses.get(case.status, case.status)),
            badge=URGENCY_BADGES.get(case.urgency, ""),
            urgency=html.escape(urgencies.get(case.urgency, case.urgency)),
            worker=worker, received=html.escape(shown(case.received_at)), due=due, **labels))


def _labels(codes, language: str) -> dict[str, str]:
    """Each code's label in one language (a code the list does not know shows as stored)."""
    return {entry.code: entry.label_in(language) for entry in codes}


def _case_link() -> Callable[[uuid.UUID], str]:
    """The case file's address for a case id, built by Flask once and filled in per case."""
    placeholder = uuid.UUID(int=0)
    before, after = url_for("cases.detail", case_id=placeholder).split(str(placeholder))
    return lambda case_id: f"{before}{case_id}{after}"


def countdown_strings() -> dict[str, str]:
    """The words the countdown script uses, so that it speaks the page's language.

    Filled in from the phrases the served countdowns use (translated once per request),
    as gettext would fill them in.
    """
    phrases = _phrases()
    # The server's time as the page is made: the script counts from it, not the browser's clock.
    return {"now": utcnow().isoformat(timespec="milliseconds"),
            "left": phrases["left"] % {"time": "{t}"},
            "overdue": phrases["overdue"] % {"time": "{t}"},
            "long": phrases["days"] % {"days": "{d}", "hours": "{h}"},
            "short": phrases["hours"] % {"hours": "{h}", "minutes": "{m}"}}


__all__ = ["CASE_ACTIONS", "URGENCY_BADGES", "action_label", "case_rows", "countdown",
           "countdown_strings", "edited_fields", "remaining_text", "template_context"]
