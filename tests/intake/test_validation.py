"""Bad input: the error beside the field, everything else kept, never a 500."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.intake.models import NAME_MAX, NARRATIVE_MAX
from casework.intake.service import draft_contents
from tests.intake.conftest import draft_at, valid_form

TOMORROW = (date.today() + timedelta(days=2)).strftime("%d/%m/%Y")

BAD_INPUT = [
    ("call_type", "silent"), ("call_type", ""), ("call_type", "nonsense"),
    ("urgency", ""), ("urgency", "panic"),
    ("caller_relationship", "uncle-ish"), ("caller_sex", "x"), ("caller_age_group", "old"),
    ("caller_phone", "call me maybe"), ("caller_phone", "12"), ("caller_phone", "1" * 20),
    ("caller_name", "x" * (NAME_MAX + 1)), ("caller_name", "bad\x01name"),
    ("survivor_name", "y" * (NAME_MAX + 1)), ("survivor_phone", "09x2"),
    ("survivor_sex", "both"), ("survivor_age", "nine"), ("survivor_age", "-1"),
    ("survivor_age", "121"), ("survivor_age", "9.5"), ("survivor_birth_date", "31/02/2020"),
    ("survivor_birth_date", "yesterday"), ("survivor_birth_date", TOMORROW),
    ("survivor_commune", "00001"), ("survivor_address", "z" * 501),
    ("survivor_ethnicity", "martian"), ("survivor_disability", "maybe"),
    ("survivor_vulnerabilities", ["orphan", "unlucky"]),
    ("violence_forms", ["physical", "cosmic"]), ("setting", "moon"),
    ("perpetrator_relationship", "ghost"), ("perpetrator_sex", "?"),
    ("perpetrator_age_group", "ancient"), ("incident_when", "someday"), ("is_ongoing", "perhaps"),
    ("dv_acts", ["tickling"]), ("child_abuse_forms", ["x"]), ("child_sexual_abuse_types", ["x"]),
    ("child_exploitation_types", ["x"]), ("trafficking_purposes", ["x"]),
    ("trafficking_status", "x"), ("counselling_topic", "x"), ("consent_referral", "sure"),
    ("consent_data_sharing", "ok"), ("narrative", "n" * (NARRATIVE_MAX + 1)),
    ("narrative", "a\x07b"), ("line", "113"), ("line", ""), ("channel", "pigeon"),
    ("service_line", ""), ("service_line", "pizza"),
]


@pytest.mark.parametrize(("name", "value"), BAD_INPUT, ids=lambda v: str(v)[:20])
def test_bad_input_is_shown_beside_its_field_and_the_rest_is_kept(
        client, operator, start_call, name, value):
    url = start_call()
    form = valid_form(**{name: value})
    if name != "narrative":
        form["narrative"] = "Giữ nguyên nội dung này"
    response = client.post(f"{url}/log", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{name}-error"' in page
    assert len(re.findall(r'class="error"', page)) == 1, "only the bad field is marked"
    if name != "narrative":
        assert "Giữ nguyên nội dung này" in page
    if name != "survivor_name":
        assert 'value="Lê Thị Hoa"' in page
    assert draft_at(url) is not None, "nothing is logged"


def test_a_service_line_on_the_1800_line_is_refused(client, operator, start_call):
    response = client.post(f"{start_call()}/log", data=valid_form(line="1800"))
    assert 'id="service_line-error"' in response.get_data(as_text=True)


def test_an_age_that_contradicts_the_date_of_birth_is_refused(client, operator, start_call):
    born = date.today().replace(year=date.today().year - 12).strftime("%d/%m/%Y")
    response = client.post(f"{start_call()}/log",
                           data=valid_form(survivor_age="5", survivor_birth_date=born))
    assert 'id="survivor_birth_date-error"' in response.get_data(as_text=True)


def test_a_refused_form_is_saved_to_the_draft(client, operator, start_call):
    url = start_call()
    client.post(f"{url}/log", data=valid_form(survivor_age="nine", narrative="Kept"))
    contents = draft_contents(draft_at(url))
    assert contents["survivor_age"] == ["nine"] and contents["narrative"] == ["Kept"]


def test_the_age_may_come_from_the_date_of_birth_alone(client, operator, start_call,
                                                      db_session):
    from casework.people.models import Survivor
    from tests.intake.test_call_types import call_at

    born = date.today().replace(year=date.today().year - 16) - timedelta(days=1)
    url = start_call()
    client.post(f"{url}/log", data=valid_form(survivor_age="",
                                              survivor_birth_date=born.isoformat()))
    survivor = db_session.get(Survivor, call_at(url).survivor_id)
    assert survivor.age == 16 and survivor.birth_date == born and survivor.is_child_vn is False


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(sorted(valid_form())),
                       st.one_of(st.text(max_size=60), st.lists(st.text(max_size=10), max_size=3)),
                       max_size=8))
def test_no_input_gives_a_server_error(client, operator, start_call, garbage):
    url = start_call()
    response = client.post(f"{url}/log", data=valid_form(**garbage))
    assert response.status_code in (200, 302)


def test_malformed_ids_answer_404(client, operator):
    assert client.get("/calls/drafts/not-a-uuid").status_code == 404
    assert client.get("/calls/12345").status_code == 404
    assert client.post("/calls/drafts/0000/log", data={}).status_code == 404


def test_a_tampered_link_to_an_invisible_call_answers_404(client, operator, start_call,
                                                         make_user, db_session):
    from tests.factories import make_call

    other = make_call(make_user("operator"), "about_other")
    response = client.post(f"{start_call()}/log", data=valid_form(previous_call_id=str(other.id)))
    assert response.status_code == 404


@pytest.mark.parametrize("seq", ["9" * 40, "-5", "x", ""])
def test_an_absurd_save_number_is_no_server_error(client, operator, start_call, seq):
    url = start_call()
    response = client.post(f"{url}/autosave", data={"save_seq": seq, "narrative": "ok"},
                           headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200


@pytest.mark.parametrize("version", ["9" * 40, "-5", "x", "", "1e3", "٣"])
def test_an_absurd_draft_version_is_a_refusal_not_a_server_error(client, operator, start_call,
                                                                 version):
    url = start_call()
    client.post(f"{url}/autosave", data={"base_version": "0", "narrative": "first"},
                headers={"X-Requested-With": "fetch"})
    response = client.post(f"{url}/autosave", headers={"X-Requested-With": "fetch"}, data={
        "base_version": version, "writer": "\x00" * 24, "narrative": "forged"})
    assert response.status_code == 409 and response.json["saved"] is False


@pytest.mark.parametrize("filters", [
    {"date_from": "01/01/0001"}, {"date_to": "31/12/9999"}, {"date_from": "tomorrow"},
    {"page": "99999999999999999999"}, {"page": "-3"}, {"line": "x" * 500},
])
def test_bad_list_filters_are_no_server_error(client, operator, filters):
    response = client.get("/calls/", query_string=filters)
    assert response.status_code == 200


@pytest.mark.parametrize("data", [
    {}, {"phone": "x" * 5000}, {"phone": "\x01\x02"}, {"name": "ñ" * 300},
    {"phone": "0912345678", "previous_call_id": "not-a-uuid"},
])
def test_bad_repeat_caller_lookups_are_no_server_error(client, operator, start_call, data):
    response = client.post(f"{start_call()}/repeat-callers", data=data,
                           headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200


@pytest.mark.parametrize("data", [{}, {"line": "111", "channel": "carrier pigeon"},
                                  {"line": ["111", "1800"]}])
def test_bad_starts_and_closes_are_no_server_error(client, operator, start_call, data):
    assert client.post("/calls/start", data=data).status_code == 302
    assert client.post(f"{start_call()}/close", data=data).status_code == 400
