"""Blind indexes: normalisation, automatic filling, and exact lookups through candidates."""

from __future__ import annotations

import dataclasses
import random
import unicodedata

import phonenumbers
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from casework.crypto import find_by_blind_index, normalise_name, normalise_phone
from casework.crypto.blind_index import (
    _quick_vietnamese_e164,
    compute_index,
    find_ids_by_blind_index,
    index_value,
    without_invisible,
)
from casework.crypto.keyring import with_new_primary
from tests.crypto.scratch_models import Person

SAME_PHONE = ["0912 345 678", "0912-345-678", "+84 912 345 678", "84912345678"]


@pytest.mark.parametrize("typed", SAME_PHONE + ["(+84) 912.345.678", "0084912345678"])
def test_every_way_of_typing_a_vietnamese_mobile_gives_one_e164(typed):
    assert normalise_phone(typed) == "+84912345678"


@pytest.mark.parametrize("typed", ["", "   ", None, "abc", "112"])
def test_what_is_not_a_possible_number_normalises_to_none(typed):
    assert normalise_phone(typed) is None


def test_a_foreign_number_keeps_its_country_code():
    assert normalise_phone("+1 650 253 0000") == "+16502530000"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nguyễn Thị Hoa", "nguyen thi hoa"),
        ("nguyen thi  hoa", "nguyen thi hoa"),
        ("  ĐẶNG\tVăn\nĐức ", "dang van duc"),
        (unicodedata.normalize("NFD", "Trần Thị Lý"), "tran thi ly"),
        ("H'Mông", "h'mong"),
    ],
)
def test_names_lose_case_diacritics_and_extra_spaces(typed, expected):
    assert normalise_name(typed) == expected


def _parsed_e164(text: str) -> str | None:
    """What `phonenumbers` itself makes of a number: the reference for the quick path."""
    number = phonenumbers.parse(text, "VN")
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_plainly_typed_vietnamese_numbers_get_the_e164_phonenumbers_gives():
    rng = random.Random(84)
    shapes = ["0{}", "+84{}", "0{0}{1} {2}{3}{4} {5}{6}{7}{8}", "+84 {0}{1}{2}.{3}{4}{5}.{6}{7}{8}",
              "0{0}{1}{2}-{3}{4}{5}-{6}{7}{8}"]
    for prefix in range(100, 1000):  # every first three digits, each in every shape
        digits = f"{prefix}{rng.randrange(10**6):06d}"
        for shape in shapes:
            typed = shape.format(digits) if shape.count("{") == 1 else shape.format(*digits)
            quick = _quick_vietnamese_e164(typed)
            assert quick is not None and quick == _parsed_e164(typed), typed


@pytest.mark.parametrize("typed", ["0012345678", "091234567", "09123456789", "0912  345 678",
                                   "84912345678", "+840912345678", " 0912345678"])
def test_other_shapes_are_left_to_phonenumbers(typed):
    assert _quick_vietnamese_e164(typed) is None


def _reference_name(text: str) -> str:
    """The plain statement of name normalisation, which the translation table must equal."""
    folded = unicodedata.normalize("NFD", without_invisible(text).casefold()).replace("đ", "d")
    stripped = "".join(char for char in folded if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFC", stripped).split())


@given(st.text())
def test_name_normalisation_equals_its_plain_statement(text):
    assert normalise_name(text) == _reference_name(text)


@given(st.text())
def test_name_normalisation_is_idempotent_and_leaves_no_marks(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert not any(unicodedata.combining(char) for char in unicodedata.normalize("NFD", once))
    assert "  " not in once and once == once.strip()


@given(st.integers(min_value=8, max_value=32), st.text(min_size=1))
def test_index_values_fit_the_configured_bits_and_a_signed_integer(keyring, bits, text):
    value = index_value(keyring.primary, "name", text, bits)
    assert -(2**31) <= value < 2**31
    if bits < 32:
        assert 0 <= value < 2**bits


def test_assigning_a_plaintext_fills_the_index_under_the_primary_key(app, keyring, add_person):
    person = add_person(name="Nguyễn Thị Hoa", phone="0912 345 678")
    bits = app.extensions["casework.settings"].blind_index_bits
    assert person.phone_index == compute_index(keyring.primary, "phone", "+84912345678", bits)
    assert person.name_index == compute_index(keyring.primary, "name", "nguyen thi hoa", bits)
    person.phone = None
    assert person.phone_index is None


def test_moving_a_sealed_value_leaves_the_index_alone(add_person):
    person = add_person(phone="0912 345 678")
    index = person.phone_index
    person.phone = person.phone  # a Sealed envelope, as rotation or a copy assigns it
    assert person.phone_index == index


def test_every_way_of_typing_the_number_finds_the_same_person(add_person):
    person = add_person(phone="0912 345 678")
    add_person(phone="0912 345 679")
    for typed in SAME_PHONE:
        assert find_by_blind_index(Person, "phone", typed) == [person]


def test_accents_spacing_and_case_do_not_matter_for_names(add_person):
    person = add_person(name="Nguyễn Thị Hoa")
    add_person(name="Nguyễn Thị Hòa Bình")
    assert find_by_blind_index(Person, "name", "nguyen thi  hoa") == [person]
    assert find_by_blind_index(Person, "name_index", "NGUYỄN THỊ HOA") == [person]


def test_a_select_statement_keeps_its_own_conditions(add_person):
    first = add_person(phone="0912 345 678", note="first")
    add_person(phone="0912345678", note="second")
    statement = sa.select(Person).where(Person.id == first.id)
    assert find_by_blind_index(statement, "phone", "+84912345678") == [first]


def test_nothing_to_search_finds_nothing(add_person):
    add_person(phone="0912 345 678", name="Hoa")
    assert find_by_blind_index(Person, "phone", "   ") == []
    assert find_by_blind_index(Person, "name", "") == []


def test_an_attribute_without_index_is_refused(add_person):
    with pytest.raises(ValueError, match="no blind index"):
        find_by_blind_index(Person, "note", "x")


def test_records_indexed_under_an_older_key_are_still_found(app, keyring, add_person,
                                                           monkeypatch):
    old = add_person(phone="0912 345 678")
    monkeypatch.setitem(app.extensions, "casework.keyring", with_new_primary(keyring))
    new = add_person(phone="+84912345678")
    assert old.phone.split(":")[1] != new.phone.split(":")[1]  # sealed under different keys
    assert {p.id for p in find_by_blind_index(Person, "phone", "0912-345-678")} == {old.id, new.id}


def test_a_colliding_index_value_is_not_a_match(app, keyring, add_person, monkeypatch):
    settings = dataclasses.replace(app.extensions["casework.settings"], blind_index_bits=8)
    monkeypatch.setitem(app.extensions, "casework.settings", settings)
    target = add_person(phone="0912 345 678")
    other = next(
        f"0912 {n:06d}" for n in range(100_000)
        if compute_index(keyring.primary, "phone", f"0912 {n:06d}", 8) == target.phone_index
        and normalise_phone(f"0912 {n:06d}") != "+84912345678"
    )
    stored_other = add_person(phone=other)
    assert stored_other.phone_index == target.phone_index
    assert find_by_blind_index(Person, "phone", "0912345678") == [target]
    assert find_ids_by_blind_index(Person, "phone", "0912345678") == [(target.id,)]


@pytest.mark.parametrize("typed", SAME_PHONE)
def test_plain_rows_find_what_the_records_find(add_person, typed):
    person = add_person(phone="0912 345 678", name="Hoa")
    add_person(phone="0912 345 679", name="Lan")
    assert find_by_blind_index(Person, "phone", typed) == [person]
    assert find_ids_by_blind_index(Person, "phone", typed, Person.name_index) == [
        (person.id, person.name_index)]
    assert find_ids_by_blind_index(Person, "phone", "   ") == []
