"""The caseload and the supervisor's overview: order, overdue, unassigned, the chart."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from casework.cases import queries, service
from casework.cases.display import remaining_text
from casework.db import utcnow
from tests.cases.builders import make_case
from tests.cases.clients import signed_in


def test_the_caseload_puts_the_most_urgent_and_soonest_due_first(make_user, db_session):
    operator, worker = make_user("operator"), make_user("social_worker")
    supervisor = make_user("supervisor")
    now = utcnow()
    routine = make_case(operator, age=30, urgency="routine", line="1800")
    urgent_late = make_case(operator, age=8, urgency="urgent", started_at=now - timedelta(hours=2))
    urgent_soon = make_case(operator, age=8, urgency="urgent",
                            started_at=now - timedelta(hours=11))
    immediate = make_case(operator, age=40, urgency="immediate", line="1800")
    for case in (routine, urgent_late, urgent_soon, immediate):
        service.assign_case(case, worker, by=supervisor)
    assert queries.caseload(worker) == [immediate, urgent_soon, urgent_late, routine]


def test_the_overview_counts_by_status_and_lists_overdue_and_unassigned(
        app, make_user, db_session):
    operator, worker = make_user("operator"), make_user("social_worker")
    supervisor = make_user("supervisor")
    overdue = make_case(operator, age=6, urgency="immediate",
                        started_at=utcnow() - timedelta(hours=20))
    waiting = make_case(operator, age=30, line="1800")
    service.assign_case(make_case(operator, age=30, line="1800"), worker, by=supervisor)
    summary = queries.overview(supervisor)
    assert dict(summary.by_status) == {"new": 2, "initial_assessment": 1,
                                       "detailed_assessment": 0, "plan": 0, "in_support": 0,
                                       "review": 0}
    assert summary.overdue.items == [overdue]
    assert set(summary.unassigned.items) == {overdue, waiting}
    assert [(user, count) for user, count in summary.workers] == [(worker, 1)]
    page = signed_in(app, db_session, supervisor).get("/cases/overview").text
    bars = dict(re.findall(r'<text [^>]*class="chart-label">'
                           r'([^<]+)</text><rect [^>]*data-count="(\d+)"', page))
    assert bars["Mới tiếp nhận"] == "2" and bars["Đánh giá ban đầu"] == "1"


def test_countdowns_read_as_time_left_or_overdue(app):
    now = datetime(2026, 3, 2, 8, 0, tzinfo=utcnow().tzinfo)
    with app.test_request_context():
        assert remaining_text(now + timedelta(hours=3, minutes=20), now) == "còn 3 giờ 20 phút"
        assert remaining_text(now - timedelta(hours=2), now) == "quá hạn 2 giờ 0 phút"
        assert remaining_text(now + timedelta(days=4, hours=5), now) == "còn 4 ngày 5 giờ"


def test_case_rows_escape_what_they_show(app, make_user, db_session):
    operator = make_user("operator")
    worker = make_user("social_worker", display_name='<img src=x onerror="alert(1)">')
    supervisor = make_user("supervisor")
    overdue = make_case(operator, age=6, urgency="immediate",
                        started_at=utcnow() - timedelta(hours=20))
    service.assign_case(overdue, worker, by=supervisor)
    page = signed_in(app, db_session, supervisor).get("/cases/overview").text
    [row] = re.findall(rf'<tr data-case="{overdue.code}">.*?</tr>', page, re.S)
    shown_name = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert re.search(rf'<td data-label="[^"<>]+">{re.escape(shown_name)}</td>', row)
    assert "<img" not in row
    assert f'href="/cases/{overdue.id}"' in row and "quá hạn" in row
