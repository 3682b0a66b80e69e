"""A refused access answers 404 and leaves an entry in the audit trail (ASVS 7.2.2).

The user learns nothing from the answer; a supervisor reading a case's trail sees who tried
to open it, and an administrator sees someone probing URLs.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from casework.accounts.access import ACCESS_DENIED, deny
from casework.audit import entries_for, verify_chain
from casework.audit.models import AuditEntry
from tests.cases.builders import make_case
from tests.cases.clients import signed_in
from tests.factories import make_unit


def _refusals(db_session, actor) -> list[AuditEntry]:
    return list(db_session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == ACCESS_DENIED,
                                    AuditEntry.actor_id == actor.id).order_by(AuditEntry.seq)))


def test_a_case_outside_ones_caseload_is_refused_and_the_case_trail_shows_who(
        app, db_session, make_user):
    unit = make_unit()
    operator, worker = make_user("operator", unit=unit), make_user("social_worker", unit=unit)
    case = make_case(operator)
    db_session.commit()
    client = signed_in(app, db_session, worker)

    assert client.get(f"/cases/{case.id}").status_code == 404

    [refusal] = _refusals(db_session, worker)
    assert (refusal.object_type, refusal.object_id, refusal.outcome) == (
        "cases", case.id, "refused")
    assert refusal in entries_for(case.id)
    assert verify_chain(app.extensions["casework.keyring"]).ok


def test_a_role_outside_a_routes_audience_is_refused_with_the_route_named(
        app, db_session, make_user):
    board = make_user("board", unit=make_unit())
    client = signed_in(app, db_session, board)

    assert client.get("/calls/").status_code == 404

    [refusal] = _refusals(db_session, board)
    assert (refusal.object_type, refusal.object_id) == ("intake.calls", None)


def test_an_unknown_id_is_refused_without_keeping_what_was_typed(app, db_session, make_user):
    operator = make_user("operator", unit=make_unit())
    client = signed_in(app, db_session, operator)
    unknown = uuid.uuid4()

    assert client.get(f"/calls/{unknown}").status_code == 404
    assert client.get("/calls/0912345678").status_code == 404  # not a uuid: no view matched

    [refusal] = _refusals(db_session, operator)
    assert (refusal.object_type, refusal.object_id) == ("calls", unknown)


def test_a_refusal_keeps_nothing_the_request_had_begun_to_change(app, db_session, make_user):
    operator = make_user("operator", unit=make_unit())
    db_session.commit()
    original = operator.display_name
    with app.test_request_context("/calls/"):
        operator.display_name = "half-written"
        with pytest.raises(NotFound):
            deny("calls")
    db_session.expire_all()
    assert db_session.get(type(operator), operator.id).display_name == original
    assert db_session.scalar(sa.select(sa.func.count()).where(
        AuditEntry.action == ACCESS_DENIED)) == 1
