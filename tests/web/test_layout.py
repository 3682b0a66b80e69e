"""The page frame every screen shares: landmarks, the foldable menu, icons, error pages.

How it lays out at phone and desktop widths, and axe-core's verdict, are checked in a real
browser by tests/browser/test_every_page.py and tests/browser/test_responsive.py.
"""

from __future__ import annotations

import json
import re
import uuid

from casework.cases import service
from tests.cases.builders import make_case
from tests.cases.clients import signed_in
from tests.factories import make_unit


def test_favicon_is_served_at_the_root_and_may_be_cached(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_manifest_lets_a_phone_keep_casework_on_its_home_screen(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "Casework" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]


def test_every_page_names_its_icons_and_manifest(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'href="/favicon.ico"' in page
    assert 'rel="icon" href="/static/icons/casework.svg"' in page


def test_a_page_has_one_header_main_footer_and_a_labelled_menu(client, login_as):
    login_as("social_worker")
    page = client.get("/home").get_data(as_text=True)
    for tag in ("header", "main", "footer"):
        assert len(re.findall(rf"<{tag}[\s>]", page)) == 1, tag
    assert re.search(r'<nav class="menu" aria-label="[^"]+"', page)
    # Served open: without script the menu, the language and sign-out are all reachable.
    assert re.search(r'<details class="nav-toggle" id="nav-toggle" open>', page)
    panel = page.split('<div class="nav-panel">', 1)[1].split("</details>", 1)[0]
    assert 'id="language"' in panel and 'id="logout"' in panel


def test_a_case_not_yours_and_a_missing_one_look_the_same_and_offer_the_way_home(
        app, db_session, make_user):
    unit = make_unit()
    operator = make_user("operator", unit=unit)
    owner = make_user("social_worker", unit=unit)
    other = make_user("social_worker", unit=unit)
    supervisor = make_user("supervisor", unit=unit)
    case = make_case(operator)
    service.assign_case(case, owner, by=supervisor)
    db_session.commit()
    client = signed_in(app, db_session, other)

    not_yours = client.get(f"/cases/{case.id}")
    missing = client.get(f"/cases/{uuid.uuid4()}")
    assert not_yours.status_code == missing.status_code == 404
    # The same page, but for the address the language switch returns to.
    without_path = [re.sub(r'(name="next" type="hidden" value=")[^"]*', r"\1",
                           answer.get_data(as_text=True)) for answer in (not_yours, missing)]
    assert without_path[0] == without_path[1]
    page = without_path[0]
    assert "not yours to open" in page or "không được mở" in page
    assert re.search(r'<a class="button primary" href="/" id="go-home">', page)


def test_a_missing_page_signed_out_offers_the_sign_in_page(client):
    page = client.get(f"/cases/{uuid.uuid4()}/nothing-here").get_data(as_text=True)
    assert re.search(r'<a class="button primary" href="/login" id="go-home">', page)


def test_the_error_summary_links_each_field_in_error(client, login_as):
    login_as("operator")
    response = client.post("/account/password", data={"current_password": "",
                                                       "new_password": "", "confirm_password": ""})
    page = response.get_data(as_text=True)
    summary = page.split('error-summary"', 1)[1].split("</div>", 1)[0]
    linked = re.findall(r'<a href="#([\w-]+)">', summary)
    assert linked and set(linked) <= set(re.findall(r'<input[^>]* id="([\w-]+)"', page))
    assert "current_password" in linked
    # Each entry names the field and says what is wrong with it.
    entry = re.search(r'<a href="#current_password">([^<]+)</a>', summary).group(1)
    assert ": " in entry and entry.split(": ", 1)[1].strip()


def test_caseload_cells_name_their_column_and_the_deadline_is_marked(
        app, db_session, make_user):
    unit = make_unit()
    operator, worker = make_user("operator", unit=unit), make_user("social_worker", unit=unit)
    supervisor = make_user("supervisor", unit=unit)
    case = make_case(operator)
    service.assign_case(case, worker, by=supervisor)
    db_session.commit()
    page = signed_in(app, db_session, worker).get("/cases/mine").get_data(as_text=True)
    row = page.split(f'<tr data-case="{case.code}">', 1)[1].split("</tr>", 1)[0]
    labels = re.findall(r'<td(?: class="deadline")? data-label="([^"]+)"', row)
    assert len(labels) == 5
    assert re.search(r'<td class="deadline" data-label="[^"]+">', row)
