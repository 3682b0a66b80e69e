"""A logged call keeps the survivor as recorded on it, whatever later calls say."""

import sqlalchemy as sa

from casework.intake.records import SurvivorDetails
from tests.factories import make_call
from tests.intake.conftest import valid_form
from tests.intake.test_call_types import call_at


def _boy(**changes) -> dict:
    """A 111 call about a 9-year-old boy, the caller's phone typed with spaces."""
    return valid_form(**{"caller_phone": "091 234 5678", "caller_relationship": "parent_caregiver",
                         "survivor_name": "Nguyễn Văn Nam", "survivor_sex": "male",
                         "survivor_age": "9", "survivor_commune": "30985",
                         "survivor_address": "", **changes})


def _woman(operator):
    return make_call(operator, "about_self", line="1800", caller_phone="+84912345678",
                     survivor=SurvivorDetails(name="Trần Thị Mai", sex="female", age=34,
                                              commune_code="30307",
                                              address="12 Đường Lê Lợi"))


def test_linking_a_child_call_to_the_mothers_call_leaves_her_call_as_recorded(
        client, operator, start_call, db_session):
    woman = _woman(operator)
    db_session.commit()
    url = start_call("111")
    response = client.post(f"{url}/log", data=_boy(previous_call_id=str(woman.id),
                                                   confirm_same_survivor="y"))
    assert response.status_code == 302
    page = client.get(f"/calls/{woman.id}").get_data(as_text=True)
    assert "Trần Thị Mai" in page and "12 Đường Lê Lợi" in page and ">34 " in page
    assert "Nguyễn Văn Nam" not in page
    boy_page = client.get(f"/calls/{call_at(url).id}").get_data(as_text=True)
    assert "Nguyễn Văn Nam" in boy_page
    assert "12 Đường Lê Lợi" not in boy_page and "Trần Thị Mai" not in boy_page
