"""A referral step's message says what the answer was, not only that one was recorded."""

from __future__ import annotations

import html

from flask_babel import force_locale, gettext

from tests.cases.clients import signed_in, version_in
from tests.referrals.test_consent import provider, referral_for, team  # noqa: F401 (fixtures)


def _said(app, text: str) -> str:
    with app.test_request_context(), force_locale("vi"):
        return html.escape(gettext(text), quote=False)


def _step(browser, page: str, step: str, **data) -> str:
    version = version_in(browser.get(page).text)
    return browser.post(f"{page}/{step}", data={"version": version, **data},
                        follow_redirects=True).text


def test_consent_and_the_agencys_answer_say_which_way_they_went(app, team, provider,  # noqa: F811
                                                                 db_session):
    refused_case, refused = referral_for(team, provider, 34)
    case, referral = referral_for(team, provider, 34)
    db_session.commit()
    worker = signed_in(app, db_session, team["worker"])
    refused_page = f"/cases/{refused_case.id}/referrals/{refused.id}"
    assert _said(app, "Consent refused: the referral will not be sent.") in _step(
        worker, refused_page, "consent", survivor_consent="no")
    page = f"/cases/{case.id}/referrals/{referral.id}"
    assert _said(app, "Consent given: the referral can be sent.") in _step(
        worker, page, "consent", survivor_consent="yes")
    _step(worker, page, "send")
    assert _said(app, "The agency declined the referral.") in _step(
        worker, page, "response", response="decline")
