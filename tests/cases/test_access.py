"""Record-level access: who may open which case. Every other case id answers 404.

A social worker reaches only the cases assigned to them, a supervisor the cases of their
unit, an operator the intake part of the cases they opened until a social worker is
assigned (afterwards their calls still show the case code); board and admin reach none.
"""

from __future__ import annotations

import uuid

import pytest

from casework.cases import service
from casework.cases.schedule import local_today
from casework.referrals import service as referrals
from tests.cases.builders import make_case
from tests.cases.clients import signed_in
from tests.factories import make_unit

# Every case route, with what a request to it sends; {case}, {referral} and {task} are ids.
CASE_ROUTES = [
    ("GET", "/cases/{case}"), ("GET", "/cases/{case}/edit"), ("POST", "/cases/{case}/edit"),
    ("POST", "/cases/{case}/notes"), ("POST", "/cases/{case}/tasks"),
    ("POST", "/cases/{case}/tasks/{task}/done"),
    ("GET", "/cases/{case}/assign"), ("POST", "/cases/{case}/assign"),
    ("GET", "/cases/{case}/assessment/initial"), ("POST", "/cases/{case}/assessment/initial"),
    ("GET", "/cases/{case}/assessment/detailed"), ("GET", "/cases/{case}/plan"),
    ("GET", "/cases/{case}/plan/decision"), ("POST", "/cases/{case}/review"),
    ("POST", "/cases/{case}/replan"), ("GET", "/cases/{case}/closure"),
    ("GET", "/cases/{case}/closure/decision"), ("GET", "/cases/{case}/reopen"),
    ("GET", "/cases/{case}/referrals/new"), ("GET", "/cases/{case}/referrals/{referral}"),
    ("POST", "/cases/{case}/referrals/{referral}/consent"),
    ("POST", "/cases/{case}/referrals/{referral}/send"),
    ("POST", "/cases/{case}/referrals/{referral}/override"),
    ("POST", "/cases/{case}/referrals/{referral}/response"),
    ("POST", "/cases/{case}/referrals/{referral}/complete"),
    ("GET", "/cases/{case}/services/new"),
]


@pytest.fixture
def world(app, db_session, make_user):
    """A case of unit A assigned to `worker`, and people who may not open it."""
    unit_a, unit_b = make_unit(), make_unit("UNIT-B", "Unit B")
    people = {
        "operator": make_user("operator", unit=unit_a),
        "worker": make_user("social_worker", unit=unit_a),
        "supervisor": make_user("supervisor", unit=unit_a),
        "other_worker": make_user("social_worker", unit=unit_a),
        "other_supervisor": make_user("supervisor", unit=unit_b),
        "other_operator": make_user("operator", unit=unit_a),
        "board": make_user("board", unit=unit_a),
        "admin": make_user("admin", unit=unit_a),
    }
    case = make_case(people["operator"])
    service.assign_case(case, people["worker"], by=people["supervisor"])
    provider = referrals.create_provider(name="Công an xã", service_type="police",
                                         commune_code=None, contact="", by=people["admin"])
    referral = referrals.propose_referral(case, provider, reason="", by=people["worker"])
    task = service.add_task(case, "Gọi lại", local_today(), by=people["worker"])
    db_session.commit()
    ids = {"case": case.id, "referral": referral.id, "task": task.id}
    return people, case, ids


def _request(client, method, template, ids):
    path = template.format(**ids)
    return client.get(path) if method == "GET" else client.post(path, data={"version": "1"})


@pytest.mark.parametrize("who", ["other_worker", "other_supervisor", "operator",
                                 "other_operator", "board", "admin"])
def test_everyone_else_gets_404_on_every_route_of_the_case(app, db_session, world, who):
    people, _case, ids = world
    client = signed_in(app, db_session, people[who])
    wrong = [f"{method} {template}: {status}"
             for method, template in CASE_ROUTES
             if (status := _request(client, method, template, ids).status_code) != 404]
    assert wrong == []


def test_the_assigned_worker_and_the_units_supervisor_reach_the_case(app, db_session, world):
    people, case, _ids = world
    for who in ("worker", "supervisor"):
        client = signed_in(app, db_session, people[who])
        assert client.get(f"/cases/{case.id}").status_code == 200
        assert client.get(f"/cases/{case.id}/edit").status_code == 200


def test_the_operator_keeps_the_intake_until_handover(app, db_session, make_user):
    operator, worker = make_user("operator"), make_user("social_worker")
    supervisor = make_user("supervisor")
    case = make_case(operator)
    client = signed_in(app, db_session, operator)
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert client.get(f"/cases/{case.id}/edit").status_code == 404  # reading only
    assert case.code in client.get("/cases/opened").text
    service.assign_case(case, worker, by=supervisor)
    db_session.commit()
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert case.code not in client.get("/cases/opened").text


def test_malformed_and_unknown_ids_answer_404(app, db_session, world):
    people, _case, ids = world
    client = signed_in(app, db_session, people["worker"])
    assert client.get("/cases/not-a-uuid").status_code == 404
    assert client.get(f"/cases/{uuid.uuid4()}").status_code == 404
    foreign = f"/cases/{ids['case']}/referrals/{uuid.uuid4()}"
    assert client.get(foreign).status_code == 404


def test_a_social_worker_cannot_override_consent(app, db_session, world):
    people, _case, ids = world
    client = signed_in(app, db_session, people["worker"])
    response = client.post("/cases/{case}/referrals/{referral}/override".format(**ids),
                           data={"version": "1", "reason": "khẩn cấp"})
    assert response.status_code == 404
