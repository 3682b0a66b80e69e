"""Synthetic cases: the demo has cases in every status; `casework seed` opens a realistic
share of its calls as cases; both leave a consistent history and an intact audit chain."""

from __future__ import annotations

import sqlalchemy as sa

from casework.audit.service import verify_chain
from casework.cases.codes import CASE_STATUS
from casework.cases.demo import seed_demo_cases
from casework.cases.models import (
    Case,
    CaseCall,
    CaseEvent,
    ClosureRequest,
    EmergencyAction,
    Plan,
)
from casework.cases.seeding import cases_for_batch, register_seed_hook
from casework.demo import seed_accounts
from casework.intake import seeding as intake_seeding
from casework.intake.models import Call
from casework.referrals.models import Referral, ServiceDelivery


def _count(db_session, model, *where) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_the_demo_has_cases_in_every_status_and_approvals_waiting(app, db_session, keyring):
    seed_accounts(lambda _message: None)
    intake_seeding.seed_calls(400, days=90, seed=2026)
    seed_demo_cases(lambda _message: None)
    statuses = set(db_session.scalars(sa.select(Case.status)))
    assert statuses == set(CASE_STATUS.codes)
    assert _count(db_session, Plan, Plan.status == "submitted") == 1
    assert _count(db_session, ClosureRequest, ClosureRequest.status == "submitted") == 1
    assert _count(db_session, Plan, Plan.status == "returned") >= 1
    assert _count(db_session, EmergencyAction) >= 1
    assert _count(db_session, Referral) > 0 and _count(db_session, ServiceDelivery) > 0
    closed = db_session.scalars(sa.select(Case).where(Case.status == "closed")).all()
    assert all(case.closure_reason and case.closed_at for case in closed)
    assert verify_chain(keyring).ok


def test_seeded_calls_open_a_realistic_share_of_cases(app, db_session, keyring, monkeypatch):
    monkeypatch.setattr(intake_seeding, "AFTER_BATCH", [])
    register_seed_hook()
    assert intake_seeding.AFTER_BATCH == [cases_for_batch]
    result = intake_seeding.seed_calls(6000, batch_size=2000, days=365, seed=11)
    cases = db_session.scalars(sa.select(Case)).all()
    assert 0.001 * result.calls <= len(cases) <= 0.01 * result.calls
    assert _count(db_session, CaseCall) == len(cases)
    report_calls = sa.select(CaseCall.call_id).join(Call, Call.id == CaseCall.call_id).where(
        Call.call_type.in_(("about_self", "about_other", "follow_up")))
    assert len(db_session.execute(report_calls).all()) == len(cases)
    for case in cases:
        events = db_session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                    .order_by(CaseEvent.version, CaseEvent.at)).all()
        assert events[0].action == "case_open" and events[-1].to_status == case.status
        assert all(event.actor_id for event in events), [e.action for e in events]
        assert max(event.version for event in events) == case.version
        assert all(a.at <= b.at for a, b in zip(events, events[1:]))
        assert (case.assigned_to_id is None) == (case.status == "new")
    assert verify_chain(keyring).ok
