"""Rules of closing and reopening a case, and of the edit conflict."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casework.cases import lifecycle, service
from casework.cases.changes import CaseError, EditConflictError
from casework.cases.models import Case, CaseNote
from casework.cases.schedule import local_today
from casework.crypto import reveal
from casework.extensions import db
from casework.referrals import service as referrals
from tests.audit.chain_copies import instance_app
from tests.cases.builders import make_case
from tests.factories import make_user


@pytest.fixture
def team(make_user):
    return {"operator": make_user("operator"), "worker": make_user("social_worker"),
            "supervisor": make_user("supervisor")}


@pytest.fixture
def case_in_review(team, db_session):
    case = make_case(team["operator"], age=10, urgency="urgent")
    worker, supervisor = team["worker"], team["supervisor"]
    service.assign_case(case, worker, by=supervisor)
    lifecycle.record_initial_assessment(case, risk_level="high", emergency_measures=True,
                                        findings="", by=worker)
    lifecycle.record_detailed_assessment(case, risk_level="medium", needs=["safety"],
                                         findings="", by=worker)
    lifecycle.submit_plan(case, goals="An toàn", review_on=local_today() + timedelta(days=20),
                          by=worker)
    lifecycle.approve_plan(case, by=supervisor)
    lifecycle.start_review(case, by=worker)
    return case


def test_closing_needs_a_reason_and_an_outcome(team, case_in_review):
    with pytest.raises(CaseError) as no_reason:
        lifecycle.request_closure(case_in_review, reason="", outcome="x", by=team["worker"])
    with pytest.raises(CaseError) as no_outcome:
        lifecycle.request_closure(case_in_review, reason="goals_met", outcome=" ",
                                  by=team["worker"])
    assert (no_reason.value.field, no_outcome.value.field) == ("reason", "outcome")


def test_an_open_referral_needs_a_note_before_closing(team, case_in_review):
    provider = referrals.create_provider(name="Hội LHPN xã", service_type="womens_union",
                                         commune_code=None, contact="", by=team["supervisor"])
    referrals.propose_referral(case_in_review, provider, reason="", by=team["worker"])
    with pytest.raises(CaseError) as refused:
        lifecycle.request_closure(case_in_review, reason="goals_met", outcome="Ổn định",
                                  by=team["worker"])
    assert refused.value.field == "open_referrals_note"
    lifecycle.request_closure(case_in_review, reason="goals_met", outcome="Ổn định",
                              open_referrals_note="Hội tiếp tục theo dõi", by=team["worker"])


def test_safe_and_stable_needs_a_review_but_duplicate_closes_at_any_stage(team, db_session):
    case = make_case(team["operator"])
    service.assign_case(case, team["worker"], by=team["supervisor"])
    with pytest.raises(CaseError) as refused:
        lifecycle.request_closure(case, reason="safe_stable", outcome="x", by=team["worker"])
    assert refused.value.field == "reason"
    lifecycle.request_closure(case, reason="duplicate", outcome="Trùng", by=team["worker"])
    lifecycle.approve_closure(case, by=team["supervisor"])
    assert case.status == "closed" and case.closure_reason == "duplicate"
    assert case.closed_at is not None and case.next_due_at is None


def test_a_returned_closure_keeps_the_case_open_with_the_comment(team, case_in_review):
    lifecycle.request_closure(case_in_review, reason="safe_stable", outcome="Ổn",
                              by=team["worker"])
    with pytest.raises(CaseError):
        lifecycle.replan(case_in_review, by=team["worker"])  # frozen while closure waits
    request = lifecycle.return_closure(case_in_review, comment="Cần thăm gia đình thêm",
                                       by=team["supervisor"])
    assert case_in_review.status == "review" and request.status == "returned"
    assert reveal(request, "decision_comment") == "Cần thăm gia đình thêm"
    lifecycle.replan(case_in_review, by=team["worker"])


def test_reopening_keeps_the_reason_as_a_note(team, case_in_review, db_session):
    lifecycle.request_closure(case_in_review, reason="goals_met", outcome="Ổn",
                              by=team["worker"])
    lifecycle.approve_closure(case_in_review, by=team["supervisor"])
    with pytest.raises(CaseError):
        lifecycle.reopen_case(case_in_review, reason="", by=team["supervisor"])
    lifecycle.reopen_case(case_in_review, reason="Bạo lực tái diễn", by=team["supervisor"])
    assert case_in_review.status == "initial_assessment"
    assert case_in_review.closed_at is None and case_in_review.closure_reason is None
    note = db_session.query(CaseNote).filter_by(case_id=case_in_review.id, kind="reopen").one()
    assert reveal(note, "body") == "Bạo lực tái diễn"


def test_the_first_plan_times_the_deadline_indicator(team, db_session):
    case = make_case(team["operator"], age=8)
    worker = team["worker"]
    service.assign_case(case, worker, by=team["supervisor"])
    lifecycle.record_initial_assessment(case, risk_level="low", emergency_measures=False,
                                        findings="", by=worker)
    lifecycle.record_detailed_assessment(case, risk_level="low", needs=["education"],
                                         findings="", by=worker)
    assert case.next_due_at == case.plan_due_at
    lifecycle.submit_plan(case, goals="g", review_on=local_today() + timedelta(days=9),
                          by=worker)
    first = case.plan_submitted_at
    lifecycle.return_plan(case, comment="Thêm mục tiêu", by=team["supervisor"])
    lifecycle.submit_plan(case, goals="g2", review_on=local_today() + timedelta(days=9),
                          by=worker)
    assert case.plan_submitted_at == first
    assert case.next_due_at is None  # plan in, no emergency clock for a routine case


def test_a_save_from_an_older_version_is_refused_and_nothing_changes(team, db_session):
    case = make_case(team["operator"])
    service.assign_case(case, team["worker"], by=team["supervisor"])
    seen = case.version
    service.edit_case(case, urgency="urgent", summary="Bố say rượu", by=team["supervisor"],
                      seen_version=seen)
    with pytest.raises(EditConflictError) as conflict:
        service.edit_case(case, urgency="routine", summary="Khác", by=team["worker"],
                          seen_version=seen)
    assert conflict.value.seen_version == seen
    assert case.urgency == "urgent" and reveal(case, "summary") == "Bố say rượu"
    assert case.version == seen + 1


def test_two_sessions_saving_the_same_version_cannot_both_win(fresh_instance):
    """The version is also checked by the database: the second UPDATE finds no row."""
    application = instance_app(fresh_instance)
    with application.app_context():
        case_id = make_case(make_user("operator")).id
        db.session.commit()
        first, second = (Session(db.engine, expire_on_commit=False) for _ in range(2))
        try:
            theirs = second.get(Case, case_id)
            second.commit()  # both read version 1; neither holds a transaction open
            mine = first.get(Case, case_id)
            mine.version, mine.urgency = mine.version + 1, "urgent"
            first.commit()
            theirs.version, theirs.urgency = theirs.version + 1, "immediate"
            with pytest.raises(StaleDataError):
                second.commit()
        finally:
            first.close()
            second.close()
            db.session.remove()
            db.engine.dispose()


def test_adding_a_task_never_conflicts_with_a_save_made_meanwhile(team, db_session):
    """The next deadline is derived data: it is updated without the version check."""
    from sqlalchemy.orm.attributes import set_committed_value

    case = make_case(team["operator"], age=10)
    service.assign_case(case, team["worker"], by=team["supervisor"])
    db_session.flush()
    set_committed_value(case, "version", case.version - 1)  # loaded before the assignment
    task = service.add_task(case, "Thăm nhà", local_today() + timedelta(days=1),
                            by=team["worker"])
    db_session.flush()
    db_session.expire(case)
    assert case.next_due_at is not None and case.version == 2
    assert task.case_id == case.id
