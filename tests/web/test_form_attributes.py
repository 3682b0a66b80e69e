"""Form fields carry ARIA attributes only with real values, on every form of every role.

A value printed from Python's None ("None") makes a screen reader announce every field
as invalid; after a refused submit, the field is marked invalid and points to its error.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from casework.accounts.roles import Role
from tests.hardening.surface import ANONYMOUS, Account, pages_for
from tests.support.pages import csrf_token

FIELD_TAGS = frozenset({"input", "select", "textarea", "fieldset"})


class _Attributes(HTMLParser):
    """Every element's attributes, and the ids present in the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value for name, value in attrs}
        self.elements.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(attributes["id"])


def parsed(html: str) -> _Attributes:
    parser = _Attributes()
    parser.feed(html)
    return parser


def none_attributes(html: str) -> list[str]:
    """Attributes whose value is the text "None" (or that name an id the page lacks)."""
    page = parsed(html)
    problems = []
    for tag, attributes in page.elements:
        for name, value in attributes.items():
            if value == "None":
                problems.append(f"<{tag} {name}=\"None\">")
        for reference in (attributes.get("aria-describedby") or "").split():
            if reference not in page.ids:
                problems.append(f"<{tag} aria-describedby> names missing id {reference}")
    return problems


def test_the_check_finds_a_none_attribute():
    assert none_attributes('<input aria-invalid="None" id="a">') == ['<input aria-invalid="None">']
    assert none_attributes('<input aria-describedby="b-error" id="b">') == [
        "<input aria-describedby> names missing id b-error"]
    assert none_attributes('<input aria-invalid="true" aria-describedby="c-e"><p id="c-e">') == []


@pytest.mark.parametrize("role", [ANONYMOUS, *(role.value for role in Role)])
def test_no_form_of_any_role_renders_none_attributes(app, client, db_session, role):
    account = Account(app, client, role)
    account.ensure_signed_in()
    checked, problems = 0, []
    for page in pages_for(app, role, account.user):
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        if "<form" not in html:
            continue
        checked += 1
        problems += [f"{page}: {problem}" for problem in none_attributes(html)]
    assert checked > 0, f"no page with a form for {role}"
    assert problems == []


def _field(html: str, name: str) -> dict[str, str]:
    page = parsed(html)
    return next(attributes for tag, attributes in page.elements
                if tag in FIELD_TAGS and attributes.get("name") == name)


def test_a_refused_field_is_marked_invalid_and_points_to_its_error(client, login_as):
    login_as("operator")
    page = client.get("/calls/")
    response = client.get("/calls/", query_string={"date_from": "not a date"})
    html = response.get_data(as_text=True)
    assert page.status_code == response.status_code == 200
    assert none_attributes(html) == []
    field = _field(html, "date_from")
    assert field["aria-invalid"] == "true"
    assert "date_from-error" in field["aria-describedby"].split()
    assert "date_from-error" in parsed(html).ids
    untouched = _field(html, "date_to")
    assert "aria-invalid" not in untouched and "aria-describedby" not in untouched


def test_a_refused_post_form_marks_its_field(client, login_as):
    login_as("admin")
    form_page = client.get("/admin/users/new").get_data(as_text=True)
    response = client.post("/admin/users/new", data={"csrf_token": csrf_token(form_page),
                                                     "username": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert none_attributes(html) == []
    invalid = [attributes for tag, attributes in parsed(html).elements
               if attributes.get("aria-invalid") == "true"]
    assert invalid, "no field marked invalid after a refused submit"
    for attributes in invalid:
        assert attributes.get("aria-describedby"), attributes

