"""A shared survivor's changed details keep their earlier values, shown in the case's history."""

import sqlalchemy as sa

from casework.cases.service import open_case_from_call
from casework.intake.records import SurvivorDetails
from casework.people.models import Survivor, SurvivorDetailChange
from casework.people.service import change_details, current_details
from tests.cases.clients import signed_in
from tests.factories import make_call, make_user


def test_a_later_call_changes_the_current_details_and_the_case_shows_what_it_replaced(
        app, db_session):
    operator = make_user("operator")
    supervisor = make_user("supervisor", unit=operator.unit)
    first = make_call(operator, "about_self", line="1800", caller_phone="+84912345678",
                      survivor=SurvivorDetails(name="Trần Thị Mai", age=34,
                                               commune_code="30307"))
    case = open_case_from_call(first, opened_by=supervisor)
    make_call(operator, "follow_up", line="1800", previous=first,
              survivor=SurvivorDetails(name="Trần Thị Mai", age=35, commune_code="30985"))
    supervisor.locale = "en"
    db_session.commit()
    survivor = db_session.get(Survivor, first.survivor_id)
    assert (survivor.age, survivor.commune_code) == (35, "30985")
    page = signed_in(app, db_session, supervisor).get(f"/cases/{case.id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):page.index('id="audit-trail"')]
    assert "34 → 35" in timeline
    trail = page[page.index('id="audit-trail"'):]
    assert "details changed (the earlier values are kept)" in trail


def test_nothing_said_again_changes_nothing(app, db_session):
    operator = make_user("operator")
    first = make_call(operator, "about_other",
                      survivor=SurvivorDetails(name="Lê Văn An", age=9, address="Ấp 3"))
    make_call(operator, "follow_up", previous=first,
              survivor=SurvivorDetails(name="Lê Văn An", age=9))
    assert db_session.scalars(sa.select(SurvivorDetailChange)).all() == []
    assert current_details(db_session.get(Survivor, first.survivor_id))["address"] == "Ấp 3"


def test_a_correction_keeps_its_reason_encrypted(app, db_session):
    operator = make_user("operator")
    first = make_call(operator, "about_other", survivor=SurvivorDetails(name="Lê Văn An"))
    survivor = db_session.get(Survivor, first.survivor_id)
    change = change_details(survivor, {"name": "Lê Văn Ân"}, by_id=operator.id,
                            source="correction", source_id=None, province_code=91,
                            reason="Tên viết sai dấu")
    db_session.flush()
    from casework.crypto import reveal

    assert reveal(change, "reason") == "Tên viết sai dấu" and "Tên" not in change.reason
    assert current_details(survivor)["name"] == "Lê Văn Ân"
