"""From call to case: open a new case, or attach the call to an open one."""

import sqlalchemy as sa

from casework.cases.models import Case, CaseCall
from casework.intake.records import SurvivorDetails
from tests.factories import make_call
from tests.intake.conftest import valid_form


def cases_of(db_session, call):
    return db_session.scalars(sa.select(Case).join(CaseCall, CaseCall.case_id == Case.id)
                              .where(CaseCall.call_id == call.id)).all()


def test_an_operator_opens_a_case_from_a_data_call(client, login_as, db_session):
    operator = login_as("operator")
    call = make_call(operator, "about_other", urgency="urgent",
                     survivor=SurvivorDetails(name="Lý Thị Sen", age=11))
    db_session.commit()
    response = client.post(f"/calls/{call.id}/open-case")
    assert response.status_code == 302
    [case] = cases_of(db_session, call)
    assert case.survivor_id == call.survivor_id and case.opened_by_id == operator.id
    assert case.received_at == call.started_at
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert case.code in page and 'id="open-case"' not in page


def test_a_non_data_call_opens_no_case(client, login_as, db_session):
    call = make_call(login_as("operator"), "silent")
    db_session.commit()
    assert client.post(f"/calls/{call.id}/open-case").status_code == 404
    assert cases_of(db_session, call) == []


def test_a_follow_up_call_is_attached_to_the_open_case_of_the_same_number(
        client, login_as, start_call, db_session):
    operator = login_as("operator")
    first = make_call(operator, "about_other", caller_phone="0912345678",
                      survivor=SurvivorDetails(name="Lý Thị Sen", age=11))
    db_session.commit()
    client.post(f"/calls/{first.id}/open-case")
    [case] = cases_of(db_session, first)
    url = start_call()
    panel = client.post(f"{url}/repeat-callers", data={"phone": "+84 912 345 678"},
                        headers={"X-Requested-With": "fetch"}).get_data(as_text=True)
    assert f'name="link_case_id" value="{case.id}"' in panel
    client.post(f"{url}/log", data=valid_form(call_type="follow_up", link_case_id=str(case.id),
                                              previous_call_id=str(first.id),
                                              confirm_same_survivor="y"))
    from tests.intake.test_call_types import call_at

    assert cases_of(db_session, call_at(url)) == [case]


def test_attach_from_the_call_page(client, login_as, db_session):
    operator = login_as("operator")
    first = make_call(operator, "about_other", caller_phone="0912345678",
                      survivor=SurvivorDetails(name="Lý Thị Sen", age=11))
    second = make_call(operator, "about_other", caller_phone="0912 345 678")
    db_session.commit()
    client.post(f"/calls/{first.id}/open-case")
    [case] = cases_of(db_session, first)
    page = client.get(f"/calls/{second.id}").get_data(as_text=True)
    assert f'value="{case.id}"' in page
    assert client.post(f"/calls/{second.id}/attach-case",
                       data={"case_id": str(case.id)}).status_code == 302
    assert cases_of(db_session, second) == [case]
    assert client.post(f"/calls/{second.id}/attach-case",
                       data={"case_id": "not-a-case"}).status_code == 404


def test_a_refused_link_is_explained_not_a_server_error(client, login_as, db_session):
    operator = login_as("operator")
    call = make_call(operator, "about_other", survivor=SurvivorDetails(age=11))
    db_session.commit()
    client.post(f"/calls/{call.id}/open-case")
    [case] = cases_of(db_session, call)
    again = client.post(f"/calls/{call.id}/open-case", follow_redirects=True)
    assert again.status_code == 200 and "flash-error" in again.get_data(as_text=True)
    attach = client.post(f"/calls/{call.id}/attach-case", data={"case_id": str(case.id)},
                         follow_redirects=True)
    assert attach.status_code == 200 and "flash-error" in attach.get_data(as_text=True)
    assert cases_of(db_session, call) == [case]


def test_a_follow_up_reaches_a_case_already_handed_to_a_social_worker(
        client, login_as, start_call, make_user, db_session):
    from casework.cases.service import assign_case

    operator = login_as("operator")
    first = make_call(operator, "about_other", caller_phone="0912345678",
                      survivor=SurvivorDetails(name="Lý Thị Sen", age=11))
    db_session.commit()
    client.post(f"/calls/{first.id}/open-case")
    [case] = cases_of(db_session, first)
    assign_case(case, make_user("social_worker", unit=operator.unit),
                by=make_user("supervisor", unit=operator.unit))
    db_session.commit()
    assert client.get(f"/calls/{first.id}").status_code == 200  # the call stays the operator's
    url = start_call()
    panel = client.post(f"{url}/repeat-callers", data={"phone": "0912345678",
                                                        "name": "Ly Thi Sen"},
                        headers={"X-Requested-With": "fetch"}).get_data(as_text=True)
    # Only what attaching needs: the case is no longer the operator's to open.
    assert f'value="{case.id}"' in panel and case.code in panel
    from casework.cases.codes import CASE_STATUS

    assert CASE_STATUS.label(case.status) not in panel
    client.post(f"{url}/log", data=valid_form(call_type="follow_up", link_case_id=str(case.id)))
    from tests.intake.test_call_types import call_at

    assert cases_of(db_session, call_at(url)) == [case]
