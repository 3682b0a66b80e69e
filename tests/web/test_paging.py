"""Lists paged by key: every row once, in order, both ways; bad keys give a usable page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

import casework.paging
from casework.db import utcnow
from casework.paging import PAGE_SIZE
from tests.factories import make_call

CALL_LINK = re.compile(r'href="/calls/([0-9a-f-]{36})"')


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def many_calls(login_as, db_session):
    """Two and a half pages of calls, a page's worth of them started at the same instant."""
    operator = login_as("operator")
    calls = [make_call(operator, "hang_up") for _ in range(PAGE_SIZE * 2 + PAGE_SIZE // 2)]
    same = utcnow() - timedelta(hours=1)
    for index, call in enumerate(calls):
        call.started_at = same if index % 2 else same - timedelta(minutes=index)
        call.ended_at = call.started_at
    db_session.commit()
    newest_first = sorted(calls, key=lambda call: (call.started_at, call.id.hex), reverse=True)
    return [str(call.id) for call in newest_first]


def test_walking_the_pages_forth_and_back_shows_every_call_once_in_order(client, many_calls):
    pages, url = [], "/calls/"
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(CALL_LINK.findall(page))
        url = link(page, "next")
    assert [len(page) for page in pages] == [PAGE_SIZE, PAGE_SIZE, PAGE_SIZE // 2]
    assert [call for page in pages for call in page] == many_calls
    back, url = [], link(page, "prev")
    while url:
        page = client.get(url).get_data(as_text=True)
        back.append(CALL_LINK.findall(page))
        url = link(page, "prev")
    assert back == pages[-2::-1]


def test_filters_are_kept_from_page_to_page(client, many_calls):
    page = client.get("/calls/", query_string={"line": "111"}).get_data(as_text=True)
    assert "line=111" in link(page, "next")


@pytest.mark.parametrize("key", ["nonsense", "2026-01-01T00:00:00~zz", "~", "x" * 500,
                                 "2026-01-01T00:00:00~" + "0" * 32,  # a time without offset
                                 "99999-01-01T00:00:00+00:00~" + "0" * 32, "\u202e~\U0001f600"])
def test_a_forged_page_key_gives_the_first_page_and_says_so(client, many_calls, key):
    for name in ("after", "before"):
        response = client.get("/calls/", query_string={name: key})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert CALL_LINK.findall(page) == many_calls[:PAGE_SIZE]
        assert "page-notice" in page


def test_a_key_past_the_end_gives_an_empty_page_with_the_way_back(client, many_calls):
    past = "2000-01-01T00:00:00+00:00~" + "0" * 32
    page = client.get("/calls/", query_string={"after": past, "line": "111"}).get_data(as_text=True)
    assert CALL_LINK.findall(page) == []
    assert 'href="/calls/?line=111"' in page and "page-notice" in page


def test_a_large_total_is_shown_as_more_than_the_limit(client, many_calls, monkeypatch):
    monkeypatch.setattr(casework.paging, "COUNT_LIMIT", PAGE_SIZE)
    page = client.get("/calls/").get_data(as_text=True)
    assert re.search(rf"More than {PAGE_SIZE} calls found|Tìm thấy hơn {PAGE_SIZE} cuộc gọi", page)
