"""The shared form components on the server side: groups of choices, counters, the error
summary, searchable lists and the directory's filters."""

from __future__ import annotations

import re

from casework import taxonomy
from casework.referrals import directory, service
from tests.support.pages import csrf_token
from tests.web.test_form_attributes import none_attributes, parsed


def _provider(supervisor, name, kind, commune=None):
    return service.create_provider(name=name, service_type=kind, commune_code=commune,
                                   contact="", by=supervisor)


def test_the_directory_filters_by_kind_and_commune(client, login_as, make_user, db_session):
    supervisor = make_user("supervisor")
    commune = taxonomy.configured_communes().choices()[0][0]
    _provider(supervisor, "Bệnh viện Đa khoa tỉnh", "health")
    _provider(supervisor, "Trạm y tế xã", "health", commune)
    _provider(supervisor, "Trung tâm trợ giúp pháp lý", "legal_aid", commune)
    db_session.commit()
    login_as("social_worker")
    health = client.get("/services/", query_string={"service_type": "health"}).text
    assert "Trạm y tế xã" in health and "Bệnh viện Đa khoa tỉnh" in health
    assert "Trung tâm trợ giúp pháp lý" not in health
    both = client.get("/services/", query_string={"service_type": "health",
                                                  "commune_code": commune}).text
    assert "Trạm y tế xã" in both and "Bệnh viện Đa khoa tỉnh" not in both
    refused = client.get("/services/", query_string={"service_type": "spaceship"})
    assert refused.status_code == 200 and 'id="service_type-error"' in refused.text
    assert "Trung tâm trợ giúp pháp lý" in refused.text  # a bad filter hides nothing


def test_an_agency_choice_names_its_kind_and_commune(make_user, db_session):
    supervisor = make_user("supervisor")
    commune = taxonomy.configured_communes().choices()[0]
    provider = _provider(supervisor, "Trạm y tế xã", "health", commune[0])
    ((_, label),) = directory.provider_choices([provider])
    assert label.split(" · ")[1:] == ["Trạm y tế xã", str(commune[1])]


def test_searchable_lists_are_marked_on_the_call_form_and_the_referral(client, login_as):
    login_as("operator")
    desk = client.get("/calls/desk").text
    response = client.post("/calls/start", data={"csrf_token": csrf_token(desk), "line": "111",
                                                 "channel": "phone"})
    html = client.get(response.headers["Location"]).text
    for name in ("survivor_commune", "survivor_ethnicity"):
        assert re.search(rf'<select[^>]*data-picklist=""[^>]*id="{name}"', html), name
    assert not re.search(r'<select[^>]*data-picklist[^>]*id="survivor_sex"', html)


def test_radio_and_checkbox_groups_are_fieldsets_not_bullets(client, login_as, db_session):
    from tests.hardening.surface import Account, pages_for

    account = Account(client.application, client, "social_worker")
    account.ensure_signed_in()
    page = next(p for p in pages_for(client.application, "social_worker", account.user)
                if p.endswith("/assessment/detailed"))
    html = client.get(page).text
    assert '<fieldset class="field choice-group  columns" id="needs"' in html
    assert "<ul" not in html.split('id="step-form"')[1].split("</form>")[0]
    assert re.search(r'<label class="choice"><input id="needs-0"[^>]*type="checkbox"[^>]*> '
                     r"<span>", html)
    assert 'id="needs-0" name="needs" required' not in html  # one box is not required alone


def test_a_refused_form_lists_its_errors_linked_to_the_fields(client, login_as, db_session):
    from tests.hardening.surface import Account, pages_for

    account = Account(client.application, client, "social_worker")
    account.ensure_signed_in()
    page = next(p for p in pages_for(client.application, "social_worker", account.user)
                if p.endswith("/assessment/detailed"))
    form = client.get(page).text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    html = client.post(page, data={"csrf_token": csrf_token(form), "version": version,
                                   "findings": "x"}).text
    summary = html.split('class="flash flash-error error-summary"')[1].split("</div>")[0]
    assert 'href="#risk_level-0"' in summary and 'href="#needs-0"' in summary
    ids = parsed(html).ids
    assert {"risk_level-0", "needs-0", "risk_level-error", "needs-error"} <= ids
    assert none_attributes(html) == []


def test_a_long_text_shows_its_limit_and_a_short_one_does_not(client, login_as, db_session):
    from tests.hardening.surface import Account, pages_for

    account = Account(client.application, client, "social_worker")
    account.ensure_signed_in()
    case = next(p for p in pages_for(client.application, "social_worker", account.user)
                if re.fullmatch(r"/cases/[0-9a-f-]{36}", p))
    html = client.get(case).text
    assert re.search(r'<p class="counter" id="body-counter" data-counter-for="body" '
                     r'data-max="\d+"', html)
    assert 'aria-describedby="description-counter"' in html
    assert "due_on-counter" not in html
