"""A returned plan or closure reopens with what was submitted and the supervisor's comment,
and every decision's message says what happened."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from casework.cases import lifecycle, service
from casework.cases.schedule import local_today
from tests.cases.builders import make_case
from tests.cases.clients import signed_in, version_in

GOALS = "Đưa trẻ đến nơi an toàn; khám sức khỏe; tư vấn tâm lý hằng tuần"
COMMENT = "Ghi rõ ai đưa trẻ đi khám và khi nào"


@pytest.fixture
def team(app, db_session, make_user):
    users = {"operator": make_user("operator"), "worker": make_user("social_worker"),
             "supervisor": make_user("supervisor")}
    case = make_case(users["operator"], age=30, urgency="routine")
    service.assign_case(case, users["worker"], by=users["supervisor"])
    lifecycle.record_initial_assessment(case, risk_level="medium", emergency_measures=False,
                                        findings="", by=users["worker"])
    lifecycle.record_detailed_assessment(case, risk_level="medium", needs=["health"],
                                         findings="", by=users["worker"])
    db_session.commit()
    browsers = {role: signed_in(app, db_session, users[role])
                for role in ("worker", "supervisor")}
    return users, browsers, case


def _said(app, text: str) -> str:
    """A message as the (Vietnamese) page shows it."""
    with app.test_request_context(), force_locale("vi"):
        return html.escape(gettext(text), quote=False)


def _decide(browser, path: str, **data):
    form = browser.get(path).text
    return browser.post(path, data={"version": version_in(form), **data},
                        follow_redirects=True)


def test_a_returned_plan_reopens_with_its_goals_and_the_comment(app, team, db_session):
    users, browsers, case = team
    review_on = local_today() + timedelta(days=21)
    lifecycle.submit_plan(case, goals=GOALS, review_on=review_on, by=users["worker"])
    db_session.commit()
    page = _decide(browsers["supervisor"], f"/cases/{case.id}/plan/decision",
                   decision="return", comment=COMMENT)
    assert _said(app, "Plan returned to the social worker with your comment.") in page.text
    case_page = browsers["worker"].get(f"/cases/{case.id}").text
    assert 'id="plan-returned"' in case_page
    form = browsers["worker"].get(f"/cases/{case.id}/plan").text
    assert GOALS in form and f'value="{review_on.isoformat()}"' in form
    assert 'id="returned-comment"' in form and COMMENT in form
    resubmitted = browsers["worker"].post(f"/cases/{case.id}/plan", data={
        "version": version_in(form), "goals": GOALS + "; bà ngoại đưa đi khám",
        "review_on": review_on.isoformat()})
    assert resubmitted.status_code == 302 and lifecycle.pending_plan(case) is not None


def test_approving_a_plan_says_so(app, team, db_session):
    users, browsers, case = team
    lifecycle.submit_plan(case, goals=GOALS, review_on=local_today() + timedelta(days=9),
                          by=users["worker"])
    db_session.commit()
    page = _decide(browsers["supervisor"], f"/cases/{case.id}/plan/decision", decision="approve")
    assert _said(app, "Plan approved: the case moves to support.") in page.text
    assert 'id="returned-comment"' not in browsers["worker"].get(f"/cases/{case.id}/plan").text


def test_a_returned_closure_reopens_with_its_reason_outcome_and_the_comment(app, team,
                                                                            db_session):
    users, browsers, case = team
    lifecycle.request_closure(case, reason="declined", outcome="Chị từ chối hỗ trợ thêm",
                              by=users["worker"])
    db_session.commit()
    page = _decide(browsers["supervisor"], f"/cases/{case.id}/closure/decision",
                   decision="return", comment=COMMENT)
    assert _said(app, "Closure returned to the social worker with your comment: "
                      "the case stays open.") in page.text
    form = browsers["worker"].get(f"/cases/{case.id}/closure").text
    chosen = re.search(r'<option[^>]*\bselected\b[^>]*value="declined"|'
                       r'<option[^>]*value="declined"[^>]*\bselected\b', form)
    assert chosen and "Chị từ chối hỗ trợ thêm" in form
    assert 'id="returned-comment"' in form and COMMENT in form


def test_approving_a_closure_says_the_case_is_closed(app, team, db_session):
    users, browsers, case = team
    lifecycle.request_closure(case, reason="declined", outcome="Từ chối", by=users["worker"])
    db_session.commit()
    page = _decide(browsers["supervisor"], f"/cases/{case.id}/closure/decision",
                   decision="approve")
    assert _said(app, "Closure approved: the case is closed.") in page.text
