"""Who sees which call: an operator their own, a supervisor their unit's, the board none."""

import re

import pytest
import sqlalchemy as sa

from casework.audit.models import AuditEntry
from tests.factories import make_call, make_unit


@pytest.fixture
def units(db_session):
    return make_unit("A", "Unit A"), make_unit("B", "Unit B")


@pytest.fixture
def calls(make_user, units):
    """A call of another operator of unit A and one of an operator of unit B."""
    unit_a, unit_b = units
    return {"same_unit": make_call(make_user("operator", unit=unit_a), "about_other"),
            "other_unit": make_call(make_user("operator", unit=unit_b), "about_other")}


def test_an_operator_sees_only_the_calls_they_logged(client, login_as, units, calls,
                                                     db_session):
    alice = login_as("operator", unit=units[0])
    mine = make_call(alice, "about_other", narrative="secret of alice")
    db_session.commit()
    listing = client.get("/calls/").get_data(as_text=True)
    assert str(mine.id) in listing and "Số cuộc gọi: 1" in listing
    assert str(calls["same_unit"].id) not in listing
    assert "secret of alice" in client.get(f"/calls/{mine.id}").get_data(as_text=True)
    for call in calls.values():
        assert client.get(f"/calls/{call.id}").status_code == 404
        assert client.post(f"/calls/{call.id}/open-case").status_code == 404
        assert client.post(f"/calls/{call.id}/attach-case",
                           data={"case_id": str(call.id)}).status_code == 404


def test_a_supervisor_sees_their_units_calls_only(client, login_as, units, calls):
    login_as("supervisor", unit=units[0])
    listing = client.get("/calls/").get_data(as_text=True)
    assert str(calls["same_unit"].id) in listing
    assert str(calls["other_unit"].id) not in listing
    assert client.get(f"/calls/{calls['same_unit'].id}").status_code == 200
    assert client.get(f"/calls/{calls['other_unit'].id}").status_code == 404
    assert client.get("/calls/desk").status_code == 404  # supervisors do not take calls here


@pytest.mark.parametrize("role", ["board", "admin", "social_worker"])
def test_other_roles_reach_no_call(client, login_as, units, calls, role):
    login_as(role, unit=units[0])
    for path in ("/calls/", f"/calls/{calls['same_unit'].id}", "/calls/desk"):
        assert client.get(path).status_code == 404
    assert client.post("/calls/start", data={"line": "111"}).status_code == 404
    assert client.post(f"/calls/{calls['same_unit'].id}/open-case").status_code == 404


def test_every_opening_of_a_call_is_audited_before_it_is_shown(client, login_as, db_session):
    alice = login_as("operator")
    call = make_call(alice, "about_other")
    db_session.commit()
    client.get(f"/calls/{call.id}")
    client.get(f"/calls/{call.id}")
    views = db_session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "view", AuditEntry.object_id == call.id)).all()
    assert len(views) == 2 and {view.actor_id for view in views} == {alice.id}


def test_a_denied_call_leaves_no_view_in_the_audit_trail(client, login_as, calls, db_session):
    login_as("operator")
    client.get(f"/calls/{calls['same_unit'].id}")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "view", AuditEntry.object_id == calls["same_unit"].id)) == 0


def test_the_list_filters_by_line_type_danger_and_date(client, login_as, db_session):
    alice = login_as("operator")
    urgent = make_call(alice, "about_other", urgency="urgent")
    silent = make_call(alice, "silent", line="1800")
    db_session.commit()

    def listed(**filters):
        page = client.get("/calls/", query_string=filters).get_data(as_text=True)
        return {call.id for call in (urgent, silent) if str(call.id) in page}

    assert listed() == {urgent.id, silent.id}
    assert listed(line="1800") == {silent.id}
    assert listed(call_type="about_other") == {urgent.id}
    assert listed(urgency="urgent") == {urgent.id}
    assert listed(date_from="01/01/2000", date_to="02/01/2000") == set()
    assert listed(urgency="nonsense") == {urgent.id, silent.id}  # a bad filter filters nothing
    assert client.get("/calls/", query_string={"page": "x"}).status_code == 200


def test_the_list_pages(client, login_as, db_session):
    from casework.paging import PAGE_SIZE

    alice = login_as("operator")
    for _ in range(PAGE_SIZE + 1):
        make_call(alice, "hang_up")
    db_session.commit()
    first = client.get("/calls/").get_data(as_text=True)
    older = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert 'rel="prev"' in second and 'rel="next"' not in second
    call_link = re.compile(r'href="/calls/[0-9a-f-]{36}"')
    assert (len(call_link.findall(first)), len(call_link.findall(second))) == (PAGE_SIZE, 1)
