"""The case pages through HTTP: a case from assignment to closure and reopening, bad input,
the edit conflict, and the audit of every opening of a case file."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from casework.audit.models import AuditEntry
from casework.cases.models import Case
from casework.cases.schedule import local_today
from casework.referrals import service as referrals
from tests.cases.builders import make_case
from tests.cases.clients import signed_in, version_in


@pytest.fixture
def team(app, db_session, make_user):
    users = {"operator": make_user("operator"), "worker": make_user("social_worker"),
             "supervisor": make_user("supervisor")}
    return users, {role: signed_in(app, db_session, user) for role, user in users.items()}


def _post(client, path, data, case):
    return client.post(path, data={"version": str(case.version), **data})


def _views(db_session, case) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "case_view", AuditEntry.object_id == case.id))


def test_a_case_goes_from_assignment_to_closure_and_back(team, db_session):
    users, browsers = team
    worker, supervisor = browsers["worker"], browsers["supervisor"]
    case = make_case(users["operator"], age=11, urgency="urgent")
    db_session.commit()
    base = f"/cases/{case.id}"
    assert worker.get(base).status_code == 404  # not yet assigned to them
    assert _post(supervisor, f"{base}/assign", {"worker": str(users["worker"].id)},
                 case).status_code == 302
    assert case.status == "initial_assessment" and case.assigned_to_id == users["worker"].id
    steps = [
        (f"{base}/assessment/initial", {"risk_level": "high", "emergency_measures": "y",
                                        "findings": "Trẻ bị đánh"}),
        (f"{base}/assessment/detailed", {"risk_level": "medium", "needs": ["safety", "health"]}),
        (f"{base}/plan", {"goals": "Đưa trẻ đến nơi an toàn",
                          "review_on": (local_today() + timedelta(days=14)).isoformat()}),
    ]
    for path, data in steps:
        assert _post(worker, path, data, case).status_code == 302, path
    assert case.emergency_action_at is not None and case.plan_submitted_at is not None
    assert _post(supervisor, f"{base}/plan/decision", {"decision": "approve"},
                 case).status_code == 302
    assert case.status == "in_support"
    _refer_and_serve(users, worker, case)
    assert _post(worker, f"{base}/review", {}, case).status_code == 302
    assert _post(worker, f"{base}/closure", {"reason": "goals_met", "outcome": "An toàn"},
                 case).status_code == 302
    assert _post(supervisor, f"{base}/closure/decision", {"decision": "approve"},
                 case).status_code == 302
    assert case.status == "closed" and case.closure_reason == "goals_met"
    assert _post(supervisor, f"{base}/reopen", {"reason": "Tái diễn"}, case).status_code == 302
    assert case.status == "initial_assessment"
    page = supervisor.get(base).text
    assert "Tái diễn" in page and 'id="audit-trail"' in page


def _refer_and_serve(users, worker, case):
    provider = referrals.create_provider(name="Trạm y tế xã", service_type="health",
                                         commune_code=None, contact="", by=users["supervisor"])
    base = f"/cases/{case.id}"
    response = worker.post(f"{base}/referrals/new", data={"provider_id": str(provider.id),
                                                          "reason": "Khám thương tích"})
    assert response.status_code == 302
    referral_page = response.headers["Location"]
    for step, data in (("consent", {"survivor_consent": "yes", "representative_consent": "yes"}),
                       ("send", {}), ("response", {"response": "accept"}),
                       ("complete", {"outcome": "Đã khám"})):
        version = version_in(worker.get(referral_page).text)
        answer = worker.post(f"{referral_page}/{step}", data={"version": version, **data})
        assert answer.status_code == 302, (step, answer.text[:2000])
    assert 'data-status="completed"' in worker.get(referral_page).text
    response = worker.post(f"{base}/services/new", data={
        "service_type": "health", "delivered_on": local_today().strftime("%d/%m/%Y"),
        "provider_id": str(provider.id), "referral_id": "", "note": "Khám miễn phí"})
    assert response.status_code == 302


def test_every_opening_of_a_case_file_is_audited(team, db_session):
    users, browsers = team
    case = make_case(users["operator"])
    db_session.commit()
    before = _views(db_session, case)
    assert browsers["supervisor"].get(f"/cases/{case.id}").status_code == 200
    assert browsers["operator"].get(f"/cases/{case.id}").status_code == 200
    assert _views(db_session, case) == before + 2


def test_the_operator_sees_only_the_intake_part(team, db_session):
    users, browsers = team
    case = make_case(users["operator"])
    db_session.commit()
    page = browsers["operator"].get(f"/cases/{case.id}").text
    assert 'id="survivor-facts"' in page and "Nguyễn Thị Hoa" in page
    assert 'id="timeline"' not in page and 'id="case-actions"' not in page


def test_bad_input_is_explained_next_to_the_field_and_kept(team, db_session):
    users, browsers = team
    case = make_case(users["operator"], age=9)
    db_session.commit()
    _post(browsers["supervisor"], f"/cases/{case.id}/assign",
          {"worker": str(users["worker"].id)}, case)
    _post(browsers["worker"], f"/cases/{case.id}/assessment/initial", {"risk_level": "low"},
          case)
    _post(browsers["worker"], f"/cases/{case.id}/assessment/detailed",
          {"risk_level": "low", "needs": ["education"]}, case)
    response = _post(browsers["worker"], f"/cases/{case.id}/plan",
                     {"goals": "Mục tiêu giữ nguyên", "review_on": "31/02/2026"}, case)
    assert response.status_code == 200
    assert "Mục tiêu giữ nguyên" in response.text and 'value="31/02/2026"' in response.text
    assert 'id="review_on-error"' in response.text
    past = _post(browsers["worker"], f"/cases/{case.id}/plan",
                 {"goals": "Mục tiêu", "review_on": "2001-01-01"}, case)
    assert 'id="review_on-error"' in past.text and case.status == "plan"
    unknown = _post(browsers["worker"], f"/cases/{case.id}/assessment/detailed",
                    {"risk_level": "apocalyptic"}, case)
    assert unknown.status_code == 200


def test_a_stale_edit_shows_what_changed_and_keeps_the_input(team, db_session):
    users, browsers = team
    case = make_case(users["operator"])
    db_session.commit()
    _post(browsers["supervisor"], f"/cases/{case.id}/assign",
          {"worker": str(users["worker"].id)}, case)
    form = browsers["worker"].get(f"/cases/{case.id}/edit").text
    seen = version_in(form)
    assert _post(browsers["supervisor"], f"/cases/{case.id}/edit",
                 {"urgency": "immediate", "summary": "Cha dọa giết"}, case).status_code == 302
    stale = browsers["worker"].post(f"/cases/{case.id}/edit", data={
        "version": seen, "urgency": "routine", "summary": "Đã an toàn ở nhà bà"})
    assert stale.status_code == 200 and 'id="conflict"' in stale.text
    assert "Cha dọa giết" in stale.text  # what is saved now
    assert "Đã an toàn ở nhà bà" in stale.text  # what the worker typed, kept
    assert users["supervisor"].display_name in stale.text
    assert db_session.get(Case, case.id).urgency == "immediate"
    again = browsers["worker"].post(f"/cases/{case.id}/edit", data={
        "version": version_in(stale.text), "urgency": "routine",
        "summary": "Đã an toàn ở nhà bà"})
    assert again.status_code == 302 and case.urgency == "routine"


def test_a_malformed_version_counts_as_stale(team, db_session):
    users, browsers = team
    case = make_case(users["operator"])
    db_session.commit()
    response = browsers["supervisor"].post(f"/cases/{case.id}/assign", data={
        "version": "x1", "worker": str(users["worker"].id)})
    assert response.status_code == 200 and 'id="conflict"' in response.text
    assert case.assigned_to_id is None


def test_absurd_dates_and_versions_are_refused_without_an_error_page(team, db_session):
    users, browsers = team
    case = make_case(users["operator"])
    db_session.commit()
    worker, supervisor = browsers["worker"], browsers["supervisor"]
    _post(supervisor, f"/cases/{case.id}/assign", {"worker": str(users["worker"].id)}, case)
    far = worker.post(f"/cases/{case.id}/tasks", data={"description": "Gọi lại",
                                                       "due_on": "9999-12-31"})
    assert far.status_code == 200 and 'id="due_on-error"' in far.text
    huge = worker.post(f"/cases/{case.id}/assessment/initial",
                       data={"version": "9" * 40, "risk_level": "low"})
    assert huge.status_code == 200 and 'id="conflict"' in huge.text


def test_a_forged_choice_is_refused_in_the_users_language(team, db_session):
    users, browsers = team
    case = make_case(users["operator"])
    db_session.commit()
    forged = _post(browsers["supervisor"], f"/cases/{case.id}/plan/decision",
                   {"decision": "maybe"}, case)
    assert forged.status_code == 200
    assert "Hãy chọn một trong các lựa chọn có sẵn." in forged.text
