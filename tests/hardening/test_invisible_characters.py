"""Text pasted from chat apps and documents carries characters nobody sees.

A phone number copied from Zalo or Facebook often holds direction marks or zero-width
spaces; the repeat-caller search must still find the same person.
"""

from __future__ import annotations

import pytest

from casework.crypto.blind_index import (
    name_search_key,
    normalise_name,
    normalise_phone,
    phone_search_key,
)

PHONE = "0912345678"
NAME = "Nguyễn Thị Lan"


@pytest.mark.parametrize("mark", ["\u200b", "\u200e", "\u200f", "\u202a", "\u202c", "\u202e",
                                  "\u2060", "\ufeff"])
def test_invisible_marks_do_not_change_a_phone_number(mark):
    for position in range(1, len(PHONE)):
        pasted = PHONE[:position] + mark + PHONE[position:]
        assert normalise_phone(pasted) == "+84912345678", repr(pasted)
        assert phone_search_key(pasted) == phone_search_key(PHONE)


@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u200e", "\ufeff"])
def test_invisible_marks_do_not_change_a_name(mark):
    assert normalise_name(f"{mark}Nguyễn{mark} Thị Lan{mark}") == "nguyen thi lan"
    assert name_search_key(f"Nguy{mark}ễn Thị Lan") == name_search_key(NAME)


def test_a_name_of_nothing_but_invisible_marks_is_no_name():
    assert name_search_key("\u200b\u200e\ufeff") is None
    assert normalise_phone("\u200b\u200e") is None
