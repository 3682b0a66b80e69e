"""Opening a case from a call, attaching follow-up calls, and the repeat-caller lookup."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from casework.audit import entries_for
from casework.cases import service
from casework.cases.changes import CaseError
from casework.cases.models import CaseCall, CaseEvent
from tests.cases.builders import make_call, make_case, make_survivor
from tests.factories import make_unit

CODE = re.compile(r"^AG-\d{4}-\d{6}$")


@pytest.fixture
def operator(make_user):
    return make_user("operator")


def test_a_case_opened_from_a_call_gets_a_code_without_personal_data(operator, db_session):
    first = make_case(operator)
    second = make_case(operator)
    assert CODE.match(first.code) and CODE.match(second.code)
    assert int(second.code[-6:]) == int(first.code[-6:]) + 1
    assert first.status == "new" and first.version == 1 and first.opened_by_id == operator.id
    assert first.unit_id == operator.unit_id


def test_the_case_keeps_its_call_and_records_the_opening(operator, db_session):
    survivor = make_survivor(30)
    call = make_call(operator, survivor=survivor, line="1800")
    case = service.open_case_from_call(call, opened_by=operator)
    db_session.flush()
    assert case.survivor_id == survivor.id and case.received_at == call.started_at
    assert db_session.get(CaseCall, (case.id, call.id)) is not None
    assert [entry.action for entry in entries_for(case.id)] == ["case_open"]
    assert [event.action for event in db_session.query(CaseEvent).filter_by(case_id=case.id)] \
        == ["case_open"]


def test_an_urgent_child_case_has_twelve_hours_for_emergency_action(operator, db_session):
    case = make_case(operator, age=9, urgency="urgent")
    assert case.is_child
    assert case.action_deadline_at - case.received_at == timedelta(hours=12)
    assert case.plan_due_at > case.received_at + timedelta(days=5)
    assert case.next_due_at == case.action_deadline_at


def test_an_adult_case_has_no_child_deadlines(operator, db_session):
    case = make_case(operator, age=34, urgency="immediate", line="1800")
    assert not case.is_child
    assert case.action_deadline_at is None and case.plan_due_at is None
    assert case.next_due_at is None


def test_a_child_of_unknown_age_on_the_111_line_counts_as_a_child(operator, db_session):
    assert make_case(operator, age=None, line="111").is_child
    assert not make_case(operator, age=None, line="1800").is_child


def test_a_non_data_call_cannot_open_a_case(operator, db_session):
    call = make_call(operator, call_type="silent", is_data_call=False)
    with pytest.raises(CaseError):
        service.open_case_from_call(call, opened_by=operator)


def test_a_call_opens_at_most_one_case(operator, db_session):
    call = make_call(operator, survivor=make_survivor())
    service.open_case_from_call(call, opened_by=operator)
    with pytest.raises(CaseError):
        service.open_case_from_call(call, opened_by=operator)


def test_a_more_urgent_follow_up_call_raises_the_case_urgency(operator, db_session):
    case = make_case(operator, age=10, urgency="routine")
    follow_up = make_call(operator, survivor=None, urgency="immediate", call_type="follow_up")
    service.attach_call_to_case(follow_up, case, by=operator)
    db_session.flush()
    assert case.urgency == "immediate" and case.version == 2
    assert case.action_deadline_at == follow_up.started_at + timedelta(hours=12)
    assert service.case_of_call(follow_up) == case
    assert [entry.action for entry in entries_for(case.id)] == ["case_open", "call_attach"]


def test_a_routine_follow_up_leaves_the_case_as_it_was(operator, db_session):
    case = make_case(operator, urgency="urgent")
    service.attach_call_to_case(make_call(operator, urgency="routine"), case, by=operator)
    assert case.urgency == "urgent" and case.version == 1


def test_a_call_cannot_join_a_closed_case_or_two_cases(operator, db_session):
    case, other = make_case(operator), make_case(operator)
    call = make_call(operator)
    service.attach_call_to_case(call, case, by=operator)
    with pytest.raises(CaseError):
        service.attach_call_to_case(call, other, by=operator)
    other.status = "closed"
    with pytest.raises(CaseError):
        service.attach_call_to_case(make_call(operator), other, by=operator)


def test_open_cases_of_a_survivor_are_listed_for_those_who_may_link_them(
        operator, make_user, db_session):
    case = make_case(operator)
    worker, stranger = make_user("social_worker"), make_user("social_worker")
    colleague, board = make_user("operator"), make_user("board")
    case.assigned_to_id = worker.id
    ids = [case.survivor_id]
    assert service.open_cases_for_survivors(ids, worker) == [case]
    assert service.open_cases_for_survivors(ids, stranger) == []
    assert service.open_cases_for_survivors(ids, colleague) == [case]  # same unit, to link
    assert service.open_cases_for_survivors(ids, board) == []
    case.status = "closed"
    assert service.open_cases_for_survivors(ids, worker) == []


def test_an_operator_may_link_a_follow_up_to_an_open_case_of_the_unit_after_handover(
        operator, make_user, db_session):
    case = make_case(operator)
    case.assigned_to_id = make_user("social_worker").id
    colleague = make_user("operator")
    assert service.find_linkable_case(case.id, colleague) == case
    assert service.find_linkable_case(case.id, make_user("operator", unit=make_unit("B", "B"))) \
        is None
    case.status = "closed"
    assert service.find_linkable_case(case.id, colleague) is None
