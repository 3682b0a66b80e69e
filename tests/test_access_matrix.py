"""The route × role matrix: every endpoint has an expected audience, and requests agree with it.

The table lives in `tests/access_matrix.py`; add every new endpoint there.
"""

from __future__ import annotations

import pytest
from flask import Flask

from casework import create_app
from casework.accounts.access import allow, audience_of
from casework.accounts.roles import Role
from tests.access_matrix import EXPECTED, PUBLIC, SIGNED_IN, roles
from tests.support import databases

ANONYMOUS = "anonymous"
DENIED_CODE = 404


def matrix_problems(app: Flask, expected: dict) -> list[str]:
    """Every difference between the app's declared audiences and the expected table."""
    problems = []
    with app.app_context():
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
        for endpoint in sorted(endpoints):
            if endpoint not in expected:
                problems.append(
                    f"{endpoint} has no entry: add it with its audience to tests/access_matrix.py"
                )
            elif audience_of(endpoint) != expected[endpoint]:
                problems.append(f"{endpoint} declares {audience_of(endpoint)!r}, "
                                f"tests/access_matrix.py expects {expected[endpoint]!r}")
        for endpoint in sorted(set(expected) - endpoints):
            problems.append(f"{endpoint} is in tests/access_matrix.py but no longer exists")
    return problems


def test_every_endpoint_declares_the_expected_audience(app):
    assert matrix_problems(app, EXPECTED) == []


def test_an_endpoint_missing_from_the_table_is_reported(tmp_path, keyring):
    app = create_app(databases.settings_for(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", keyring))

    @app.get("/unlisted")
    @allow(Role.ADMIN)
    def unlisted():
        return "unlisted"

    assert ("unlisted has no entry: add it with its audience to tests/access_matrix.py"
            in matrix_problems(app, EXPECTED))
    wrong = {**EXPECTED, "unlisted": SIGNED_IN}
    assert ("unlisted declares frozenset({<Role.ADMIN: 'admin'>}), "
            "tests/access_matrix.py expects 'signed_in'") in matrix_problems(app, wrong)
    stale = {**EXPECTED, "unlisted": roles("admin"), "gone.page": PUBLIC}
    assert not any(problem.startswith("unlisted") for problem in matrix_problems(app, stale))
    assert ("gone.page is in tests/access_matrix.py but no longer exists"
            in matrix_problems(app, stale))


def parameterless_get_pages(app: Flask) -> list[tuple[str, str]]:
    """(endpoint, path) of every GET route that needs no URL argument."""
    return sorted(
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )


def expected_answer(audience, who: str, status: int, location: str) -> str | None:
    """A description of what is wrong with this answer, or None if it is right."""
    if who == ANONYMOUS:
        if audience == PUBLIC:
            return None if status < 400 else f"public page answered {status}"
        if status == 302 and location.startswith("/login"):
            return None
        return f"anonymous got {status} {location}, expected a redirect to sign-in"
    if audience == PUBLIC:
        return None if status < 400 else f"public page answered {status}"
    if audience == SIGNED_IN or who in audience:
        if status in (404, 500) or location.startswith("/login"):
            return f"allowed role got {status} {location}"
        return None
    return None if status == DENIED_CODE else f"denied role got {status}, expected 404"


@pytest.mark.parametrize("who", [ANONYMOUS, *(role.value for role in Role)])
def test_every_page_answers_each_role_as_the_table_says(app, client, login_as, who):
    if who != ANONYMOUS:
        login_as(who)
    wrong = []
    for endpoint, path in parameterless_get_pages(app):
        if endpoint not in EXPECTED:
            continue  # reported by the test above
        response = client.get(path)
        location = response.headers.get("Location", "")
        problem = expected_answer(EXPECTED[endpoint], who, response.status_code, location)
        if problem:
            wrong.append(f"{endpoint} ({path}): {problem}")
    assert wrong == []
