"""Every call type is logged: non-data calls in one action, data calls through the form."""

import uuid

import pytest
import sqlalchemy as sa

from casework import taxonomy
from casework.audit.models import AuditEntry
from casework.crypto import reveal
from casework.intake.models import Call, CallDraft
from casework.people.models import Survivor
from tests.intake.conftest import draft_at, valid_form


def call_at(url: str) -> Call | None:
    from casework.extensions import db

    return db.session.get(Call, uuid.UUID(url.rstrip("/").rsplit("/", 1)[-1]))


@pytest.mark.parametrize("call_type", sorted(taxonomy.NON_DATA_CALL_TYPES))
def test_a_non_data_call_is_logged_with_one_action_after_the_start(
        client, operator, start_call, db_session, call_type):
    url = start_call("111")
    started_at = draft_at(url).started_at
    response = client.post(f"{url}/close", data={"call_type": call_type})
    assert response.status_code == 302 and response.headers["Location"].endswith("/calls/desk")
    call = call_at(url)
    assert call.call_type == call_type and not call.is_data_call
    assert call.started_at == started_at and call.ended_at >= call.started_at
    assert call.duration_seconds == int((call.ended_at - call.started_at).total_seconds())
    assert call.operator_id == operator.id and call.unit_id == operator.unit_id
    assert call.chi_category == "non_counselling" and call.survivor_id is None
    assert draft_at(url) is None


def test_a_data_call_type_cannot_be_logged_as_a_non_data_call(client, operator, start_call):
    url = start_call()
    assert client.post(f"{url}/close", data={"call_type": "about_self"}).status_code == 400
    assert draft_at(url) is not None


@pytest.mark.parametrize("call_type", ["about_self", "about_other", "follow_up"])
def test_a_report_about_a_person_records_the_survivor(client, operator, start_call,
                                                       db_session, call_type):
    url = start_call()
    response = client.post(f"{url}/log", data=valid_form(call_type=call_type))
    assert response.status_code == 302
    call = call_at(url)
    survivor = db_session.get(Survivor, call.survivor_id)
    assert call.is_data_call and call.call_type == call_type
    assert reveal(survivor, "name") == "Lê Thị Hoa"
    assert (survivor.age, survivor.age_band, survivor.is_child_vn, survivor.is_minor) == \
        (9, "6-11", True, True)
    assert survivor.commune_code == "30307" and survivor.province_code == 91
    assert survivor.is_ethnic_minority is True
    assert survivor.vulnerability_codes == ["out_of_school_working"]
    assert call.codes("violence_form") == ["physical"]
    assert call.codes("child_abuse_form") == ["violence"]
    assert call.gbvims_type == "physical_assault" and call.chi_category == "violence"
    assert call.consent_referral is True and call.consent_data_sharing is False
    assert call.is_ongoing is True
    assert reveal(call, "narrative") == "Hàng xóm nghe tiếng cháu khóc nhiều đêm."
    assert reveal(call, "caller_phone") == "0912 345 678"


@pytest.mark.parametrize(("call_type", "topic", "chi"), [
    ("information", "services_law", "access_to_services"),
    ("counselling", "mental_health", "health"),
])
def test_information_and_counselling_calls_need_no_survivor(client, operator, start_call,
                                                             call_type, topic, chi):
    url = start_call("1800")
    empty_survivor = {key: "" for key in valid_form() if key.startswith("survivor_")}
    form = valid_form(call_type=call_type, counselling_topic=topic, line="1800",
                      service_line="", violence_forms=[], child_abuse_forms=[],
                      **{**empty_survivor, "survivor_vulnerabilities": []})
    assert client.post(f"{url}/log", data=form).status_code == 302
    call = call_at(url)
    assert call.survivor_id is None and call.line == "1800" and call.service_line is None
    assert call.counselling_topic == topic and call.chi_category == chi


def test_about_self_takes_the_callers_phone_for_the_survivor(client, operator, start_call,
                                                              db_session):
    url = start_call()
    client.post(f"{url}/log", data=valid_form(call_type="about_self", survivor_name="",
                                              caller_relationship="self"))
    survivor = db_session.get(Survivor, call_at(url).survivor_id)
    assert reveal(survivor, "phone") == "0912 345 678"
    assert reveal(survivor, "name") == "Trần Văn Bình"


def test_dv_acts_and_subtypes_imply_their_form_and_parent(client, operator, start_call):
    url = start_call()
    client.post(f"{url}/log", data=valid_form(
        violence_forms=[], child_abuse_forms=[], dv_acts=["economic_control", "forced_sex_spouse"],
        child_sexual_abuse_types=["molestation"]))
    call = call_at(url)
    assert call.codes("violence_form") == ["economic", "sexual"]
    assert call.codes("child_abuse_form") == ["sexual_abuse"]
    assert call.gbvims_type == "rape"


def test_logging_twice_leads_to_the_logged_call(client, operator, start_call):
    url = start_call()
    client.post(f"{url}/log", data=valid_form())
    again = client.post(f"{url}/log", data=valid_form())
    assert again.status_code == 302 and "/drafts/" not in again.headers["Location"]
    assert client.post(f"{url}/close", data={"call_type": "silent"}).status_code == 302
    assert call_at(url).call_type == "about_other"


def test_logging_writes_the_audit_trail(client, operator, start_call, db_session):
    url = start_call()
    client.post(f"{url}/log", data=valid_form())
    call = call_at(url)
    actions = db_session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_id.in_([call.id, call.survivor_id]))).all()
    assert {"call_start", "call_log", "survivor_create"} <= set(actions)


def test_the_start_time_is_the_servers_not_the_browsers(client, operator, db_session):
    response = client.post("/calls/start", data={"line": "111", "channel": "phone",
                                                 "started_at": "2001-01-01T00:00:00Z"})
    draft = db_session.get(CallDraft, uuid.UUID(response.headers["Location"].rsplit("/", 1)[1]))
    assert draft.started_at.year >= 2025
