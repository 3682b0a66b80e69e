"""Referrals: no referral leaves without the consent DOMAIN.md requires, unless a supervisor
records an emergency override with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from casework.audit import entries_for
from casework.cases import service as cases
from casework.cases.changes import CaseError, NotAllowedError
from casework.cases.schedule import local_today
from casework.referrals import service
from casework.referrals.service import ReferralConflictError
from tests.cases.builders import make_case


@pytest.fixture
def team(make_user):
    operator = make_user("operator")
    return {"operator": operator, "worker": make_user("social_worker"),
            "supervisor": make_user("supervisor")}


@pytest.fixture
def provider(team, db_session):
    return service.create_provider(name="Bệnh viện Đa khoa tỉnh", service_type="health",
                                   commune_code=None, contact="0296 3852 989",
                                   by=team["supervisor"])


def referral_for(team, provider, age):
    case = make_case(team["operator"], age=age, line="1800" if age and age >= 16 else "111")
    cases.assign_case(case, team["worker"], by=team["supervisor"])
    return case, service.propose_referral(case, provider, reason="khám", by=team["worker"])


@pytest.mark.parametrize("age, rule", [(34, "adult"), (17, "adult"), (6, "child_under_7"),
                                       (7, "child_7_plus"), (15, "child_7_plus"),
                                       (None, "child_7_plus")])
def test_the_consent_rule_follows_the_survivors_age(team, provider, db_session, age, rule):
    _case, referral = referral_for(team, provider, age)
    assert referral.consent_rule == rule


def test_an_adult_who_consents_can_be_referred(team, provider, db_session):
    case, referral = referral_for(team, provider, 34)
    service.record_consent(case, referral, survivor_consent=True, representative_consent=None,
                           by=team["worker"])
    service.send_referral(case, referral, by=team["worker"])
    assert referral.status == "sent" and referral.sent_at is not None


def test_a_child_under_seven_needs_the_legal_representative(team, provider, db_session):
    case, referral = referral_for(team, provider, 5)
    with pytest.raises(CaseError) as refused:
        service.record_consent(case, referral, survivor_consent=True,
                               representative_consent=None, by=team["worker"])
    assert refused.value.field == "representative_consent"
    service.record_consent(case, referral, survivor_consent=None, representative_consent=True,
                           by=team["worker"])
    service.send_referral(case, referral, by=team["worker"])
    assert referral.status == "sent"


@pytest.mark.parametrize("child, representative", [(True, False), (False, True),
                                                    (False, False)])
def test_a_child_of_seven_or_more_and_the_representative_must_both_agree(
        team, provider, db_session, child, representative):
    case, referral = referral_for(team, provider, 12)
    service.record_consent(case, referral, survivor_consent=child,
                           representative_consent=representative, by=team["worker"])
    assert referral.status == "consent_refused" and referral.consent_given_at is None
    with pytest.raises(CaseError):
        service.send_referral(case, referral, by=team["worker"])


def test_a_child_of_seven_or_more_needs_both_answers_recorded(team, provider, db_session):
    case, referral = referral_for(team, provider, 9)
    with pytest.raises(CaseError) as refused:
        service.record_consent(case, referral, survivor_consent=True,
                               representative_consent=None, by=team["worker"])
    assert refused.value.field == "representative_consent"
    assert referral.status == "proposed"


def test_nothing_is_sent_before_consent_is_recorded(team, provider, db_session):
    case, referral = referral_for(team, provider, 30)
    with pytest.raises(CaseError):
        service.send_referral(case, referral, by=team["worker"])
    assert referral.status == "proposed"


def test_the_database_refuses_a_sent_referral_without_consent_or_override(
        team, provider, db_session):
    _case, referral = referral_for(team, provider, 30)
    db_session.flush()
    with pytest.raises(sa.exc.IntegrityError):
        with db_session.begin_nested():
            referral.status = "sent"
            db_session.flush()


def test_only_a_supervisor_may_override_and_only_with_a_reason(team, provider, db_session):
    case, referral = referral_for(team, provider, 12)
    service.record_consent(case, referral, survivor_consent=False, representative_consent=False,
                           by=team["worker"])
    with pytest.raises(NotAllowedError):
        service.send_with_emergency_override(case, referral, reason="nguy hiểm",
                                             by=team["worker"])
    with pytest.raises(CaseError) as refused:
        service.send_with_emergency_override(case, referral, reason="  ", by=team["supervisor"])
    assert refused.value.field == "reason"
    service.send_with_emergency_override(case, referral, reason="Trẻ đang gặp nguy hiểm",
                                         by=team["supervisor"])
    assert referral.status == "sent" and referral.override_by_id == team["supervisor"].id
    actions = [entry.action for entry in entries_for(referral.id)]
    assert actions == ["referral_propose", "referral_consent_refused", "referral_override"]


def test_a_referral_goes_from_sent_to_accepted_to_completed(team, provider, db_session):
    case, referral = referral_for(team, provider, 30)
    service.record_consent(case, referral, survivor_consent=True, representative_consent=None,
                           by=team["worker"])
    service.send_referral(case, referral, by=team["worker"])
    with pytest.raises(CaseError):
        service.complete_referral(case, referral, outcome="xong", by=team["worker"])
    service.record_response(case, referral, accepted=True, by=team["worker"])
    service.complete_referral(case, referral, outcome="Đã khám", by=team["worker"])
    assert referral.status == "completed" and referral.completed_at is not None


def test_a_stale_referral_form_is_refused(team, provider, db_session):
    case, referral = referral_for(team, provider, 30)
    seen = referral.version
    service.record_consent(case, referral, survivor_consent=True, representative_consent=None,
                           by=team["supervisor"])
    with pytest.raises(ReferralConflictError):
        service.send_referral(case, referral, by=team["worker"], seen_version=seen)
    service.send_referral(case, referral, by=team["worker"], seen_version=referral.version)


def test_a_service_delivered_is_recorded_for_the_case(team, provider, db_session):
    case, referral = referral_for(team, provider, 30)
    delivery = service.record_service(case, service_type="health", delivered_on=local_today(),
                                      provider=provider, referral=referral, note="",
                                      by=team["worker"])
    assert delivery.case_id == case.id and delivery.referral_id == referral.id
    with pytest.raises(CaseError) as refused:
        service.record_service(case, service_type="health",
                               delivered_on=local_today() + timedelta(days=1), provider=None,
                               referral=None, note="", by=team["worker"])
    assert refused.value.field == "delivered_on"
    other_case, _ = referral_for(team, provider, 40)
    with pytest.raises(CaseError):
        service.record_service(other_case, service_type="shelter", delivered_on=local_today(),
                               provider=None, referral=referral, note="", by=team["worker"])


def test_the_directory_accepts_only_listed_service_types(team, db_session):
    with pytest.raises(CaseError) as refused:
        service.create_provider(name="X", service_type="no_contact_order", commune_code=None,
                                contact="", by=team["supervisor"])
    assert refused.value.field == "service_type"
