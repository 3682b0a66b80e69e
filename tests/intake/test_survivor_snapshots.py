"""A logged call keeps the survivor as recorded on it, whatever later calls say."""

import re

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


def test_the_panel_shows_who_each_earlier_call_is_about_and_what_matched(
        client, operator, start_call, db_session):
    woman = _woman(operator)
    operator.locale = "en"
    db_session.commit()
    url = start_call("111")
    panel = client.post(f"{url}/repeat-callers", data={"phone": "091 234 5678"},
                        headers={"X-Requested-With": "fetch"}).get_data(as_text=True)
    assert f'value="{woman.id}"' in panel
    assert "T.T.M." in panel and "Trần Thị Mai" not in panel  # initials, never the name
    assert "Female" in panel
    from casework.taxonomy import age_band_list, commune_label

    assert age_band_list().label("18-59", "en") in panel
    assert commune_label("30307", "en") in panel
    assert 'name="confirm_same_survivor"' in panel and "data-needs-confirmation" in panel
    assert re.search(r"Matched by its caller(&#39;|')s phone, its survivor(&#39;|')s phone", panel)


def test_the_survivors_own_phone_or_name_needs_no_confirmation(client, operator, start_call,
                                                               db_session):
    woman = _woman(operator)
    db_session.commit()
    url = start_call("111")
    panel = client.post(f"{url}/repeat-callers", data={"name": "Tran Thi Mai"},
                        headers={"X-Requested-With": "fetch"}).get_data(as_text=True)
    assert f'value="{woman.id}"' in panel and "data-needs-confirmation" not in panel
    response = client.post(f"{url}/log", data=_boy(previous_call_id=str(woman.id),
                                                   survivor_name="Trần Thị Mai"))
    assert response.status_code == 302
    assert call_at(url).survivor_id == woman.survivor_id


def test_the_callers_phone_alone_never_links_without_confirmation(client, operator,
                                                                  start_call, db_session):
    woman = _woman(operator)
    db_session.commit()
    url = start_call("111")
    response = client.post(f"{url}/log", data=_boy(previous_call_id=str(woman.id)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and call_at(url) is None
    assert 'id="confirm_same_survivor-error"' in page
    assert 'value="Nguyễn Văn Nam"' in page  # what was typed is kept
    from casework.people.models import Survivor

    assert db_session.get(Survivor, woman.survivor_id).age == 34


def test_a_changed_shared_survivor_keeps_the_values_replaced(client, operator, start_call,
                                                             db_session):
    from casework.people.models import SurvivorDetailChange
    from casework.people.service import revealed_change

    woman = _woman(operator)
    db_session.commit()
    url = start_call("1800")
    client.post(f"{url}/log", data=_boy(
        line="1800", service_line="", previous_call_id=str(woman.id),
        confirm_same_survivor="y", survivor_name="Trần Thị Mai", survivor_age="35",
        survivor_sex="female", survivor_address="", survivor_commune="30307",
        survivor_ethnicity="", survivor_disability="", survivor_vulnerabilities=[]))
    [change] = db_session.scalars(sa.select(SurvivorDetailChange)).all()
    assert change.survivor_id == woman.survivor_id and change.source == "call"
    assert change.changed_by_id == operator.id and change.source_id == call_at(url).id
    assert change.fields == "age"
    assert revealed_change(change) == ({"age": 34}, {"age": 35})
    assert change.reason is None
    assert "34" not in (change.previous_values or "")  # encrypted


def test_hostile_link_fields_are_refused_plainly(client, operator, start_call, db_session):
    woman = _woman(operator)
    db_session.commit()
    url = start_call("111")
    for confirm, previous in (("<script>alert(1)</script>", str(woman.id)),
                              ("y", "not-a-uuid"), ("y" * 5000, "' OR 1=1 --")):
        response = client.post(f"{url}/log", data=_boy(previous_call_id=previous,
                                                       confirm_same_survivor=confirm))
        assert response.status_code in (200, 302, 400, 404)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
