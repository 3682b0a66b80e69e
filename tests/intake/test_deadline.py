"""The 12-hour clock: an urgent or immediate report about a child under 16."""

from datetime import timedelta

import pytest

from casework.intake.records import SurvivorDetails
from tests.factories import make_call


@pytest.mark.parametrize(("urgency", "age", "has_deadline"), [
    ("urgent", 15, True), ("immediate", 3, True), ("routine", 10, False),
    ("urgent", 16, False), ("urgent", 17, False), ("urgent", 30, False), ("urgent", None, False),
])
def test_the_deadline_is_set_for_an_urgent_report_about_a_child(operator, urgency, age,
                                                                has_deadline):
    call = make_call(operator, "about_other", urgency=urgency,
                     survivor=SurvivorDetails(age=age))
    expected = call.started_at + timedelta(hours=12) if has_deadline else None
    assert call.action_deadline_at == expected


def test_the_number_of_hours_is_a_setting(operator, override_settings):
    override_settings(urgent_child_deadline_hours=6)
    call = make_call(operator, "about_other", urgency="urgent", survivor=SurvivorDetails(age=7))
    assert call.action_deadline_at == call.started_at + timedelta(hours=6)


def test_the_deadline_is_shown_on_the_call(client, operator, start_call, db_session):
    from tests.intake.conftest import valid_form

    url = start_call()
    response = client.post(f"{url}/log", data=valid_form(urgency="urgent"), follow_redirects=True)
    assert 'id="deadline"' in response.get_data(as_text=True)
