"""The demo's cases: opened from the demo's calls, in every status, with referrals and services.

Most are built as rows with realistic timing (casework.cases.synthetic); a few are then
moved on through the service functions, so that a plan and a closure wait for the
supervisor's approval when the demo starts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases import lifecycle
from casework.cases.emergency import record_emergency_action
from casework.cases.models import Case, CaseCall
from casework.cases.schedule import local_today
from casework.cases.seeding import insert_cases
from casework.cases.synthetic import CaseSource
from casework.db import utcnow
from casework.extensions import db
from casework.intake.models import Call
from casework.people.models import Survivor

# From the most recent report to the oldest: the stage each demo case has reached.
DEMO_STAGES = ("new", "new", "initial_assessment", "initial_assessment", "detailed_assessment",
               "plan", "plan", "in_support", "in_support", "in_support", "review", "review",
               "closed", "closed", "closed", "closed")


def seed_demo_cases(progress: Callable[[str], None]) -> None:
    """Demo seeder: cases in every status, a plan and a closure awaiting approval, a returned
    plan and an emergency action recorded on an urgent child case."""
    calls = db.session.execute(
        sa.select(Call, Survivor).join(Survivor, Survivor.id == Call.survivor_id)
        .where(Call.call_type.in_(("about_self", "about_other")),
               ~Call.id.in_(sa.select(CaseCall.call_id)))
        .order_by(Call.started_at.desc()).limit(len(DEMO_STAGES))
    ).all()
    sources = [(_source(call, survivor), stage)
               for (call, survivor), stage in zip(calls, DEMO_STAGES)]
    count = insert_cases(sources, random.Random(2026))
    db.session.flush()
    _awaiting_approval()
    _returned_plan()
    _emergency_action()
    progress(f"{count} cases in every status, with referrals and services")


def _source(call: Call, survivor: Survivor) -> CaseSource:
    return CaseSource(call_id=call.id, started_at=call.started_at, operator_id=call.operator_id,
                      unit_id=call.unit_id, urgency=call.urgency or "routine", line=call.line,
                      survivor_id=survivor.id, survivor_age=survivor.age,
                      survivor_is_child=survivor.is_child_vn)


def _awaiting_approval() -> None:
    """Submit one plan and request one closure, as the assigned social worker."""
    for status, act in (("plan", _submit_plan), ("review", _request_closure)):
        case = db.session.scalar(sa.select(Case).where(Case.status == status)
                                 .order_by(Case.opened_at).limit(1))
        worker = db.session.get(User, case.assigned_to_id) if case else None
        if worker is not None and worker.role == Role.SOCIAL_WORKER:
            act(case, worker)


def _returned_plan() -> None:
    """A plan the supervisor sent back with a comment, for the social worker to revise."""
    case = db.session.scalar(sa.select(Case).where(Case.status == "plan")
                             .order_by(Case.opened_at.desc()).limit(1))
    if case is None or lifecycle.pending_plan(case) is not None or case.assigned_to_id is None:
        return
    supervisor = db.session.scalar(sa.select(User).where(
        User.role == Role.SUPERVISOR.value, User.unit_id == case.unit_id).limit(1))
    worker = db.session.get(User, case.assigned_to_id)
    if supervisor is None or worker.role != Role.SOCIAL_WORKER:
        return
    lifecycle.submit_plan(case, goals="Tư vấn tâm lý cho trẻ; làm việc với gia đình.",
                          review_on=local_today() + timedelta(days=21), by=worker)
    lifecycle.return_plan(case, comment="Ghi rõ ai đưa trẻ đi khám sức khỏe, khi nào; thêm "
                          "lịch thăm gia đình.", by=supervisor)


def _emergency_action() -> None:
    """An emergency measure recorded on an urgent child case (the first one stops its clock)."""
    candidates = db.session.scalars(sa.select(Case).where(
        Case.status.in_(("initial_assessment", "detailed_assessment", "plan", "in_support")),
        Case.action_deadline_at.is_not(None), Case.assigned_to_id.is_not(None))
        .order_by(Case.emergency_action_at.is_not(None), Case.opened_at.desc()))
    for case in candidates:
        worker = db.session.get(User, case.assigned_to_id)
        acted_at = min(case.received_at + timedelta(hours=3), utcnow())
        record_emergency_action(case, measure="removed_to_safety", acted_at=acted_at,
                                details="Cán bộ xã cùng công an xã đưa trẻ đến nhà bà ngoại, "
                                "tách khỏi người gây tổn hại.", by=worker)
        return


def _submit_plan(case: Case, worker: User) -> None:
    lifecycle.submit_plan(case, goals="Bảo đảm an toàn cho trẻ; khám sức khỏe; tư vấn tâm lý "
                          "hằng tuần; thăm gia đình hai tuần một lần.",
                          review_on=local_today() + timedelta(days=30), by=worker)


def _request_closure(case: Case, worker: User) -> None:
    lifecycle.request_closure(case, reason="safe_stable",
                              outcome="Người bị hại đã an toàn, gia đình ổn định, được Hội Phụ "
                              "nữ xã tiếp tục theo dõi.",
                              open_referrals_note="Hội Phụ nữ xã tiếp tục theo dõi.", by=worker)
