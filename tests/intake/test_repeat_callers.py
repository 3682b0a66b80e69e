"""Repeat callers: the same phone number in any format, the same name with or without accents."""

import pytest
import sqlalchemy as sa

from casework.audit.models import AuditEntry
from casework.intake.records import SurvivorDetails
from casework.intake.repeat_callers import find_repeat_callers
from tests.factories import make_call
from tests.intake.conftest import draft_at, valid_form

FETCH = {"X-Requested-With": "fetch"}


@pytest.mark.parametrize("typed", ["0912 345 678", "+84912345678", "84-912-345-678",
                                   "0912.345.678", "(+84) 912 345 678"])
def test_the_same_caller_phone_in_any_format_is_recognised(operator, typed):
    earlier = make_call(operator, "about_other", caller_phone="0912345678")
    make_call(operator, "about_other", caller_phone="0987654321")
    assert [call.id for call in find_repeat_callers(typed, operator).calls] == [earlier.id]


def test_a_survivors_phone_finds_the_calls_about_them(operator):
    earlier = make_call(operator, "about_other",
                        survivor=SurvivorDetails(name="Võ Thị Hạnh", phone="0903 111 222"))
    assert [c.id for c in find_repeat_callers("+84903111222", operator).calls] == [earlier.id]


@pytest.mark.parametrize("typed", ["Đặng Thị Ngọc Ánh", "dang thi ngoc anh", "ĐẶNG THỊ NGỌC ÁNH",
                                   "Dang  Thi Ngoc   Anh"])
def test_a_survivors_name_is_recognised_with_or_without_accents(operator, typed):
    earlier = make_call(operator, "about_self",
                        survivor=SurvivorDetails(name="Đặng Thị Ngọc Ánh"))
    make_call(operator, "about_self", survivor=SurvivorDetails(name="Đặng Thị Ngọc Anh Thư"))
    assert [c.id for c in find_repeat_callers(None, operator, name=typed).calls] == [earlier.id]


def test_unrelated_or_unusable_input_finds_nothing(operator):
    make_call(operator, "about_other", caller_phone="0912345678")
    assert not find_repeat_callers("0912345679", operator)
    assert not find_repeat_callers("", operator)
    assert not find_repeat_callers("no digits", operator, name="   ")


def test_an_operator_sees_only_their_own_earlier_calls(operator, make_user):
    mine = make_call(operator, "about_other", caller_phone="0912345678")
    make_call(make_user("operator"), "about_other", caller_phone="0912345678")
    assert [c.id for c in find_repeat_callers("0912345678", operator).calls] == [mine.id]


def test_the_lookup_is_a_post_and_the_panel_lets_the_operator_link(client, operator,
                                                                  start_call, db_session):
    earlier = make_call(operator, "about_other", caller_phone="0912345678")
    db_session.commit()
    url = start_call()
    assert client.get(f"{url}/repeat-callers?phone=0912345678").status_code == 405
    response = client.post(f"{url}/repeat-callers", data={"phone": "+84 912 345 678"},
                           headers=FETCH)
    panel = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'name="previous_call_id" value="{earlier.id}"' in panel
    searches = db_session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "repeat_caller_search")).all()
    assert [entry.object_id for entry in searches] == [draft_at(url).id]


def test_linking_to_an_earlier_call_reuses_its_survivor(client, operator, start_call,
                                                        db_session):
    earlier = make_call(operator, "about_other", caller_phone="0912345678",
                        survivor=SurvivorDetails(name="Lê Thị Hoa", age=8))
    db_session.commit()
    url = start_call()
    client.post(f"{url}/log", data=valid_form(call_type="follow_up",
                                              previous_call_id=str(earlier.id),
                                              confirm_same_survivor="y",
                                              survivor_name="", survivor_age="9"))
    from tests.intake.test_call_types import call_at

    call = call_at(url)
    assert call.previous_call_id == earlier.id and call.survivor_id == earlier.survivor_id
    assert call.survivor.age == 9  # what the new call said completes the record


def test_the_call_screen_shows_earlier_calls_for_a_saved_phone(client, operator, start_call,
                                                               db_session):
    make_call(operator, "about_other", caller_phone="0912345678")
    db_session.commit()
    url = start_call()
    client.post(f"{url}/autosave", data={"save_seq": "1", "caller_phone": "0912 345 678"},
                headers=FETCH)
    assert 'class="repeat-callers"' in client.get(url).get_data(as_text=True)
