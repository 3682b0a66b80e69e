"""The draft: saved to the server as the operator types, encrypted, resumable, theirs alone."""

import re

import sqlalchemy as sa

from casework.intake.models import CallDraft
from casework.intake.service import draft_contents
from tests.intake.conftest import draft_at, valid_form

FETCH = {"X-Requested-With": "fetch"}


def autosave(client, url, seq, **fields):
    return client.post(f"{url}/autosave", data={"save_seq": str(seq), **fields}, headers=FETCH)


def test_autosave_stores_what_was_typed_encrypted(client, operator, start_call, db_session):
    url = start_call()
    response = autosave(client, url, 1, survivor_name="Nguyễn Thị Mai",
                        violence_forms=["physical", "sexual"])
    assert response.status_code == 200 and response.json["saved"] is True
    draft = draft_at(url)
    assert draft_contents(draft) == {"survivor_name": ["Nguyễn Thị Mai"],
                                     "violence_forms": ["physical", "sexual"]}
    table = CallDraft.__table__
    stored = db_session.execute(sa.select(table.c.contents).where(table.c.id == draft.id)
                                ).scalar_one()
    assert stored.startswith("v1:") and "Mai" not in stored


def test_an_older_save_arriving_late_does_not_overwrite_a_newer_one(client, operator,
                                                                   start_call):
    url = start_call()
    autosave(client, url, 5, narrative="newer")
    late = autosave(client, url, 4, narrative="older")
    assert late.json["saved"] is False
    assert draft_contents(draft_at(url))["narrative"] == ["newer"]


def test_a_closed_tab_loses_nothing_the_draft_is_resumed_from_the_desk(client, operator,
                                                                       start_call):
    url = start_call()
    autosave(client, url, 1, survivor_name="Phạm Văn Tú", narrative="Cháu bị đánh",
             urgency="urgent", violence_forms=["physical"], line="1800", service_line="")
    desk = client.get("/calls/desk").get_data(as_text=True)
    assert url.split("/calls")[-1] in desk
    page = client.get(url).get_data(as_text=True)
    assert 'value="Phạm Văn Tú"' in page and "Cháu bị đánh" in page
    assert re.search(r'<input checked id="urgency-\d" name="urgency" required type="radio" '
                     r'value="urgent">', page)
    assert draft_at(url).line == "1800"


def test_saving_without_script_goes_back_to_the_form(client, operator, start_call):
    url = start_call()
    response = client.post(f"{url}/autosave", data={"narrative": "no script"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert draft_contents(draft_at(url))["narrative"] == ["no script"]


def test_a_draft_is_only_its_operators(client, operator, start_call, app, make_user,
                                       db_session):
    url = start_call()
    autosave(client, url, 1, narrative="private")
    from tests.factories import PASSWORD

    other = make_user("operator")
    db_session.commit()
    browser = app.test_client()
    browser.post("/login", data={"username": other.username, "password": PASSWORD})
    assert browser.get(url).status_code == 404
    assert browser.post(f"{url}/autosave", data={"narrative": "x"}).status_code == 404
    assert browser.post(f"{url}/close", data={"call_type": "silent"}).status_code == 404
    assert browser.post(f"{url}/log", data=valid_form()).status_code == 404
    assert browser.post(f"{url}/discard").status_code == 404
    assert url.split("/calls")[-1] not in browser.get("/calls/desk").get_data(as_text=True)
    assert draft_contents(draft_at(url))["narrative"] == ["private"]


def test_a_call_started_by_mistake_is_discarded(client, operator, start_call, db_session):
    url = start_call()
    assert client.post(f"{url}/discard").status_code == 302
    assert draft_at(url) is None
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CallDraft)) == 0


def test_an_unknown_line_does_not_start_a_call(client, operator, db_session):
    response = client.post("/calls/start", data={"line": "113", "channel": "phone"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/calls/desk")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CallDraft)) == 0
