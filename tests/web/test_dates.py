"""One date entry: typed dd/mm/yyyy and its obvious variants, impossible dates told apart."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from casework.web.dates import (
    IMPOSSIBLE,
    UNREADABLE,
    DayFormatError,
    ImpossibleDayError,
    day_error,
    parse_day,
    show_day,
)


@pytest.mark.parametrize("text", ["31/12/2026", "31-12-2026", "31.12.2026", "2026-12-31",
                                  " 31 / 12 / 2026 "])
def test_the_usual_ways_of_typing_a_date(text):
    assert parse_day(text) == date(2026, 12, 31)


def test_day_and_month_without_leading_zeros_read_day_first():
    assert parse_day("1/2/2026") == date(2026, 2, 1)
    assert parse_day("3/4/2025") == date(2025, 4, 3)


@pytest.mark.parametrize("text", ["31/02/2025", "29/02/2025", "00/01/2025", "15/13/2025",
                                  "2025-02-30"])
def test_an_impossible_date_is_impossible_not_unreadable(text):
    with pytest.raises(ImpossibleDayError):
        parse_day(text)
    assert day_error(text) == IMPOSSIBLE


@pytest.mark.parametrize("text", ["tomorrow", "31/12/26", "12/2026", "31122026", "2026/12/31x"])
def test_an_unreadable_date_asks_for_the_format(text):
    with pytest.raises(DayFormatError):
        parse_day(text)
    assert day_error(text) == UNREADABLE


def test_a_blank_date_is_none():
    assert parse_day("") is None and parse_day("  ") is None and day_error("") is None
    assert parse_day("29/02/2024") == date(2024, 2, 29)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_every_shown_date_reads_back(day):
    assert parse_day(show_day(day)) == day


def test_the_field_keeps_the_text_and_says_why(app):
    from flask_wtf import FlaskForm

    from casework.web.dates import DayField

    class Form(FlaskForm):
        class Meta:
            csrf = False

        on = DayField("On")

    with app.test_request_context():
        impossible = Form(formdata=MultiDict({"on": "31/02/2025"}))
        assert not impossible.validate()
        assert impossible.on.errors == [IMPOSSIBLE] and impossible.on.data == "31/02/2025"
        assert 'value="31/02/2025"' in impossible.on()
        far = Form(formdata=MultiDict({"on": "1/1/1999"}))
        assert not far.validate() and "01/01/2000" in str(far.on.errors[0])
        fine = Form(formdata=MultiDict({"on": "5.6.2026"}))
        assert fine.validate() and fine.on.day == date(2026, 6, 5)
        shown = Form(data={"on": date(2026, 6, 5)}).on()
        assert 'value="05/06/2026"' in shown and 'type="text"' in shown
        assert "data-datepicker" in shown and 'type="date"' not in shown


@pytest.mark.parametrize("role", ["operator", "social_worker", "supervisor", "board", "admin"])
def test_no_page_uses_the_browsers_date_input(app, client, db_session, role):
    from tests.hardening.surface import Account, pages_for

    account = Account(app, client, role)
    account.ensure_signed_in()
    pickers, browser_dates = 0, []
    for page in pages_for(app, role, account.user):
        html = client.get(page).get_data(as_text=True)
        pickers += html.count("data-datepicker")
        if 'type="date"' in html or 'type="datetime-local"' in html:
            browser_dates.append(page)
    assert browser_dates == []
    if role != "admin":
        assert pickers > 0, f"no date field found for {role}"
