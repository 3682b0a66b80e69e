"""Hostile input on every form the application shows, for every role, driven by Hypothesis.

For each submission: no error page (5xx), nothing hostile shown unescaped, no template
evaluated; when the form comes back with errors, no record was written and the user's
other input is still in the form.

CASEWORK_HOSTILE_EXAMPLES sets the submissions per form (default 12).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.accounts.roles import Role
from tests import factories
from tests.hardening.conftest import loop_count
from tests.hardening.forms import Form, FormField, forms_in, local_path
from tests.hardening.hostile import HOSTILE_VALUES, hostile_text, unescaped_markup
from tests.hardening.surface import (
    ANONYMOUS,
    RECORD_PROVIDERS,
    Account,
    discover_forms,
    pages_for,
    row_counts,
    url_arguments,
)

pytestmark = pytest.mark.slow

EXAMPLES = loop_count("HOSTILE_EXAMPLES", 12)
# Tables a refused submission may still write to: the audit trail records refusals and
# views, throttling counts refusals, and the call screen keeps its draft on the server.
WRITTEN_ON_REFUSAL = frozenset({"audit_entries", "login_throttles", "auth_sessions",
                                "call_drafts"})
TALLY = {"submissions": 0}


def field_value(draw, field: FormField):
    """What an attacker sends for one field: hostile text, or a valid choice now and then."""
    if field.kind in ("checkbox",) or (field.kind == "select" and field.multiple):
        chosen = draw(st.lists(st.sampled_from(field.options or [""]), unique=True, max_size=3))
        return chosen + draw(st.lists(hostile_text(), max_size=1))
    if field.options and draw(st.integers(0, 3)) > 0:
        return draw(st.sampled_from(field.options))
    return draw(hostile_text())


def submit(client, form: Form, values: dict):
    path = local_path(form.action)
    if form.method == "get":
        return client.get(path, query_string=values)
    return client.post(path, data=values)


def kept_input_problems(form: Form, sent: dict, response_html: str, page_url: str) -> list[str]:
    """Text fields whose value did not come back in the re-displayed form."""
    again = [f for f in forms_in(response_html, page_url) if f.signature == form.signature]
    if not again:
        return []
    problems = []
    for name, field in form.fields.items():
        value = sent.get(name)
        if not field.is_text or field.kind in ("password", "hidden") or not isinstance(value, str):
            continue
        shown = again[0].fields.get(name)
        if shown is not None and shown.value not in _acceptable(value):
            problems.append(f"{name}: sent {value[:60]!r}, shown {shown.value[:60]!r}")
    return problems


def _acceptable(value: str) -> set[str]:
    """What a kept value may look like: as typed, or trimmed of spaces and NUL characters."""
    cleaned = value.replace("\x00", "")
    return {value, value.strip(), cleaned, cleaned.strip(),
            value.replace("\r\n", "\n"), value.replace("\r", "")}


PLAUSIBLE = {"number": "12", "date": "2020-01-31", "tel": "0912345678", "email": "a@example.org",
             "time": "10:30", "datetime-local": "2026-01-31T10:30"}


def baseline(form: Form) -> dict:
    """Values a person might really send: the form's own defaults and plain text."""
    values = {}
    for name, field in form.fields.items():
        if name == "csrf_token" or field.kind == "checkbox":
            continue
        if field.options:
            values[name] = field.value or next((o for o in field.options if o), "")
        elif field.is_text:
            values[name] = field.value or PLAUSIBLE.get(field.kind, "Lan")
    return values


def check_answer(form: Form, values: dict, response, before: dict[str, int]) -> None:
    """No error page, nothing unescaped; a refused form wrote nothing and kept the input."""
    TALLY["submissions"] += 1
    body = response.get_data(as_text=True)
    where = f"{form.method.upper()} {local_path(form.action)}"
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    assert unescaped_markup(body) == [], where
    if response.status_code == 200 and form.method == "post":
        changed = {t for t, n in row_counts().items() if before[t] != n}
        assert changed <= WRITTEN_ON_REFUSAL, f"{where} refused yet wrote {changed}"
        assert kept_input_problems(form, values, body, form.action) == [], where


def sweep_form(account: Account, form: Form) -> None:
    """Each hostile value in each text field in turn, the other fields plausible."""
    for name, field in form.fields.items():
        if name == "csrf_token" or not field.is_text:
            continue
        for hostile in HOSTILE_VALUES.values():
            account.ensure_signed_in()
            values = {**baseline(form), name: hostile}
            before = row_counts()
            check_answer(form, values, submit(account.client, form, values), before)


def attack_form(account: Account, form: Form) -> None:
    """Submit the form EXAMPLES times with hostile values everywhere and check each answer."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def attack(data):
        account.ensure_signed_in()
        values = {name: field_value(data.draw, field) for name, field in form.fields.items()
                  if name != "csrf_token"}
        before = row_counts()
        check_answer(form, values, submit(account.client, form, values), before)

    attack()


@pytest.mark.parametrize("role", [ANONYMOUS, *(role.value for role in Role)])
def test_every_form_withstands_hostile_input(app, client, db_session, role):
    account = Account(app, client, role)
    account.ensure_signed_in()
    if role == ANONYMOUS:
        wait_for_a_code(client, db_session)  # so the code step's form is attacked too
    forms = discover_forms(client, pages_for(app, role, account.user))
    assert forms, f"no form found for {role}"
    before = TALLY["submissions"]
    for form in forms:
        sweep_form(account, form)
        attack_form(account, form)
    print(f"\nhostile input ({role}): {len(forms)} forms, "
          f"{TALLY['submissions'] - before} submissions")


def wait_for_a_code(client, db_session) -> None:
    """Pass the password step of a user with two-step sign-in, and stop there."""
    user = factories.make_user("supervisor")
    factories.enrol_totp(user)
    db_session.commit()
    response = client.post("/login", data={"username": user.username,
                                           "password": factories.PASSWORD})
    assert response.headers["Location"].endswith("/login/code")


def test_every_url_argument_has_a_provider(app):
    missing = url_arguments(app) - set(RECORD_PROVIDERS) - {"filename"}
    assert missing == set(), (
        f"add a record provider for {sorted(missing)} to tests/hardening/surface.py")

