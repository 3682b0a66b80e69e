"""Marker writers for the leak scan: one per table that has encrypted columns.

A table with an encrypted column and no writer here fails the leak scan. A writer stores a
marker in every encrypted field of its table, through the domain's service functions where
they exist (so that whatever they log is scanned too), and returns nothing. Take markers
from `marks.text(label)` or, for phone numbers, `marks.phone()`; shared records (staff, a
call, a case, a provider) come from `world`, built once per scan.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from functools import cached_property

from casework.crypto import normalise_name, normalise_phone
from casework.db import utcnow
from casework.extensions import db
from tests import factories


class Marks:
    """Unique marker strings, and every form in which each could leak."""

    def __init__(self):
        self.needles: dict[str, set[str]] = {}

    def text(self, label: str) -> str:
        token = f"LEAK{secrets.token_hex(6)}"
        marker = f"{token} {label} Nguyễn Thị Hoà ✱"
        self.needles[marker] = {marker, token, normalise_name(marker), label + " Nguyễn"}
        return marker

    def phone(self) -> str:
        digits = f"9{secrets.randbelow(10**8):08d}"
        typed = f"0{digits[:2]} {digits[2:5]} {digits[5:]}"
        e164 = normalise_phone(typed)
        self.needles[typed] = {typed, e164, e164[1:], "0" + digits}
        return typed


class World:
    """The staff and records every writer may hang its marker on, made on first use."""

    @cached_property
    def operator(self):
        return factories.make_user("operator", unit=self.unit)

    @cached_property
    def supervisor(self):
        return factories.make_user("supervisor", unit=self.unit)

    @cached_property
    def worker(self):
        return factories.make_user("social_worker", unit=self.unit)

    def assigned_case(self):
        """A new case of its own, assigned to `worker`, for one writer's workflow steps."""
        from casework.cases.service import assign_case, open_case_from_call
        from casework.intake.records import SurvivorDetails

        call = factories.make_call(self.operator, survivor=SurvivorDetails(age=12))
        case = open_case_from_call(call, opened_by=self.operator)
        assign_case(case, self.worker, by=self.supervisor)
        db.session.flush()
        return case

    @cached_property
    def unit(self):
        return factories.make_unit("LEAK", "Leak scan unit")

    @cached_property
    def call(self):
        from casework.intake.records import SurvivorDetails

        return factories.make_call(self.operator, survivor=SurvivorDetails(age=12))

    @cached_property
    def case(self):
        from casework.cases.service import open_case_from_call

        case = open_case_from_call(self.call, opened_by=self.operator)
        db.session.flush()
        return case

    @cached_property
    def provider(self):
        from casework.referrals.service import create_provider

        admin = factories.make_user("admin", unit=self.unit)
        provider = create_provider(name="Trạm y tế xã", service_type="health",
                                   commune_code=None, contact="", by=admin)
        db.session.flush()
        return provider


Writer = Callable[[Marks, World], None]
MARKER_WRITERS: dict[str, Writer] = {}


def writes(table: str):
    """Register the marker writer of one table."""
    def register(function: Writer) -> Writer:
        MARKER_WRITERS[table] = function
        return function
    return register


@writes("users")
def _users(marks: Marks, world: World) -> None:
    user = factories.make_user("supervisor", unit=world.unit)
    user.totp_secret = marks.text("totp_secret")
    user.totp_pending_secret = marks.text("totp_pending_secret")
    user.totp_pending_at = utcnow()


@writes("calls")
def _calls(marks: Marks, world: World) -> None:
    _call_with_survivor(marks, world)


@writes("survivors")
def _survivors(marks: Marks, world: World) -> None:
    _call_with_survivor(marks, world)


def _call_with_survivor(marks: Marks, world: World) -> None:
    from casework.intake.records import SurvivorDetails

    survivor = SurvivorDetails(name=marks.text("survivor_name"), phone=marks.phone(),
                               address=marks.text("survivor_address"), age=9)
    factories.make_call(world.operator, caller_name=marks.text("caller_name"),
                        caller_phone=marks.phone(), narrative=marks.text("narrative"),
                        survivor=survivor)


@writes("survivor_detail_changes")
def _survivor_detail_changes(marks: Marks, world: World) -> None:
    """A follow-up call that changes the survivor's name, phone and address, then a
    correction with its reason: the values replaced and the reason are kept."""
    from casework.extensions import db
    from casework.intake.records import SurvivorDetails
    from casework.people.models import Survivor
    from casework.people.service import change_details

    first = factories.make_call(world.operator, survivor=SurvivorDetails(
        name=marks.text("history_old_name"), phone=marks.phone(),
        address=marks.text("history_old_address")))
    factories.make_call(world.operator, "follow_up", previous=first, survivor=SurvivorDetails(
        name=marks.text("history_new_name"), phone=marks.phone(),
        address=marks.text("history_new_address")), confirm_same_survivor=True)
    change_details(db.session.get(Survivor, first.survivor_id),
                   {"name": marks.text("history_corrected_name")}, by_id=world.supervisor.id,
                   source="correction", source_id=None, province_code=91,
                   reason=marks.text("history_reason"))


@writes("call_drafts")
def _call_drafts(marks: Marks, world: World) -> None:
    from casework.intake import service

    draft = service.start_call(world.operator, line="1800")
    service.save_draft(draft, {"caller_name": [marks.text("draft_caller_name")],
                               "caller_phone": [marks.phone()],
                               "narrative": [marks.text("draft_narrative")]},
                       service.DraftBasis(version=0, seq=1))


@writes("cases")
def _cases(marks: Marks, world: World) -> None:
    from casework.cases.service import edit_case

    case = world.case
    edit_case(case, urgency=case.urgency, summary=marks.text("case_summary"),
              by=world.supervisor)


@writes("case_notes")
def _case_notes(marks: Marks, world: World) -> None:
    from casework.cases.service import add_note

    add_note(world.case, marks.text("case_note"), by=world.supervisor)


@writes("case_tasks")
def _case_tasks(marks: Marks, world: World) -> None:
    from casework.cases.service import add_task

    add_task(world.case, marks.text("task"), date.today() + timedelta(days=3),
             by=world.supervisor)


# The case workflow's records, each written through its service function on a case of its
# own (casework.cases.lifecycle, casework.referrals.service).

@writes("case_assessments")
def _case_assessments(marks: Marks, world: World) -> None:
    from casework.cases import lifecycle

    case = world.assigned_case()
    lifecycle.record_initial_assessment(case, risk_level="high", emergency_measures=True,
                                        findings=marks.text("initial_findings"), by=world.worker)
    lifecycle.record_detailed_assessment(case, risk_level="medium", needs=["safety"],
                                         findings=marks.text("detailed_findings"),
                                         by=world.worker)


@writes("case_plans")
def _case_plans(marks: Marks, world: World) -> None:
    from casework.cases import lifecycle

    case = world.assigned_case()
    lifecycle.record_initial_assessment(case, risk_level="low", emergency_measures=False,
                                        findings="", by=world.worker)
    lifecycle.record_detailed_assessment(case, risk_level="low", needs=["education"],
                                         findings="", by=world.worker)
    lifecycle.submit_plan(case, goals=marks.text("plan_goals"),
                          review_on=date.today() + timedelta(days=30), by=world.worker)
    lifecycle.return_plan(case, comment=marks.text("plan_decision_comment"),
                          by=world.supervisor)


@writes("case_closure_requests")
def _case_closure_requests(marks: Marks, world: World) -> None:
    from casework.cases import lifecycle

    case = world.assigned_case()
    lifecycle.request_closure(case, reason="duplicate", outcome=marks.text("closure_outcome"),
                              open_referrals_note=marks.text("open_referrals_note"),
                              by=world.worker)
    lifecycle.return_closure(case, comment=marks.text("closure_decision_comment"),
                             by=world.supervisor)
    unacted = world.assigned_case()
    unacted.action_deadline_at = unacted.received_at + timedelta(hours=12)
    lifecycle.request_closure(unacted, reason="duplicate", outcome="Trùng",
                              no_emergency_action_reason=marks.text("no_emergency_reason"),
                              by=world.worker)


@writes("case_emergency_actions")
def _case_emergency_actions(marks: Marks, world: World) -> None:
    from casework.cases.emergency import record_emergency_action
    from casework.db import utcnow

    record_emergency_action(world.assigned_case(), measure="removed_to_safety",
                            details=marks.text("emergency_details"), acted_at=utcnow(),
                            by=world.worker)


@writes("referrals")
def _referrals(marks: Marks, world: World) -> None:
    from casework.referrals import service

    case = world.assigned_case()
    referral = service.propose_referral(case, world.provider,
                                        reason=marks.text("referral_reason"), by=world.worker)
    service.record_consent(case, referral, survivor_consent=False, representative_consent=True,
                           by=world.worker)
    service.send_with_emergency_override(case, referral, reason=marks.text("override_reason"),
                                         by=world.supervisor)
    service.record_response(case, referral, accepted=True, by=world.worker)
    service.complete_referral(case, referral, outcome=marks.text("referral_outcome"),
                              by=world.worker)


@writes("services_delivered")
def _services_delivered(marks: Marks, world: World) -> None:
    from casework.referrals.service import record_service

    record_service(world.assigned_case(), service_type="psychosocial",
                   delivered_on=date.today(), provider=world.provider, referral=None,
                   note=marks.text("service_note"), by=world.worker)
