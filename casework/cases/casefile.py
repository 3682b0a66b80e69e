"""Everything on a case's page, decrypted for the reader and audited before it is shown.

Opening a case file records a `case_view` entry (and a `view` of each call whose narrative
is shown) in the audit trail before the page is returned. Operators get the intake part
only: the survivor and the calls they logged, nothing from the social work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from casework import audit
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit.labels import action_label as audit_label
from casework.audit.labels import outcome_label
from casework.cases.codes import CASE_STATUS, EMERGENCY_MEASURE, RISK_LEVEL
from casework.cases.display import action_label
from casework.cases.models import (
    Assessment,
    Case,
    CaseCall,
    CaseEvent,
    CaseNote,
    ClosureRequest,
    EmergencyAction,
    FollowUpTask,
    Plan,
)
from casework.cases.queries import events_of, users_by_id
from casework.crypto import reveal
from casework.extensions import db
from casework.intake.models import Call
from casework.people.models import Survivor
from casework.people.service import changes_shown
from casework.referrals.codes import SERVICE_TYPE
from casework.referrals.models import Referral, ServiceDelivery, ServiceProvider


@dataclass(frozen=True)
class Shown:
    """A record and the decrypted text of its encrypted fields."""

    item: object
    text: dict[str, str | None]


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    action: str
    label: str
    detail: str = ""
    text: str | None = None


@dataclass
class CaseFile:
    case: Case
    is_full: bool
    survivor: Survivor | None = None
    survivor_text: dict = field(default_factory=dict)
    summary: str | None = None
    calls: list[Shown] = field(default_factory=list)
    assessments: list[Shown] = field(default_factory=list)
    emergency_actions: list[Shown] = field(default_factory=list)
    plans: list[Shown] = field(default_factory=list)
    closures: list[Shown] = field(default_factory=list)
    tasks: list[Shown] = field(default_factory=list)
    referrals: list[Shown] = field(default_factory=list)
    services: list[Shown] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    trail: list[dict] = field(default_factory=list)
    trail_older: int | None = None  # the key of the trail's next (older) page


def _shown(items, *attributes: str) -> list[Shown]:
    return [Shown(item, {name: reveal(item, name) for name in attributes}) for item in items]


def _of_case(model, case: Case, order):
    return list(db.session.scalars(sa.select(model).where(model.case_id == case.id)
                                   .order_by(order)))


def open_case_file(case: Case, user: User, *, trail_before: int | None = None) -> CaseFile:
    """Audit the opening, then gather and decrypt what this user may read of the case.

    A supervisor sees the newest page of the case's audit trail, or the page of entries
    older than `trail_before`.
    """
    audit.record("case_view", "case", case.id, actor_id=user.id)
    survivor = db.session.get(Survivor, case.survivor_id) if case.survivor_id else None
    casefile = CaseFile(case=case, is_full=user.role != Role.OPERATOR, survivor=survivor,
                        survivor_text=_survivor_text(survivor), calls=_calls(case, user))
    if casefile.is_full:
        _fill_social_work(casefile, case, user, trail_before)
    return casefile


def _survivor_text(survivor: Survivor | None) -> dict:
    if survivor is None:
        return {}
    return {name: reveal(survivor, name) for name in ("name", "phone", "address")}


def _calls(case: Case, user: User) -> list[Shown]:
    calls = list(db.session.scalars(
        sa.select(Call).join(CaseCall, CaseCall.call_id == Call.id)
        .where(CaseCall.case_id == case.id).order_by(Call.started_at)
    ))
    for call in calls:
        audit.record("view", "call", call.id, actor_id=user.id)
    return _shown(calls, "narrative")


def _fill_social_work(casefile: CaseFile, case: Case, user: User,
                      trail_before: int | None = None) -> None:
    casefile.summary = reveal(case, "summary")
    casefile.assessments = _shown(_of_case(Assessment, case, Assessment.assessed_at), "findings")
    casefile.emergency_actions = _shown(
        _of_case(EmergencyAction, case, EmergencyAction.acted_at), "details")
    casefile.plans = _shown(_of_case(Plan, case, Plan.submitted_at), "goals", "decision_comment")
    casefile.closures = _shown(_of_case(ClosureRequest, case, ClosureRequest.submitted_at),
                               "outcome", "open_referrals_note", "no_emergency_action_reason",
                               "decision_comment")
    casefile.tasks = _shown(_of_case(FollowUpTask, case, FollowUpTask.due_on), "description")
    casefile.referrals = _shown(_of_case(Referral, case, Referral.created_at), "reason",
                                "outcome", "override_reason")
    casefile.services = _shown(_of_case(ServiceDelivery, case, ServiceDelivery.delivered_on),
                               "note")
    casefile.timeline = _timeline(case, casefile)
    if user.role == Role.SUPERVISOR:
        casefile.trail = _trail(case, casefile, trail_before)


def _timeline(case: Case, casefile: CaseFile) -> list[TimelineEntry]:
    """The case's history, newest first: steps, calls, notes, referrals, services."""
    events = events_of(case)
    people = users_by_id([e.actor_id for e in events] + [e.subject_id for e in events])
    notes = {note.id: reveal(note, "body")
             for note in _of_case(CaseNote, case, CaseNote.created_at)}
    details = _subject_details(casefile, people)
    entries = [
        TimelineEntry(at=event.at, actor=_name(people, event.actor_id), action=event.action,
                      label=action_label(event.action),
                      detail=_event_detail(event, details),
                      text=notes.get(event.subject_id))
        for event in events
    ]
    if case.survivor_id:
        entries += _survivor_changes(case.survivor_id)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _survivor_changes(survivor_id) -> list[TimelineEntry]:
    """Each change of the survivor's details, with the values it replaced."""
    changes = changes_shown(survivor_id)
    people = users_by_id(change.changed_by_id for change in changes)
    return [TimelineEntry(at=change.at, actor=_name(people, change.changed_by_id),
                          action="survivor_update", label=audit_label("survivor_update"),
                          detail=change.fields, text=change.text) for change in changes]


def _name(people: dict, user_id) -> str:
    user = people.get(user_id)
    return user.display_name if user else ""


def _subject_details(casefile: CaseFile, people: dict) -> dict:
    """A short description of each thing an event may concern, by its id."""
    used = {s.item.provider_id for s in casefile.referrals + casefile.services}
    providers = dict(db.session.execute(
        sa.select(ServiceProvider.id, ServiceProvider.name).where(ServiceProvider.id.in_(used))
    ).all()) if used else {}
    details = {user_id: user.display_name for user_id, user in people.items()}
    for shown in casefile.calls:
        details[shown.item.id] = shown.item.started_at
    for shown in casefile.referrals:
        details[shown.item.id] = (f"{SERVICE_TYPE.label(shown.item.service_type)} · "
                                  f"{providers.get(shown.item.provider_id, '')}")
    for shown in casefile.services:
        details[shown.item.id] = SERVICE_TYPE.label(shown.item.service_type)
    for shown in casefile.tasks:
        details[shown.item.id] = shown.text["description"]
    for shown in casefile.assessments:
        details[shown.item.id] = RISK_LEVEL.label(shown.item.risk_level)
    for shown in casefile.emergency_actions:
        details[shown.item.id] = EMERGENCY_MEASURE.label(shown.item.measure)
    return details


def _event_detail(event: CaseEvent, details: dict) -> str:
    parts = []
    if event.from_status and event.to_status and event.from_status != event.to_status:
        parts.append(f"{CASE_STATUS.label(event.from_status)} → "
                     f"{CASE_STATUS.label(event.to_status)}")
    subject = details.get(event.subject_id)
    if isinstance(subject, datetime):  # a call: shown by its time, as every page shows times
        subject = current_app.jinja_env.filters["datetime"](subject)
    if subject:
        parts.append(str(subject))
    return " · ".join(parts)


TRAIL_PAGE = 100


def _trail(case: Case, casefile: CaseFile, before: int | None) -> list[dict]:
    """A page of the audit entries about the case and everything in it, newest first.

    Every opening of the case adds an entry, so a busy case's trail only grows: a page
    holds the newest hundred (or those before `before`), and the last row carries the key
    of the next page.
    """
    notes = db.session.scalars(sa.select(CaseNote.id).where(CaseNote.case_id == case.id))
    ids = [case.id, *notes, *(s.item.id for s in casefile.tasks + casefile.referrals
                              + casefile.services)]
    if case.survivor_id:  # changes of the survivor's details, made by calls or corrections
        ids.append(case.survivor_id)
    entries = audit.latest_entries_for(ids, before_seq=before, limit=TRAIL_PAGE)
    casefile.trail_older = entries[TRAIL_PAGE - 1].seq if len(entries) > TRAIL_PAGE else None
    entries = entries[:TRAIL_PAGE]
    people = users_by_id(entry.actor_id for entry in entries)
    return [{"seq": entry.seq, "at": entry.at, "actor": _name(people, entry.actor_id),
             "action": audit_label(entry.action), "outcome": outcome_label(entry.outcome)}
            for entry in entries]
