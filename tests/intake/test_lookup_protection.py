"""The repeat-caller lookup cannot be used to learn who has an open case."""

import dataclasses

import pytest
import sqlalchemy as sa

from casework.audit.models import AuditEntry
from casework.cases.service import assign_case
from casework.crypto import search_hash
from casework.intake.records import SurvivorDetails
from casework.intake.repeat_callers import find_repeat_callers
from tests.factories import make_call

FETCH = {"X-Requested-With": "fetch"}


@pytest.fixture
def handed_over_case(login_as, make_user, client, db_session):
    """An open case of the operator's unit, already assigned: the operator cannot open it."""
    operator = login_as("operator")
    first = make_call(make_user("operator", unit=operator.unit), "about_other",
                      caller_phone="0912345678",
                      survivor=SurvivorDetails(name="Lý Thị Sen", phone="0987 654 321", age=11))
    from casework.cases.service import open_case_from_call

    case = open_case_from_call(first, opened_by=make_user("supervisor", unit=operator.unit))
    assign_case(case, make_user("social_worker", unit=operator.unit),
                by=make_user("supervisor", unit=operator.unit))
    db_session.commit()
    return operator, case


@pytest.mark.parametrize("phone, name", [("0912345678", None), ("0987654321", None),
                                         (None, "Lý Thị Sen"), ("0912345678", "Lý Thị Hoa")])
def test_one_detail_alone_reveals_no_case_the_operator_cannot_open(handed_over_case, phone,
                                                                   name):
    operator, _case = handed_over_case
    assert find_repeat_callers(phone, operator, name).cases == []


@pytest.mark.parametrize("phone", ["0912 345 678", "+84987654321"])
def test_a_phone_and_the_full_name_together_offer_the_case_by_its_code_only(
        handed_over_case, phone):
    operator, case = handed_over_case
    [match] = find_repeat_callers(phone, operator, "ly thi sen").cases
    assert (match.id, match.code, match.is_openable) == (case.id, case.code, False)
    assert match.status is None and match.opened_at is None


def test_a_case_the_operator_may_open_is_offered_on_the_phone_alone(operator, client,
                                                                     db_session):
    first = make_call(operator, "about_other", caller_phone="0912345678",
                      survivor=SurvivorDetails(name="Lý Thị Sen", age=11))
    db_session.commit()
    client.post(f"/calls/{first.id}/open-case")
    [match] = find_repeat_callers("0912345678", operator).cases
    assert match.is_openable and match.status == "new"


def test_the_audit_keeps_a_keyed_hash_of_each_term_never_the_term(client, operator,
                                                                   start_call, db_session):
    url = start_call()
    client.post(f"{url}/repeat-callers", data={"phone": "0912 345 678", "name": "Lê Thị Hoa"},
                headers=FETCH)
    client.post(f"{url}/repeat-callers", data={"phone": "+84912345678"}, headers=FETCH)
    entries = db_session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "repeat_caller_search").order_by(AuditEntry.seq)).all()
    phone_hash, name_hash = search_hash("phone", "0912345678"), search_hash("name", "le thi hoa")
    assert [entry.term_hash for entry in entries] == [phone_hash, name_hash, phone_hash]
    assert len(phone_hash) == 64 and "912345678" not in phone_hash
    assert all(entry.actor_id == operator.id for entry in entries)


def test_the_term_hash_is_part_of_the_chain(app, operator, db_session, start_call, client):
    url = start_call()
    client.post(f"{url}/repeat-callers", data={"phone": "0912345678"}, headers=FETCH)
    from casework.audit.service import verify_chain

    assert verify_chain(app.extensions["casework.keyring"]).ok
    entry = db_session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "repeat_caller_search")).one()
    from casework.audit.service import canonical

    assert entry.term_hash.encode() in canonical(entry)


def test_too_many_lookups_are_refused_with_a_clear_message(app, client, operator, start_call,
                                                          db_session, monkeypatch):
    settings = dataclasses.replace(app.extensions["casework.settings"], repeat_lookup_limit=3)
    monkeypatch.setitem(app.extensions, "casework.settings", settings)
    make_call(operator, "about_other", caller_phone="0912345678")
    db_session.commit()
    url = start_call()
    panels = [client.post(f"{url}/repeat-callers", data={"phone": f"091234567{n}"},
                          headers=FETCH) for n in range(8, 4, -1)]
    assert 'name="previous_call_id"' in panels[0].get_data(as_text=True)
    refused = panels[3].get_data(as_text=True)
    assert panels[3].status_code == 200 and 'name="previous_call_id"' not in refused
    assert "tra cứu nhiều số điện thoại" in refused
    outcomes = db_session.scalars(sa.select(AuditEntry.outcome).where(
        AuditEntry.action == "repeat_caller_search").order_by(AuditEntry.seq)).all()
    assert outcomes == ["ok", "ok", "ok", "refused"]
    # The call screen itself still opens, with the message in place of the panel.
    page = client.get(url)
    assert page.status_code == 200


def test_lookups_of_other_users_do_not_count(app, client, operator, start_call, make_user,
                                            db_session, monkeypatch):
    from casework import audit

    settings = dataclasses.replace(app.extensions["casework.settings"], repeat_lookup_limit=2)
    monkeypatch.setitem(app.extensions, "casework.settings", settings)
    other = make_user("operator")
    for _ in range(5):
        audit.record("repeat_caller_search", "call_draft", None, actor_id=other.id,
                     term_hash="0" * 64)
    db_session.commit()
    url = start_call()
    response = client.post(f"{url}/repeat-callers", data={"phone": "0912345678"},
                           headers=FETCH)
    assert "repeat-limited" not in response.get_data(as_text=True)


def test_a_supervisor_can_see_who_tests_many_numbers(client, operator, start_call, db_session):
    from datetime import timedelta

    from casework.db import utcnow
    from casework.intake.lookups import lookup_activity

    url = start_call()
    for phone in ("0912345678", "+84 912 345 678", "0912345679", "0912345670"):
        client.post(f"{url}/repeat-callers", data={"phone": phone}, headers=FETCH)
    [row] = lookup_activity(utcnow() - timedelta(days=1))
    assert (row.username, row.lookups, row.distinct_terms, row.refused) == (
        operator.username, 4, 3, 0)
