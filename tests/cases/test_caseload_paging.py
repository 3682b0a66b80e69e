"""The caseload a page at a time, sorted and filtered by status, urgency and deadline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from casework.cases import queries, service
from casework.cases.queries import CaseloadFilters
from casework.db import utcnow
from casework.paging import PAGE_SIZE
from tests.cases.builders import make_case
from tests.cases.clients import signed_in

CASE_LINK = re.compile(r'href="/cases/([0-9a-f-]{36})"')


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def worker_with_cases(make_user, db_session):
    operator, worker = make_user("operator"), make_user("social_worker")
    supervisor = make_user("supervisor")
    urgencies = ("immediate", "urgent", "routine")
    cases = [make_case(operator, age=30, urgency=urgencies[index % 3], line="1800")
             for index in range(PAGE_SIZE + 7)]
    for index, case in enumerate(cases):
        service.assign_case(case, worker, by=supervisor)
        case.next_due_at = None if index % 5 == 0 else utcnow() + timedelta(hours=index - 10)
    db_session.commit()
    return worker, cases


def walk(client, url: str) -> list[list[str]]:
    pages = []
    while url:
        page = client.get(url).text
        pages.append(CASE_LINK.findall(page.split('id="closed-cases"')[0]))
        url = link(page, "next")
    return pages


def test_the_caseload_pages_in_its_usual_order(app, db_session, worker_with_cases):
    worker, _cases = worker_with_cases
    client = signed_in(app, db_session, worker)
    pages = walk(client, "/cases/mine")
    expected = [str(case.id) for case in queries.caseload(worker)]
    assert [len(page) for page in pages] == [PAGE_SIZE, 7]
    assert [case for page in pages for case in page] == expected


@pytest.mark.parametrize("sort", ["due", "status", "opened", "urgency"])
def test_each_sort_walks_every_case_once_in_its_order(app, db_session, worker_with_cases, sort):
    worker, cases = worker_with_cases
    client = signed_in(app, db_session, worker)
    walked = [case for page in walk(client, f"/cases/mine?sort={sort}") for case in page]
    assert sorted(walked) == sorted(str(case.id) for case in cases)
    if sort == "due":
        by_id = {str(case.id): case for case in cases}
        dues = [by_id[case].next_due_at for case in walked]
        with_due = [due for due in dues if due is not None]
        assert with_due == sorted(with_due) and dues[len(with_due):] == [None] * dues.count(None)


def test_filters_narrow_the_caseload_and_follow_the_pages(app, db_session, worker_with_cases):
    worker, cases = worker_with_cases
    immediate = {str(case.id) for case in cases if case.urgency == "immediate"}
    overdue = {str(case.id) for case in cases
               if case.next_due_at is not None and case.next_due_at < utcnow()}
    client = signed_in(app, db_session, worker)
    assert set(walk(client, "/cases/mine?urgency=immediate")[0]) == immediate
    assert {case for page in walk(client, "/cases/mine?due=overdue") for case in page} == overdue
    page = queries.caseload_page(worker, CaseloadFilters(status="closed"))
    assert page.items == []  # a closed status is no open case


@pytest.mark.parametrize("query", [
    {"sort": "<script>"}, {"status": "closed"}, {"urgency": "'; DROP TABLE cases"},
    {"due": "yesterday"}, {"after": "garbage"}, {"before": "1~2~3~4"},
    {"after": "9~9999-12-31T00:00:00+00:00~" + "f" * 32, "sort": "urgency"},
    {"after": "2026-01-01T00:00:00+00:00~" + "0" * 32, "sort": "urgency"},  # one part short
])
def test_bad_caseload_parameters_give_a_page_not_an_error(app, db_session, worker_with_cases,
                                                          query):
    worker, _cases = worker_with_cases
    response = signed_in(app, db_session, worker).get("/cases/mine", query_string=query)
    assert response.status_code == 200
    assert 'id="caseload"' in response.text


def test_each_list_of_the_overview_pages_on_its_own(app, make_user, db_session):
    operator, supervisor = make_user("operator"), make_user("supervisor")
    waiting = [make_case(operator, age=30, line="1800") for _ in range(PAGE_SIZE + 2)]
    db_session.commit()
    client = signed_in(app, db_session, supervisor)
    first = client.get("/cases/overview").text
    unassigned = first.split('id="unassigned-cases"')[1].split("</table>")[0]
    assert len(CASE_LINK.findall(unassigned)) == PAGE_SIZE
    second = client.get(link(first, "next")).text
    rest = second.split('id="unassigned-cases"')[1].split("</table>")[0]
    shown = set(CASE_LINK.findall(unassigned)) | set(CASE_LINK.findall(rest))
    assert shown == {str(case.id) for case in waiting}
    assert client.get("/cases/overview?list=unassigned&after=forged").status_code == 200


def test_a_long_audit_trail_shows_a_page_at_a_time(app, make_user, db_session):
    from casework import audit
    from casework.cases.casefile import TRAIL_PAGE

    operator, supervisor = make_user("operator"), make_user("supervisor")
    case = make_case(operator, age=30, line="1800")
    for _ in range(TRAIL_PAGE + 5):
        audit.record("case_view", "case", case.id, actor_id=supervisor.id)
    db_session.commit()
    client = signed_in(app, db_session, supervisor)
    seq = re.compile(r'<tr><td class="num">(\d+)</td>')

    def trail(url):
        page = client.get(url).text
        return [int(n) for n in seq.findall(page.split('id="audit-trail"')[1])], page

    newest, page = trail(f"/cases/{case.id}")
    assert len(newest) == TRAIL_PAGE and newest == sorted(newest, reverse=True)
    older, _ = trail(link(page, "next"))
    assert older and max(older) < min(newest)
    for forged in ("x", "-5", "9" * 40, "١٢"):
        shown, _ = trail(f"/cases/{case.id}?trail_before={forged}")
        assert len(shown) == TRAIL_PAGE and shown[0] > newest[0]  # the newest page again
