"""The draft: saved to the server as the operator types, encrypted, resumable, theirs alone."""

import re
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from casework.intake.models import CallDraft
from casework.intake.service import draft_contents
from tests.intake.conftest import draft_at, valid_form

FETCH = {"X-Requested-With": "fetch"}


TAB_A, TAB_B = "a" * 24, "b" * 24  # the random names two pages give themselves


def autosave(client, url, seq, *, base=0, writer=TAB_A, **fields):
    """A save as the page's script sends it: its number, the version it holds, which page."""
    return client.post(f"{url}/autosave", headers=FETCH, data={
        "save_seq": str(seq), "base_version": str(base), "writer": writer, **fields})


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
    assert late.json["saved"] is False and late.json["reason"] == "stale"
    assert draft_contents(draft_at(url))["narrative"] == ["newer"]


def test_a_reload_race_keeps_the_newest_text_whichever_save_lands_last(client, operator,
                                                                     start_call):
    url = start_call()
    assert autosave(client, url, 1, narrative="Cháu").json["version"] == 1
    # The reloaded page (same tab, next number) saves before the old page's beacon lands.
    assert autosave(client, url, 3, base=1, narrative="Cháu bị đánh, mẹ đi vắng").json["saved"]
    beacon = autosave(client, url, 2, base=1, narrative="Cháu bị đánh")
    assert beacon.status_code == 409 and beacon.json["saved"] is False
    assert draft_contents(draft_at(url))["narrative"] == ["Cháu bị đánh, mẹ đi vắng"]


def test_a_second_tab_cannot_overwrite_what_the_first_saved(client, operator, start_call):
    url = start_call()  # both tabs opened the draft at version 0
    first = autosave(client, url, 1, writer=TAB_A, narrative="typed in the first tab")
    assert first.json == {**first.json, "saved": True, "version": 1}
    second = autosave(client, url, 1, writer=TAB_B, narrative="typed in the second tab")
    assert second.status_code == 409
    assert second.json["saved"] is False and second.json["reason"] == "conflict"
    assert "tab" in second.json["message"] or "thẻ" in second.json["message"]
    assert "Đã lưu" not in second.json["message"]
    assert draft_contents(draft_at(url))["narrative"] == ["typed in the first tab"]
    # Told, the operator may choose this tab's text: a save on the version it was shown.
    kept = autosave(client, url, 2, base=second.json["version"], writer=TAB_B,
                    narrative="typed in the second tab")
    assert kept.json["saved"] is True
    assert draft_contents(draft_at(url))["narrative"] == ["typed in the second tab"]
    assert autosave(client, url, 2, base=1, writer=TAB_A, narrative="x").json["saved"] is False


def test_a_save_from_a_page_without_a_valid_name_needs_the_current_version(
        client, operator, start_call):
    url = start_call()
    autosave(client, url, 1, narrative="first")
    for writer in ("", "<script>", "A" * 24, "a" * 40):
        answer = autosave(client, url, 99, base=0, writer=writer, narrative="forged")
        assert answer.json["reason"] == "conflict"
    assert draft_contents(draft_at(url))["narrative"] == ["first"]


def test_the_saved_time_is_the_servers_in_the_pages_time_zone(client, operator, start_call,
                                                              app):
    url = start_call()
    answer = autosave(client, url, 1, narrative="x").json
    zone = ZoneInfo(app.extensions["casework.settings"].timezone)
    saved_at = draft_at(url).saved_at.astimezone(zone)
    assert answer["saved_at_text"] == saved_at.strftime("%H:%M:%S")
    assert answer["message"] == f"Đã lưu nháp lúc {saved_at:%H:%M:%S}"
    assert f"Đã lưu nháp lúc {saved_at:%H:%M:%S}" in client.get(url).get_data(as_text=True)


def test_a_save_to_a_call_logged_or_discarded_elsewhere_says_so(client, operator, start_call):
    logged, discarded = start_call(), start_call()
    assert client.post(f"{logged}/log", data=valid_form()).status_code == 302
    client.post(f"{discarded}/discard")
    answer = autosave(client, logged, 1, narrative="late")
    assert answer.status_code == 409 and answer.json["reason"] == "logged"
    answer = autosave(client, discarded, 1, narrative="late")
    assert answer.status_code == 404 and answer.json["reason"] == "gone"
    assert answer.json["saved"] is False and answer.json["message"]


def test_without_script_a_refused_save_keeps_the_text_and_says_so(client, operator,
                                                                  start_call, db_session):
    url = start_call()
    autosave(client, url, 1, narrative="saved from the other tab")
    response = client.post(f"{url}/autosave", data={"base_version": "0",
                                                    "narrative": "typed without script"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "typed without script" in page
    assert "Chưa lưu" in page and "Đã lưu bản nháp." not in page
    assert draft_contents(draft_at(url))["narrative"] == ["saved from the other tab"]
    # The page now holds the current version: saving again keeps this text, as it says.
    version = re.search(r'name="base_version" id="base_version" value="(\d+)"', page).group(1)
    again = client.post(f"{url}/autosave", data={"base_version": version,
                                                 "narrative": "typed without script"})
    assert again.status_code == 302
    assert draft_contents(draft_at(url))["narrative"] == ["typed without script"]


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
